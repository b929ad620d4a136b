from __future__ import annotations

import gzip
import io

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.base import Rejected
from spinscope.readers.warc import WarcReader

from .conftest import FIXTURES, make_settings, two_pages, warc_response, warcinfo

PAGE = (FIXTURES / "article.html").read_bytes()
EMPTY_PAGE = b"<html><head><title>Nothing</title></head><body></body></html>"


def crawl() -> bytes:
    return (
        warcinfo()
        + warc_response("https://gazette.example/ferry", PAGE, record_id="urn:uuid:aaa")
        + warc_response("https://gazette.example/logo.png", b"\x89PNG", ctype="image/png", record_id="urn:uuid:b")
        + warc_response("https://gazette.example/gone", PAGE, status="404 Not Found", record_id="urn:uuid:c")
        + warc_response("https://gazette.example/empty", EMPTY_PAGE, record_id="urn:uuid:ddd")
    )


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_documents(tmp_path, cfg, name) -> None:
    path = tmp_path / name
    data = crawl()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    items = list(WarcReader(cfg).read(str(path)))
    assert len(items) == 2  # the image and the 404 are skipped quietly
    doc, empty = items
    assert isinstance(doc, Document)
    assert doc.id == "urn:uuid:aaa"
    assert doc.source == "https://gazette.example/ferry"
    assert doc.title == "Harbour Town Votes on a Second Ferry"
    assert doc.meta["warc_file"] == str(path)
    assert isinstance(empty, Rejected)
    assert empty.source == "https://gazette.example/empty"
    assert empty.message.startswith("[E409] https://gazette.example/empty")


def test_oversized_record_is_rejected(tmp_path) -> None:
    path = tmp_path / "big.warc"
    path.write_bytes(warc_response("https://x.example/", PAGE))
    (item,) = WarcReader(make_settings("limits.max_bytes=100")).read(str(path))
    assert item.message.startswith("[E412]")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"this is not a WARC file\n" * 5, "E406"),
        (gzip.compress(b"still not a WARC file\n"), "E406"),
        (b"", "E404"),
        (warcinfo(), "E414"),
    ],
)
def test_bad_warc_files(tmp_path, cfg, content, code) -> None:
    path = tmp_path / "bad.warc"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        list(WarcReader(cfg).read(str(path)))


def test_garbage_after_good_records_is_one_rejected(tmp_path, cfg) -> None:
    path = tmp_path / "tail.warc"
    path.write_bytes(warc_response("https://x.example/", PAGE) + b"garbage that is not a record\r\n\r\n")
    items = list(WarcReader(cfg).read(str(path)))
    assert isinstance(items[0], Document)
    assert isinstance(items[-1], Rejected) and items[-1].message.startswith("[E406]")


def test_missing_warc_is_e401(tmp_path, cfg) -> None:
    with pytest.raises(InputError, match=r"^\[E401\]"):
        list(WarcReader(cfg).read(str(tmp_path / "none.warc")))


def cut_inside(record: bytes, part: str) -> bytes:
    """The record cut in the middle of its WARC header, its HTTP header or its body."""
    warc_end = record.index(b"\r\n\r\n") + 4
    http_end = record.index(b"\r\n\r\n", warc_end) + 4
    parts = {"warc header": (0, warc_end), "http header": (warc_end, http_end), "body": (http_end, len(record))}
    return record[: sum(parts[part]) // 2]


@pytest.mark.parametrize("sent", [None, "gzip", "chunked"])
@pytest.mark.parametrize("part", ["warc header", "http header", "body"])
def test_a_warc_cut_inside_a_record_keeps_the_records_before(tmp_path, cfg, part, sent) -> None:
    one, two = two_pages(sent)
    path = tmp_path / "cut.warc"
    path.write_bytes(one + cut_inside(two, part))
    first, cut = WarcReader(cfg).read(str(path))
    assert isinstance(first, Document) and first.id == "urn:uuid:one" and "ferry" in first.text
    assert isinstance(cut, Rejected) and cut.source == str(path)
    assert cut.message.startswith(f"[E406] {path}: malformed WARC: the file ends inside record 2")
    assert "truncated" in cut.message


def test_a_warc_cut_inside_its_only_record_is_one_error(tmp_path, cfg) -> None:
    path = tmp_path / "cut.warc"
    path.write_bytes(cut_inside(two_pages()[0], "body"))
    with pytest.raises(InputError, match=rf"^\[E406\] {path}: malformed WARC: the file ends inside record 1"):
        list(WarcReader(cfg).read(str(path)))


BROKEN_MEMBERS = {  # the second gzip member (crawlers write one per record), broken in these ways
    "cut in its header": lambda member: member[:5],
    "cut in its data": lambda member: member[: len(member) // 2],
    "corrupt": lambda member: member[:10] + b"\xff" * 32,  # a deflate block of the reserved type
}


@pytest.mark.parametrize("how", BROKEN_MEMBERS)
def test_a_broken_warc_gz_keeps_the_records_before_the_break(tmp_path, cfg, how) -> None:
    one, two = (gzip.compress(record) for record in two_pages())
    path = tmp_path / "broken.warc.gz"
    path.write_bytes(one + BROKEN_MEMBERS[how](two))
    first, broken = WarcReader(cfg).read(str(path))
    assert isinstance(first, Document) and first.id == "urn:uuid:one"
    assert isinstance(broken, Rejected) and broken.source == str(path)
    assert broken.message.startswith(f"[E406] {path}: malformed gzip: compressed stream broken after 1 record(s)")


def test_a_warc_gz_of_one_stream_cut_short_keeps_the_records_before(tmp_path, cfg) -> None:
    one, two = two_pages()
    stream = io.BytesIO()
    with gzip.GzipFile(fileobj=stream, mode="wb") as gz:
        gz.write(one)
        gz.flush()  # the first record's data is all out before this point
        first_end = stream.tell()
        gz.write(two)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(stream.getvalue()[: (first_end + len(stream.getvalue())) // 2])
    first, broken = WarcReader(cfg).read(str(path))
    assert isinstance(first, Document) and first.id == "urn:uuid:one"
    assert broken.message.startswith(f"[E406] {path}: malformed gzip")


@pytest.mark.parametrize("sent", ["gzip", "chunked"])
def test_bodies_stored_as_sent_are_decoded(tmp_path, cfg, sent) -> None:
    path = tmp_path / "sent.warc"
    path.write_bytes(b"".join(two_pages(sent)))
    assert [d.title for d in WarcReader(cfg).read(str(path))] == ["Harbour Town Votes on a Second Ferry"] * 2
