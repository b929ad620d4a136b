from __future__ import annotations

import os
from pathlib import Path

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.base import Rejected
from spinscope.readers.folder import FolderReader, SemevalReader

from .conftest import FIXTURES, make_settings, without_hanging, write_mixed_encodings

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("SPINSCOPE_DATA", REPO.parent / "shared" / "data"))
SEMEVAL_EN = DATA / "semeval2023-task3" / "en" / "train-articles-subtask-3"
SPANS_EN = SEMEVAL_EN.parent / "train-labels-subtask-3-spans"


def test_semeval_folder_yields_numeric_ids_in_numeric_order(cfg) -> None:
    docs = list(SemevalReader(cfg).read(str(FIXTURES / "semeval")))
    assert [d.id for d in docs] == ["999", "1002"]  # README.txt is not an article
    ferry = docs[1]
    assert ferry.text == (FIXTURES / "semeval" / "article1002.txt").read_bytes().decode("utf-8")
    assert "\r\n" in ferry.text
    assert ferry.title == "Ferry Plan Splits Village"


def test_generic_folder_reads_txt_and_html(tmp_path, cfg) -> None:
    (tmp_path / "b-note.txt").write_text("A short note.\n", encoding="utf-8")
    (tmp_path / "article7.txt").write_text("Seven\n\nBody.\n", encoding="utf-8")
    (tmp_path / "page.html").write_bytes((FIXTURES / "article.html").read_bytes())
    (tmp_path / "image.png").write_bytes(b"\x89PNG\x00")  # an image is read too (by OCR): this one is broken
    (tmp_path / "notes.md").write_text("# Not an article kind spinscope reads\n", encoding="utf-8")
    items = list(FolderReader(cfg).read(str(tmp_path)))
    docs = [item for item in items if isinstance(item, Document)]
    assert [d.id for d in docs] == ["7", "b-note", "page"]
    assert docs[2].title == "Harbour Town Votes on a Second Ferry"
    assert [(Path(r.source).name, r.message[:6]) for r in items if not isinstance(r, Document)] == [
        ("image.png", "[E406]")
    ]


def test_same_stem_twice_keeps_both(tmp_path, cfg) -> None:
    (tmp_path / "a.txt").write_text("Plain text.", encoding="utf-8")
    (tmp_path / "a.html").write_bytes((FIXTURES / "article.html").read_bytes())
    assert sorted(d.id for d in FolderReader(cfg).read(str(tmp_path))) == ["a", "a.txt"]


