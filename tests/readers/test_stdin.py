from __future__ import annotations

import io
import sys

import pytest

from spinscope.errors import InputError
from spinscope.readers import open_input
from spinscope.readers.stdin import StdinReader

from .conftest import make_settings


def test_stdin_bytes_keep_crlf(cfg) -> None:
    stream = io.TextIOWrapper(io.BytesIO(b" date 2023-01-02\r\nTitle\r\nBody.\r\n"), encoding="utf-8")
    (doc,) = StdinReader(cfg, stream=stream).read("-")
    assert doc.id == "stdin" and doc.source == "stdin"
    assert doc.text == " date 2023-01-02\r\nTitle\r\nBody.\r\n"
    assert doc.date == "2023-01-02" and doc.meta["header_end"] == 18 and doc.title == "Title"


def test_stdin_text_stream(cfg) -> None:
    (doc,) = StdinReader(cfg, stream=io.StringIO("Just text.")).read("-")
    assert doc.text == "Just text."


def test_open_input_dash_reads_sys_stdin(monkeypatch, cfg) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Über alles.".encode()), encoding="utf-8"))
    (doc,) = open_input("-", cfg)
    assert doc.text == "Über alles."


@pytest.mark.parametrize(
    ("data", "settings", "code"),
    [
        (b"", (), "E404"),
        (b"\x00\x01\x02", (), "E403"),
        (b"x" * 50, ("limits.max_bytes=10",), "E412"),
        (b"x" * 50, ("limits.max_chars=10",), "E405"),
    ],
)
def test_stdin_errors(data, settings, code) -> None:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    with pytest.raises(InputError, match=rf"^\[{code}\] stdin"):
        list(StdinReader(make_settings(*settings), stream=stream).read("-"))
