from __future__ import annotations

import gzip

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.base import Rejected
from spinscope.readers.warc import WarcReader

from .conftest import FIXTURES, make_settings, warc_response, warcinfo

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


@pytest.mark.parametrize("gz", [False, True])
def test_a_warc_cut_inside_its_last_record_keeps_the_records_before(tmp_path, cfg, gz) -> None:
    good = warc_response("https://x.example/one", PAGE, record_id="urn:uuid:one")
    second = warc_response("https://x.example/two", PAGE, record_id="urn:uuid:two")
    data = good + second[: len(second) // 2]
    if gz:  # one gzip member per record, as crawlers write them; the second member is cut too
        member = gzip.compress(second)
        data = gzip.compress(good) + member[: len(member) // 2]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(data)
    first, cut = WarcReader(cfg).read(str(path))
    assert isinstance(first, Document) and first.id == "urn:uuid:one"
    assert isinstance(cut, Rejected) and cut.message.startswith("[E406] https://x.example/two: malformed WARC")
    assert "truncated" in cut.message