def test_bad_file_is_rejected_and_the_rest_goes_on(tmp_path, cfg) -> None:
    (tmp_path / "article1.txt").write_text("One\n\nFine.\n", encoding="utf-8")
    (tmp_path / "article2.txt").write_bytes(b"\x00\x01\x02\xff")
    (tmp_path / "article3.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "article4.txt").write_text("Four\n\nFine too.\n", encoding="utf-8")
    items = list(SemevalReader(cfg).read(str(tmp_path)))
    assert [type(i).__name__ for i in items] == ["Document", "Rejected", "Rejected", "Document"]
    assert items[1].message.startswith(f"[E403] {tmp_path / 'article2.txt'}")
    assert items[2].message.startswith("[E404]")
    assert isinstance(items[2], Rejected) and items[2].source == str(tmp_path / "article3.txt")


@pytest.mark.parametrize("reader", [FolderReader, SemevalReader])
def test_fifos_in_a_folder_are_skipped(tmp_path, cfg, reader) -> None:
    from spinscope.readers import open_input

    (tmp_path / "article1.txt").write_text("One\n\nFine.\n", encoding="utf-8")
    for name in ("article2.txt", "article3.html", "result.json"):
        os.mkfifo(tmp_path / name)
    fifo = tmp_path / "article2.txt"
    docs = without_hanging(fifo, lambda: list(reader(cfg).read(str(tmp_path))))
    assert [d.id for d in docs] == ["1"]
    assert [d.id for d in without_hanging(fifo, lambda: list(open_input(str(tmp_path), cfg)))] == ["1"]
    (tmp_path / "article1.txt").rename(tmp_path / "one.txt")  # no article*.txt: the folder is sniffed for Telegram
    fifo.unlink()
    export = tmp_path / "result.json"
    assert [d.id for d in without_hanging(export, lambda: list(open_input(str(tmp_path), cfg)))] == ["one"]


def test_oversized_file_in_folder_is_rejected(tmp_path) -> None:
    (tmp_path / "article1.txt").write_text("x" * 100, encoding="utf-8")
    (tmp_path / "article2.txt").write_text("short", encoding="utf-8")
    items = list(SemevalReader(make_settings("limits.max_chars=50")).read(str(tmp_path)))
    assert items[0].message.startswith("[E405]") and items[1].id == "2"


def test_max_records_stops_a_folder(tmp_path) -> None:
    for n in range(3):
        (tmp_path / f"article{n}.txt").write_text("text", encoding="utf-8")
    items = list(SemevalReader(make_settings("limits.max_records=2")).read(str(tmp_path)))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Rejected"]
    assert items[-1].message.startswith("[E413]")


def test_folder_without_articles_is_e402(tmp_path, cfg) -> None:
    (tmp_path / "notes.md").write_text("nothing", encoding="utf-8")
    with pytest.raises(InputError, match=r"^\[E402\].*article\*\.txt"):
        list(SemevalReader(cfg).read(str(tmp_path)))
    with pytest.raises(InputError, match=r"^\[E402\]"):
        list(FolderReader(cfg).read(str(tmp_path)))


def test_missing_folder_is_e401(tmp_path, cfg) -> None:
    with pytest.raises(InputError, match=r"^\[E401\]"):
        list(SemevalReader(cfg).read(str(tmp_path / "gone")))


def test_single_article_file_given_to_semeval(cfg) -> None:
    (doc,) = SemevalReader(cfg).read(str(FIXTURES / "semeval" / "article999.txt"))
    assert doc.id == "999"


@pytest.mark.skipif(not SEMEVAL_EN.is_dir() and not os.environ.get("CI"), reason="shared data absent")
def test_real_semeval_folder_offsets_match_gold_spans(cfg) -> None:
    docs = {d.id: d for d in SemevalReader(cfg).read(str(SEMEVAL_EN)) if isinstance(d, Document)}
    assert len(docs) > 100
    ids = sorted(docs, key=int)
    # a few ordinary articles plus the two that start with a BOM (their gold offsets count it)
    for doc_id in [*ids[:5], "705409419", "712382330"]:
        doc = docs[doc_id]
        path = SEMEVAL_EN / f"article{doc_id}.txt"
        with path.open(encoding="utf-8", newline="") as fh:
            assert doc.text == fh.read()
        gold = SPANS_EN / f"article{doc_id}-labels-subtask-3.txt"
        rows = [line.split("\t") for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert rows
        for _, _, start, end in rows[:10]:
            piece = doc.text[int(start) : int(end)]
            assert piece and piece in doc.text
            assert not piece.startswith("\ufeff")


def test_a_folder_of_mixed_encodings_decodes_every_file(tmp_path, cfg) -> None:
    expected = write_mixed_encodings(tmp_path)
    docs = {Path(d.source).name: d for d in FolderReader(cfg).read(str(tmp_path))}
    assert {name: docs[name].text for name in expected} == expected


def test_a_utf8_file_with_a_stray_byte_is_rejected_not_garbled(tmp_path, cfg) -> None:
    text = "Die Bürgermeisterin eröffnete die neue Fähre über den Fluss."
    (tmp_path / "good.txt").write_text(text, encoding="utf-8")
    (tmp_path / "stray.txt").write_bytes(text.encode().replace(b"neue", b"neu\xe9"))  # a cp1252 byte slipped in
    page = f"<html><body><p>{text}</p></body></html>".encode()
    (tmp_path / "stray.html").write_bytes(page.replace(b"neue", b"n\xff"))
    good, page, stray = FolderReader(cfg).read(str(tmp_path))
    assert good.text == text
    assert page.text == text.replace("neue", "n\ufffd")  # a page shows it as browsers do
    assert isinstance(stray, Rejected)
    where, at = tmp_path / "stray.txt", text.encode().index(b"neue") + 3
    assert stray.message == f"[E406] {where}: malformed utf-8 text: byte 0xe9 at byte {at} cannot be decoded"
