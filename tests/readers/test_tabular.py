from __future__ import annotations

import json

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.base import Rejected
from spinscope.readers.tabular import CsvReader, JsonlReader

from .conftest import FIXTURES, make_settings


def kinds(items) -> list[str]:
    return [type(i).__name__ for i in items]


def test_jsonl_records_and_rejections(cfg) -> None:
    source = str(FIXTURES / "records.jsonl")
    items = list(JsonlReader(cfg).read(source))
    assert kinds(items) == ["Document", "Document", "Rejected", "Rejected"]
    first, second, broken, no_text = items
    assert first.id == "r1" and first.title == "Ferry vote" and first.date == "2023-04-05"
    assert first.language == "en"
    assert first.meta["fields"] == {"outlet": "Coastline Gazette"}
    assert first.source == f"{source}:1"
    assert second.id == "records:2"
    assert broken.message.startswith(f"[E406] {source}:3: malformed JSON")
    assert no_text.message == f"[E411] {source}:4: field 'text' is missing in record 4."


def test_jsonl_fields_come_from_settings(tmp_path) -> None:
    path = tmp_path / "custom.jsonl"
    path.write_text(json.dumps({"key": 7, "body": "Text\r\nwith CRLF", "headline": "H"}) + "\n", encoding="utf-8")
    settings = make_settings("input.text_field=body", "input.id_field=key", "input.title_field=headline")
    (doc,) = JsonlReader(settings).read(str(path))
    assert (doc.id, doc.text, doc.title) == ("7", "Text\r\nwith CRLF", "H")


def test_jsonl_text_with_date_marker(tmp_path, cfg) -> None:
    path = tmp_path / "dated.jsonl"
    path.write_text(json.dumps({"text": " date 2022-11-09The body."}) + "\n", encoding="utf-8")
    (doc,) = JsonlReader(cfg).read(str(path))
    assert doc.date == "2022-11-09" and doc.meta["header_end"] == 16


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('{"text": 5}', "E406"),
        ('{"text": null}', "E411"),
        ('{"text": "   "}', "E404"),
        ("[1, 2]", "E406"),
        ('{"text": "' + "x" * 60 + '"}', "E405"),
    ],
)
def test_jsonl_bad_record_is_rejected_after_a_good_one(tmp_path, line, code) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"text": "fine"}\n' + line + "\n", encoding="utf-8")
    good, bad = JsonlReader(make_settings("limits.max_chars=50")).read(str(path))
    assert isinstance(good, Document)
    assert isinstance(bad, Rejected) and bad.message.startswith(f"[{code}] {path}:2")


def test_rejections_before_the_first_good_record_are_kept_in_order(tmp_path, cfg) -> None:
    path = tmp_path / "late.jsonl"
    path.write_text('oops\n\n{"x": 1}\n{"text": "finally"}\n', encoding="utf-8")
    items = list(JsonlReader(cfg).read(str(path)))
    assert kinds(items) == ["Rejected", "Rejected", "Document"]
    assert [i.source for i in items[:2]] == [f"{path}:1", f"{path}:3"]


def test_overlong_line_is_rejected_and_skipped(tmp_path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_text('{"text": "' + "y" * 500 + '"}\n{"text": "short"}\n', encoding="utf-8")
    big, doc = JsonlReader(make_settings("limits.max_bytes=100")).read(str(path))
    assert big.message.startswith(f"[E412] {path}:1") and doc.text == "short"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "E404"),
        (b"\n\n  \n", "E404"),
        (b"not json\nalso not json\n", "E406"),
        (b'{"body": "no text field"}\n', "E406"),
        (b"\x00\x01binary\x00", "E403"),
        (b"[1, 2", "E406"),
        (b'{"not": "a list"}', "E406"),
    ],
)
def test_unreadable_jsonl_files_raise(tmp_path, cfg, content, code) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        list(JsonlReader(cfg).read(str(path)))


def test_json_list(tmp_path, cfg) -> None:
    path = tmp_path / "list.json"
    records = [{"id": "a", "text": "First."}, "not an object", {"text": "Third."}]
    path.write_text("\ufeff" + json.dumps(records), encoding="utf-8")
    items = list(JsonlReader(cfg).read(str(path)))
    assert kinds(items) == ["Document", "Rejected", "Document"]
    assert items[1].source == f"{path}[1]"
    assert items[2].id == "list:3"


def test_max_records(tmp_path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"t{n}"}) + "\n" for n in range(5)), encoding="utf-8")
    items = list(JsonlReader(make_settings("limits.max_records=3")).read(str(path)))
    assert kinds(items) == ["Document"] * 3 + ["Rejected"]
    assert items[-1].message.startswith("[E413]")


def test_csv_records(cfg) -> None:
    source = str(FIXTURES / "records.csv")
    items = list(CsvReader(cfg).read(source))
    assert kinds(items) == ["Document", "Document", "Rejected"]
    ferry, other, empty = items
    assert (
        ferry.id == "c1" and ferry.text == "The council voted on Tuesday to buy a second ferry.\nIt was a close vote."
    )
    assert ferry.meta["fields"] == {"outlet": "Coastline Gazette"}
    assert other.title is None
    assert empty.message.startswith(f"[E404] {source}:5")


