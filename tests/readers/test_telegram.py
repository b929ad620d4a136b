"""Telegram Desktop channel exports: an invented channel written the way "Export chat history" lays it out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers import detect_format, open_input
from spinscope.readers.base import Rejected
from spinscope.readers.telegram import TelegramReader, flatten, looks_like_export

from .conftest import make_settings

LINK = "https://harbour-gazette.example/ferry-vote"
HREF = "https://harbour-gazette.example/poll"


def message(mid: int, text: Any, **fields: Any) -> dict[str, Any]:
    base = {
        "id": mid,
        "type": "message",
        "date": "2022-11-09T10:15:00",
        "date_unixtime": "1667988900",
        "from": "Harbour Watch",
        "from_id": "channel1700000001",
        "views": 1200 + mid,
        "text": text,
    }
    base.update(fields)
    if isinstance(text, list):  # Telegram writes the same parts again, with "plain" for the strings
        base["text_entities"] = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text]
    elif isinstance(text, str):
        base["text_entities"] = [{"type": "plain", "text": text}] if text else []
    return base


def channel_export() -> dict[str, Any]:
    messages = [
        {
            "id": 1,
            "type": "service",
            "date": "2022-11-01T08:00:00",
            "actor": "Harbour Watch",
            "action": "create_channel",
            "title": "Harbour Watch",
            "text": "",
            "text_entities": [],
        },
        message(2, "The ferry vote is tomorrow.\nEveryone should be there."),
        message(
            3,
            [
                {"type": "bold", "text": "Breaking:"},
                " the council hid the costs. Read ",
                {"type": "text_link", "text": "here", "href": HREF},
                " and ",
                {"type": "link", "text": LINK},
                " ",
                {"type": "mention", "text": "@harbourwatch"},
                " ",
                {"type": "hashtag", "text": "#ferry"},
            ],
            edited="2022-11-09T11:00:00",
        ),
        message(4, "", photo="photos/photo_1@09-11-2022_10-20-00.jpg", width=800, height=600),
        message(5, "Mainland papers will not tell you this.", forwarded_from="Coastline Truth"),
        {k: v for k, v in message(6, "Views are not counted on this one.").items() if k != "views"},
        message(7, {"type": "bold", "text": "wrong shape"}),
        message(8, "A clip of the harbour meeting.", media_type="video_file", file="files/clip.mp4"),
    ]
    return {"name": "Harbour Watch", "type": "public_channel", "id": 1700000001, "messages": messages}


def write_export(folder: Path, export: dict[str, Any] | None = None, name: str = "result.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(export or channel_export(), ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read(source: Path, *overrides: str) -> list[Document | Rejected]:
    return list(TelegramReader(make_settings(*overrides)).read(str(source)))


@pytest.fixture
def export_path(tmp_path: Path) -> Path:
    return write_export(tmp_path / "ChatExport_2022-11-10")


def by_id(items: list[Document | Rejected]) -> dict[str, Document]:
    return {item.id: item for item in items if isinstance(item, Document)}


def test_one_document_per_text_message(export_path) -> None:
    items = read(export_path)
    docs = by_id(items)
    # 1 (service) and 4 (photo without caption) are skipped quietly; 7 is malformed.
    assert list(docs) == ["1700000001/2", "1700000001/3", "1700000001/5", "1700000001/6", "1700000001/8"]
    rejected = [item for item in items if isinstance(item, Rejected)]
    assert len(rejected) == 1
    assert rejected[0].source == f"{export_path}:messages[6]"
    assert rejected[0].message.startswith(f"[E406] {export_path}:messages[6]: malformed Telegram message")
    assert "text is dict" in rejected[0].message


def test_plain_text_message(export_path) -> None:
    doc = by_id(read(export_path))["1700000001/2"]
    assert doc.text == "The ferry vote is tomorrow.\nEveryone should be there."
    assert doc.date == "2022-11-09"
    assert doc.title is None
    assert doc.source == f"{export_path}:messages[1]"
    assert doc.meta == {
        "channel": "Harbour Watch",
        "channel_id": 1700000001,
        "message_id": 2,
        "date": "2022-11-09T10:15:00",
        "views": 1202,
        "forwarded_from": None,
        "links": [],
        "media_type": None,
    }


def test_entity_list_is_flattened_and_link_offsets_index_the_text(export_path) -> None:
    doc = by_id(read(export_path))["1700000001/3"]
    assert doc.text == f"Breaking: the council hid the costs. Read here and {LINK} @harbourwatch #ferry"
    links = doc.meta["links"]
    assert [link["url"] for link in links] == [HREF, LINK]
    assert [link["type"] for link in links] == ["text_link", "link"]
    assert doc.text[links[0]["start"] : links[0]["end"]] == "here"
    assert doc.text[links[1]["start"] : links[1]["end"]] == LINK
    assert doc.meta["edited"] == "2022-11-09T11:00:00"
    # The links can become spans as they stand: the offsets need no shifting.
    for link in links:
        doc.add_span("links", link["start"], link["end"], "link")
    doc.check_offsets()


def test_forwarded_missing_views_and_media(export_path) -> None:
    docs = by_id(read(export_path))
    assert docs["1700000001/5"].meta["forwarded_from"] == "Coastline Truth"
    assert docs["1700000001/6"].meta["views"] is None
    assert docs["1700000001/8"].meta["media_type"] == "video_file"
    assert docs["1700000001/8"].text == "A clip of the harbour meeting."


def test_plain_string_text_takes_links_from_text_entities(tmp_path) -> None:
    msg = message(1, f"Read {LINK} now")
    msg["text_entities"] = [
        {"type": "plain", "text": "Read "},
        {"type": "link", "text": LINK},
        {"type": "plain", "text": " now"},
    ]
    path = write_export(tmp_path, {"name": "Quay", "type": "private_channel", "id": 9, "messages": [msg]})
    (doc,) = read(path)
    (link,) = doc.meta["links"]
    assert doc.text[link["start"] : link["end"]] == LINK


def test_flatten_offsets_count_python_characters() -> None:
    text, entities = flatten(["Цена 🚢 ", {"type": "link", "text": "ferry.example"}, " ✓"])
    assert text == "Цена 🚢 ferry.example ✓"
    ((start, end, _),) = entities
    assert text[start:end] == "ferry.example"


@pytest.mark.parametrize(
    ("bad", "detail"),
    [
        ("not an object", "item is str, not an object"),
        ({"type": "message", "text": "No id here."}, "no integer 'id'"),
        ({"id": 3, "type": "message", "text": ["ok ", 5]}, "text part 1 is int"),
        ({"id": 4, "type": "message", "text": [{"type": "bold"}]}, "text part 0 is an object without"),
        ({"id": 5, "type": "message", "text": "Fine text.", "date": "yesterday"}, "is not an ISO date-time"),
    ],
)
def test_malformed_messages_are_rejected_and_reading_goes_on(tmp_path, bad, detail) -> None:
    export = {"name": "Quay", "type": "public_channel", "id": 9, "messages": [bad, message(6, "Still read.")]}
    items = read(write_export(tmp_path, export))
    assert isinstance(items[0], Rejected) and items[0].message.startswith("[E406]") and detail in items[0].message
    assert isinstance(items[1], Document) and items[1].id == "9/6"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_a_coded_input_error(tmp_path, keep) -> None:
    path = tmp_path / "result.json"
    full = json.dumps(channel_export(), indent=1)
    path.write_text(full[: int(len(full) * keep)], encoding="utf-8")
    with pytest.raises(InputError, match=r"^\[E406\] .*result\.json: malformed Telegram export: .*truncated"):
        read(path)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "E404"),
        (b"[1, 2]", "E406"),
        (b'{"name": "Quay", "type": "public_channel"}', "E406"),
        (b"\xff\xfe{\x00", "E403"),
        (b'{"name": "Quay", "type": "public_channel", "id": 9, "messages": []}', "E414"),
    ],
)
def test_unusable_exports_raise(tmp_path, content, code) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        read(path)


def test_only_service_and_media_messages_is_e414(tmp_path) -> None:
    export = channel_export()
    export["messages"] = [export["messages"][0], export["messages"][3]]
    with pytest.raises(InputError, match=r"^\[E414\] .*holds no text messages"):
        read(write_export(tmp_path, export))


def test_folder_without_result_json_is_e402(tmp_path) -> None:
    with pytest.raises(InputError, match=r"^\[E402\] .*result\.json"):
        read(tmp_path)


def test_missing_export_is_e401(tmp_path) -> None:
    with pytest.raises(InputError, match=r"^\[E401\]"):
        read(tmp_path / "nope.json")


def test_name_is_the_prefix_when_the_export_has_no_id(tmp_path) -> None:
    export = {"name": "Quay Notes", "type": "private_channel", "messages": [message(11, "Hello quay.")]}
    (doc,) = read(write_export(tmp_path, export))
    assert doc.id == "Quay Notes/11" and doc.meta["channel_id"] is None


def test_limits(export_path) -> None:
    items = read(export_path, "limits.max_records=2")
    assert [type(item) for item in items] == [Document, Document, Rejected]
    assert items[2].message.startswith("[E413]")
    with pytest.raises(InputError, match=r"^\[E412\]"):
        read(export_path, "limits.max_bytes=100")
    items = read(export_path, "limits.max_chars=40")
    assert "1700000001/6" in by_id(items)  # 34 characters
    too_long = [item for item in items if isinstance(item, Rejected) and item.message.startswith("[E405]")]
    assert len(too_long) == 2  # messages 2 and 3


def test_open_input_detects_the_file_and_its_folder(export_path, tmp_path) -> None:
    settings = make_settings()
    assert detect_format(str(export_path)) == "telegram"
    assert detect_format(str(export_path.parent)) == "telegram"
    from_file = list(open_input(str(export_path), settings))
    from_folder = list(open_input(str(export_path.parent), settings))
    assert [d.id for d in from_file if isinstance(d, Document)] == [
        d.id for d in from_folder if isinstance(d, Document)
    ]
    assert len(by_id(from_folder)) == 5
    # Any .json file that starts like an export is one too, whatever it is called.
    other = write_export(tmp_path / "elsewhere", name="harbour_watch.json")
    assert detect_format(str(other)) == "telegram"
    assert len(by_id(list(open_input(str(other), settings)))) == 5


def test_detection_leaves_other_json_alone(tmp_path) -> None:
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"id": "r1", "text": "An article."}]), encoding="utf-8")
    assert detect_format(str(records)) == "json"
    obj = tmp_path / "config.json"
    obj.write_text(json.dumps({"messages": ["hello"], "type": "greeting"}), encoding="utf-8")
    assert detect_format(str(obj)) == "json"
    # A folder of articles with some unrelated result.json stays a folder.
    (tmp_path / "ferry.txt").write_text("Headline\n\nBody.", encoding="utf-8")
    (tmp_path / "result.json").write_text(json.dumps({"score": 0.5}), encoding="utf-8")
    assert detect_format(str(tmp_path)) == "folder"
    # ...but a file named result.json that holds an object goes to the Telegram reader, which says what is wrong.
    assert detect_format(str(tmp_path / "result.json")) == "telegram"
    with pytest.raises(InputError, match=r"^\[E406\] .*no 'messages' list"):
        list(open_input(str(tmp_path / "result.json"), make_settings()))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{\n "name": "Quay",\n "type": "public_channel",\n "id": 9,\n "messages": [\n', True),
        (b'\xef\xbb\xbf{"name": "Team", "type": "private_supergroup", "id": 1, "messages": [', True),
        (b'{"name": "Me", "type": "personal_chat", "id": 1, "messages": []}', True),
        (b'{"type": "message", "messages": [', False),
        (b'[{"type": "public_channel", "messages": []}]', False),
        (b"not json", False),
    ],
)
def test_looks_like_export(head, expected) -> None:
    assert looks_like_export(head) is expected
