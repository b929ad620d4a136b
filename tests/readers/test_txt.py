from __future__ import annotations

import pytest

from spinscope.errors import InputError
from spinscope.readers.txt import TxtReader

from .conftest import make_settings


def read_one(path, settings=None):
    docs = list(TxtReader(settings or make_settings()).read(str(path)))
    assert len(docs) == 1
    return docs[0]


def test_txt_keeps_text_verbatim_with_crlf(tmp_path) -> None:
    raw = "Ferry Plan Splits Village\r\n\r\nThe council voted.\r\nCritics disagree.\r\n"
    path = tmp_path / "ferry.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = read_one(path)
    assert doc.text == raw
    assert doc.id == "ferry"
    assert doc.source == str(path)
    assert doc.title == "Ferry Plan Splits Village"
    assert doc.date is None and "header_end" not in doc.meta
    assert doc.language is None


def test_txt_keeps_lone_cr_and_utf8_bom(tmp_path) -> None:
    """The BOM stays as U+FEFF because SemEval gold offsets count it (see readers/textio.py)."""
    raw = "\ufeffTitle\rbody line\n"
    path = tmp_path / "bom.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = read_one(path)
    assert doc.text == raw
    assert doc.title == "Title"


@pytest.mark.parametrize(
    ("raw", "body_start", "title"),
    [
        (" date 2022-11-09\nThe Kiev regime spoke.\nMore text.\n", 17, "The Kiev regime spoke."),
        (" date 2022-11-09\r\nThe Kiev regime spoke.\r\n", 18, "The Kiev regime spoke."),
        (" date 2022-11-09The Kiev regime spoke.\nMore text.\n", 16, "The Kiev regime spoke."),
        ("\ufeff date 2022-11-09The Kiev regime spoke.", 17, "The Kiev regime spoke."),
    ],
)
def test_date_marker_sets_date_and_body_offset(tmp_path, raw, body_start, title) -> None:
    path = tmp_path / "dated.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = read_one(path)
    assert doc.text == raw  # the marker stays: offsets refer to the whole file
    assert doc.date == "2022-11-09"
    assert doc.meta["header_end"] == body_start
    assert doc.text[body_start:].startswith("The Kiev regime")
    assert doc.title == title


@pytest.mark.parametrize(
    ("raw", "day", "title"),
    [
        (" date 2022-07\nDie Kiewer Junta lügt\n\nText.\n", "2022-07", "Die Kiewer Junta lügt"),
        (" date 2023\nLa junta de Kiev miente\n\nTexto.\n", "2023", "La junta de Kiev miente"),
        (" date 2023-01The regime lies\nText.\n", "2023-01", "The regime lies"),
    ],
)
def test_a_marker_may_give_a_month_or_a_year(tmp_path, raw, day, title) -> None:
    path = tmp_path / "dated.txt"
    path.write_text(raw, encoding="utf-8")
    doc = read_one(path)
    assert (doc.date, doc.title) == (day, title)
    assert not doc.text[doc.meta["header_end"] :].startswith(("date", " date"))


@pytest.mark.parametrize(
    "raw",
    [
        "date 2022-11-09 text",
        " date 2022-13-45 text",
        "Text then date 2022-11-09",
        " date 2022-13\nText",
        " date 20221 x",
    ],
)
def test_text_that_only_looks_like_a_marker_is_left_alone(tmp_path, raw) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(raw, encoding="utf-8")
    doc = read_one(path)
    assert doc.date is None and "header_end" not in doc.meta


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("Привет, это короткая заметка о погоде в городе и на побережье сегодня.\r\n", "cp1251"),
        ("Ça coûte très cher à la mairie et les habitants protestent déjà.\n", "cp1252"),
        ("Größere Straßen für Bürger: die Stadt plant Änderungen im März.\n", "cp1252"),
        ("Rząd ogłosił, że wszystkie źródła energii będą dostępne dla ludności już wkrótce.\n", "cp1250"),
    ],
)
def test_legacy_encoding_is_detected(tmp_path, raw, encoding) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(raw.encode(encoding))
    doc = read_one(path)
    assert doc.text == raw
    assert doc.meta["encoding"] != "utf-8"


