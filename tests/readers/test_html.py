from __future__ import annotations

import pytest

from spinscope.errors import InputError
from spinscope.readers.html import HtmlReader, decode_html

from .conftest import FIXTURES, make_settings


def test_html_main_text_and_metadata(cfg) -> None:
    (doc,) = HtmlReader(cfg).read(str(FIXTURES / "article.html"))
    assert doc.id == "article"
    assert "voted on Tuesday to buy a second ferry" in doc.text
    assert "All rights reserved" not in doc.text  # boilerplate is dropped
    assert "Sport" not in doc.text
    assert doc.title == "Harbour Town Votes on a Second Ferry"
    assert doc.date == "2023-04-05"
    assert doc.meta["author"] == "Mara Quill"
    assert doc.meta["sitename"] == "Coastline Gazette"
    assert doc.language == "en" and doc.meta["html_lang"] == "en-GB"


def test_declared_legacy_charset_is_honoured(tmp_path, cfg) -> None:
    html = (FIXTURES / "article.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="iso-8859-1"')
    html = html.replace("Harbour Town", "Hårbour Töwn")
    path = tmp_path / "latin.html"
    path.write_bytes(html.encode("iso-8859-1"))
    (doc,) = HtmlReader(cfg).read(str(path))
    assert "Hårbour Töwn" in doc.text


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<html><head><title>Only a title</title></head><body><img src='a.png'></body></html>", "E409"),
        (b"", "E409"),
        (b"\x00\x01\x02\x03\xff\xfe\x00binary", "E403"),
    ],
)
def test_bad_html_raises(tmp_path, cfg, content, code) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        list(HtmlReader(cfg).read(str(path)))


def test_html_limits(tmp_path) -> None:
    source = str(FIXTURES / "article.html")
    with pytest.raises(InputError, match=r"^\[E405\]"):
        list(HtmlReader(make_settings("limits.max_chars=40")).read(source))
    with pytest.raises(InputError, match=r"^\[E412\]"):
        list(HtmlReader(make_settings("limits.max_bytes=100")).read(source))


def test_decode_html_prefers_http_charset() -> None:
    assert decode_html("café".encode("cp1252"), "x", "cp1252") == "café"
    assert decode_html("café".encode(), "x", None) == "café"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><head><title>Only a title</title></head><body><img src='a.png'></body></html>",
        b"",  # trafilatura logs ERROR lines ("empty HTML tree") for this one
    ],
)
def test_trafilatura_stays_quiet_on_pages_it_discards(tmp_path, cfg, caplog, monkeypatch, content) -> None:
    """trafilatura logs "discarding data: None" (WARNING) for such pages; spinscope says E409 instead."""
    import io
    import logging

    from spinscope.readers import html

    for name in ("trafilatura", "htmldate"):  # start from the library defaults, whatever ran before
        monkeypatch.setattr(logging.getLogger(name), "level", logging.NOTSET)
    monkeypatch.setattr(html, "_quieted", False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)  # what `spinscope -v` installs on the root logger, in short
    handler.setLevel(logging.INFO)
    logging.getLogger().addHandler(handler)
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "discarded.html"
    path.write_bytes(content)
    try:
        with pytest.raises(InputError, match=r"^\[E409\]"):
            list(HtmlReader(cfg).read(str(path)))
        logging.getLogger("spinscope.readers.html").info("own progress line")
    finally:
        logging.getLogger().removeHandler(handler)
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("spinscope")]
    assert loud == []
    assert "discarding data" not in stream.getvalue() and "trafilatura" not in stream.getvalue()
    assert "own progress line" in stream.getvalue()  # spinscope's own logging still gets through
    assert logging.getLogger("spinscope").getEffectiveLevel() == logging.DEBUG  # untouched: caplog's level
