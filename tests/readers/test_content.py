"""Readers take content (bytes and a name, as an upload arrives): the same documents as from the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.readers import Content, Rejected, open_content, open_input

from .conftest import FIXTURES, make_settings, two_pages, warcinfo

FILES = ["article.html", "feed.rss", "feed.atom", "records.csv", "records.jsonl", "semeval/article999.txt"]


def _seen(items) -> list[tuple]:
    return [
        (i.source, i.message) if isinstance(i, Rejected) else (i.id, i.source, i.title, i.text, i.date, i.meta)
        for i in items
    ]


@pytest.mark.parametrize("name", FILES)
def test_content_in_memory_reads_as_the_file_does(name: str) -> None:
    cfg = make_settings("input.feed_fetch=false")
    path = FIXTURES / name
    from_file = _seen(open_input(str(path), cfg))
    from_memory = _seen(open_content(Content(str(path), data=path.read_bytes()), cfg))
    assert from_memory == from_file and from_file


def test_gzipped_records_and_a_warc_from_memory(tmp_path: Path) -> None:
    cfg = make_settings()
    lines = (FIXTURES / "records.jsonl").read_bytes()
    (doc, *_) = open_content(Content("upload.jsonl.gz", data=gzip.compress(lines)), cfg)
    assert doc.source.startswith("upload.jsonl.gz:1")
    one, two = two_pages()
    docs = list(open_content(Content("crawl.warc.gz", data=gzip.compress(warcinfo() + one + two)), cfg))
    assert [d.source for d in docs] == ["https://x.example/one", "https://x.example/two"]
    assert all(d.meta["warc_file"] == "crawl.warc.gz" for d in docs)


def test_a_name_without_suffix_is_read_by_its_first_bytes() -> None:
    cfg = make_settings()
    (doc,) = open_content(Content("page", data=(FIXTURES / "article.html").read_bytes()), cfg)
    assert doc.id == "page" and doc.title == "Harbour Town Votes on a Second Ferry"
    with pytest.raises(InputError, match=r"^\[E412\] notes\.txt: more than 10 bytes"):
        list(open_content(Content("notes.txt", data=b"x" * 11), make_settings("limits.max_bytes=10")))
    with pytest.raises(InputError, match=r"^\[E404\] empty\.warc"):
        list(open_content(Content("empty.warc", data=b""), cfg))