def test_utf16_with_bom_is_decoded(tmp_path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Title\r\nBody text.".encode("utf-16"))
    assert read_one(path).text == "Title\r\nBody text."


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "E403"),
        (b"", "E404"),
        (b"  \r\n\t\n", "E404"),
        (b" date 2022-11-09\n\n", "E404"),
        ("Größere Straßen für Bürger im März.".encode().replace(b"im", b"\xefm"), "E406"),  # UTF-8, one bad byte
    ],
)
def test_bad_text_files_raise_coded_errors(tmp_path, content, code) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_one(path)
    assert str(info.value).startswith(f"[{code}] {path}")


def test_missing_file_is_e401(tmp_path) -> None:
    with pytest.raises(InputError, match=r"^\[E401\]"):
        read_one(tmp_path / "nope.txt")


def test_folder_given_as_txt_is_e415(tmp_path) -> None:
    with pytest.raises(InputError, match=r"^\[E415\]"):
        read_one(tmp_path)


def test_limits_on_chars_and_bytes(tmp_path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("é" * 30, encoding="utf-8")  # 30 characters, 60 bytes
    with pytest.raises(InputError, match=r"^\[E405\].*30 characters exceed the size limit of 20"):
        read_one(path, make_settings("limits.max_chars=20"))
    with pytest.raises(InputError, match=r"^\[E412\].*more than 50 bytes"):
        read_one(path, make_settings("limits.max_bytes=50"))
    assert len(read_one(path, make_settings("limits.max_chars=30", "limits.max_bytes=60")).text) == 30


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Ferry Plan Splits Village\n\nThe council voted.\n", "Ferry Plan Splits Village"),
        ("The Kiev regime spoke.\nMore text.\n", "The Kiev regime spoke."),  # one short sentence: kept
        ("U.S. Envoy Meets Dr. Quill in St. Ives\nBody.\n", "U.S. Envoy Meets Dr. Quill in St. Ives"),
        ("Who Pays for the Ferry? Voters Do\nBody.\n", "Who Pays for the Ferry? Voters Do"),
        ("Ferry vs. Bridge: The Vote on 9 Nov. 2022\nBody.\n", "Ferry vs. Bridge: The Vote on 9 Nov. 2022"),
        (
            " date 2022-11-09\nThe harbour council met late on Tuesday evening and, after a long and bitter debate "
            "about costs, voted to buy a second ferry for the island route.\nCritics disagree.\n",
            None,  # a whole opening paragraph: over 20 words
        ),
        (" date 2022-11-09\nThe council voted on Tuesday. Critics say it was rushed.\nMore.\n", None),  # 2 sentences
        ("Жители гавани недовольны. Мэр молчит.\nТекст.\n", None),
        ("Here is what the harbour master told the council:\nText.\n", None),  # stops mid-sentence
        ("x" * 151 + "\nBody.\n", None),  # over 150 characters
        ("|\nDie Kiewer Junta lügt wieder\n\nText.\n", "Die Kiewer Junta lügt wieder"),  # a separator line
        ("Teilen | Twittern | E-Mail\n\nDie Wahrheit über Kiew\n\nText.\n", "Die Wahrheit über Kiew"),  # buttons
        ("Share | Tweet\nThe Truth About Kiev\n\nText.\n", "The Truth About Kiev"),
        ("Kiev Lies Again | Opinion\n\nText.\n", "Kiev Lies Again | Opinion"),  # a site's title, not buttons
        ("KYIV, Nov 14 (Reuters) - Ukraine has exported almost\n20 million tonnes.\n", None),  # a dateline
        ("КИЕВ, 14 ноября (Рейтер) - Украина экспортировала\nпочти 20 млн тонн.\n", None),
        ("PARIS, 3 mars — La France a annoncé\nlundi un plan.\n", None),
        ("|\n\n", None),
    ],
)
def test_title_only_when_the_first_line_looks_like_a_headline(tmp_path, raw, title) -> None:
    path = tmp_path / "article.txt"
    path.write_text(raw, encoding="utf-8", newline="")
    doc = read_one(path)
    assert doc.title == title
    assert doc.text == raw  # the title is never cut out of the text


def test_headline_limits_are_inclusive() -> None:
    from spinscope.readers.txt import HEADLINE_MAX_CHARS, HEADLINE_MAX_WORDS, looks_like_headline

    assert looks_like_headline(" ".join(["Ferry"] * HEADLINE_MAX_WORDS))
    assert not looks_like_headline(" ".join(["Ferry"] * (HEADLINE_MAX_WORDS + 1)))
    assert looks_like_headline("x" * HEADLINE_MAX_CHARS)
    assert not looks_like_headline("x" * (HEADLINE_MAX_CHARS + 1))