def test_csv_semicolon_crlf_bom_and_long_fields(tmp_path, cfg) -> None:
    body = "Line one\r\nline two " + "z" * 200_000
    path = tmp_path / "semi.csv"
    path.write_bytes(("\ufeffid;text\r\n" + f'x1;"{body}"\r\nx2;short\r\n').encode("utf-8"))
    first, second = CsvReader(cfg).read(str(path))
    assert first.id == "x1" and first.text == body
    assert second.text == "short"


def test_csv_tsv_and_missing_cells(tmp_path, cfg) -> None:
    path = tmp_path / "rows.tsv"
    path.write_text("id\ttext\nt1\tfine, with a comma\nt2\n", encoding="utf-8")
    doc, missing = CsvReader(cfg).read(str(path))
    assert doc.text == "fine, with a comma"
    assert missing.message.startswith(f"[E411] {path}:3")


def test_csv_legacy_encoding(tmp_path, cfg) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,text\n1,Ça coûte très cher à la mairie et les habitants protestent déjà.\n".encode("cp1252"))
    (doc,) = CsvReader(cfg).read(str(path))
    assert doc.text.startswith("Ça co")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "E404"),
        (b"id,body\n1,no text column\n", "E411"),
        (b"id,text\n", "E404"),
        (b"\x00\x00binary", "E403"),
    ],
)
def test_unreadable_csv_files_raise(tmp_path, cfg, content, code) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        list(CsvReader(cfg).read(str(path)))


def test_csv_field_over_limit_is_rejected(tmp_path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('id,text\n1,ok\n2,"' + "q" * 3000 + '"\n3,fine\n', encoding="utf-8")
    items = list(CsvReader(make_settings("limits.max_chars=1000")).read(str(path)))
    assert kinds(items) == ["Document", "Rejected", "Document"]


def test_nul_in_a_later_line_only_rejects_that_line(tmp_path, cfg) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_bytes(b'{"text": "fine"}\n\x00\x00\n')
    doc, bad = JsonlReader(cfg).read(str(path))
    assert doc.text == "fine" and bad.message.startswith(f"[E406] {path}:2")


def test_long_run_of_garbage_gives_up_early(tmp_path, cfg) -> None:
    path = tmp_path / "junk.jsonl"
    path.write_text("junk\n" * 1200 + '{"text": "too late"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"^\[E406\] .*none of the first 1000 record"):
        list(JsonlReader(cfg).read(str(path)))


@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_gzipped_records_are_read_and_a_truncated_file_keeps_the_records_before_the_break(tmp_path, kind) -> None:
    import gzip
    import zlib

    from spinscope.readers import open_input

    texts = [(f"r{i}", f"Invented article number {i} about the new bridge.") for i in range(400)]
    if kind == "jsonl":
        rows = [json.dumps({"id": i, "text": t}) for i, t in texts]
    else:
        rows = ["id,text", *(f"{i},{t}" for i, t in texts)]
    data = gzip.compress(("\n".join(rows) + "\n").encode())
    whole, cut = tmp_path / f"items.{kind}.gz", tmp_path / f"cut.{kind}.gz"
    whole.write_bytes(data)
    cut.write_bytes(data[: len(data) // 2])
    settings = make_settings()
    assert [d.id for d in open_input(str(whole), settings)] == [f"r{i}" for i in range(400)]
    # every line that decompresses whole is kept, as it was written; the line the cut runs through is not
    whole_lines = zlib.decompressobj(wbits=31).decompress(data[: len(data) // 2]).count(b"\n") - (kind == "csv")
    *docs, broken = open_input(str(cut), settings)
    assert 0 < whole_lines < 400 and [(d.id, d.text) for d in docs] == texts[:whole_lines]
    assert broken.message.startswith(f"[E406] {cut}: malformed gzip: compressed stream broken after line")


@pytest.mark.parametrize("rows", [3, 3000], ids=["in the sniffed head", "past it"])
@pytest.mark.parametrize("kind", ["jsonl", "csv", "csv.gz"])
def test_a_record_with_an_undecodable_byte_is_rejected_alone(tmp_path, cfg, kind, rows) -> None:
    import gzip

    from spinscope.readers import open_input

    texts = [f"Die Fähre Nummer {i} fährt über den Fluss zum Markt der Bürgermeisterin." for i in range(rows)]
    if kind == "jsonl":
        lines = [json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False).encode() for i, t in enumerate(texts)]
    else:
        lines = [b"id,text", *(f"r{i},{t}".encode() for i, t in enumerate(texts))]
    bad = len(lines) - 2  # the last record but one gets a cp1252 byte in the middle of UTF-8
    lines[bad] = lines[bad].replace("Fähre".encode(), b"F\xe4hre")
    data = b"\n".join(lines) + b"\n"
    path = tmp_path / f"items.{kind}"
    path.write_bytes(gzip.compress(data) if kind.endswith(".gz") else data)
    items = list(open_input(str(path), cfg))
    (rejected,) = [i for i in items if isinstance(i, Rejected)]
    assert rejected.message.startswith(f"[E406] {path}:{bad + 1}: malformed utf-8 text: byte 0xe4")
    skipped = bad if kind == "jsonl" else bad - 1
    assert [d.text for d in items if isinstance(d, Document)] == texts[:skipped] + texts[skipped + 1 :]
