from __future__ import annotations

import gzip
import os
import socket
from pathlib import Path

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers import detect_format, open_input, reader_for
from spinscope.registry import readers

from .conftest import FIXTURES, make_settings, warc_response, without_hanging

ALL_READERS = ["csv", "feed", "folder", "html", "json", "jsonl", "semeval", "stdin", "txt", "url", "warc"]


def test_every_reader_is_registered() -> None:
    assert set(ALL_READERS) <= set(readers.names())


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.txt", "txt"),
        ("a.HTML", "html"),
        ("a.htm", "html"),
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.json", "json"),
        ("a.csv", "csv"),
        ("a.tsv", "csv"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc"),
        ("a.xml", "feed"),
        ("a.rss", "feed"),
        ("a.atom", "feed"),
    ],
)
def test_format_from_suffix(tmp_path, name, fmt) -> None:
    (tmp_path / name).write_text("x", encoding="utf-8")
    assert detect_format(str(tmp_path / name)) == fmt


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b'\xef\xbb\xbf  <?xml version="1.0"?>\n<rss version="2.0"><channel></channel></rss>', "feed"),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', "feed"),
        (warc_response("https://x.example/", b"<html></html>"), "warc"),
        (gzip.compress(warc_response("https://x.example/", b"<html></html>")), "warc"),
        (gzip.compress(b"plain text"), "txt"),
        (b"<note>some other xml</note>", "txt"),
        (b"Just an article.", "txt"),
        (b"", "txt"),
    ],
)
def test_format_sniffed_from_content(tmp_path, content, fmt) -> None:
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    assert detect_format(str(path)) == fmt


def test_sources_that_are_not_files() -> None:
    assert detect_format("-") == "stdin"
    assert detect_format("https://gazette.example/ferry") == "url"
    assert detect_format("HTTP://gazette.example/") == "url"
    assert detect_format(str(FIXTURES / "semeval")) == "semeval"
    assert detect_format(str(FIXTURES)) == "folder"


def test_missing_path_is_e401_at_call_time(tmp_path, cfg) -> None:
    with pytest.raises(InputError, match=r"^\[E401\] .*nope\.txt"):
        open_input(str(tmp_path / "nope.txt"), cfg)
    with pytest.raises(InputError, match=r"^\[E401\]"):
        open_input(str(tmp_path / "nope.txt"), make_settings("input.format=txt"))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("pipe.txt", "auto"), ("pipe", "auto"), ("result.json", "auto"), ("pipe.jsonl", "auto"), ("pipe", "html")],
)
def test_a_fifo_is_e416_not_a_hang(tmp_path, name, fmt) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=rf"^\[E416\] {fifo}: .*named pipe"):
        without_hanging(fifo, lambda: list(open_input(str(fifo), make_settings(f"input.format={fmt}"))))


def test_sockets_and_devices_are_e416(tmp_path, cfg) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.txt"))
    try:
        with pytest.raises(InputError, match=r"^\[E416\] .*s\.txt: .*socket"):
            open_input(str(tmp_path / "s.txt"), cfg)
    finally:
        sock.close()
    if Path("/dev/zero").exists():  # never ends: would read up to the byte limit, then E412
        with pytest.raises(InputError, match=r"^\[E416\] /dev/zero: .*character device"):
            open_input("/dev/zero", cfg)


def test_low_level_openers_refuse_a_fifo(tmp_path, cfg) -> None:
    from spinscope.readers import Content
    from spinscope.readers.textio import open_binary, read_bytes

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    content = Content.of_path(fifo)
    for call in (lambda: read_bytes(content, cfg), lambda: open_binary(content)):
        with pytest.raises(InputError, match=r"^\[E416\]"):
            without_hanging(fifo, call)


def test_unknown_format_is_e410(cfg) -> None:
    with pytest.raises(InputError, match=r"^\[E410\] .*'odt'.*Known formats: auto, .*txt"):
        open_input(str(FIXTURES / "article.html"), make_settings("input.format=odt"))


def test_explicit_format_overrides_the_suffix(tmp_path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes((FIXTURES / "article.html").read_bytes())
    (doc,) = open_input(str(path), make_settings("input.format=html"))
    assert doc.title == "Harbour Town Votes on a Second Ferry"
    (raw,) = open_input(str(path), make_settings())
    assert raw.text.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("name", "count"),
    [("article.html", 1), ("records.jsonl", 4), ("records.csv", 3), ("semeval", 2), ("feed.atom", 1)],
)
def test_open_input_auto_end_to_end(cfg, name, count) -> None:
    settings = make_settings("input.feed_fetch=false")
    items = list(open_input(str(FIXTURES / name), settings))
    assert len(items) == count
    assert isinstance(items[0], Document)


def test_reader_for_returns_a_configured_reader(cfg) -> None:
    reader = reader_for(str(FIXTURES / "records.csv"), cfg)
    assert reader.name == "csv" and reader.settings is cfg
