"""Reader test helpers: settings with tight limits, fixture paths, a hand-made WARC writer, mock HTTP."""

from __future__ import annotations

import contextlib
import gzip
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from spinscope.config import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "readers"


def make_settings(*overrides: str) -> dict[str, Any]:
    """Packaged defaults (no user file, no environment) plus `section.key=value` overrides."""
    return load_settings(config=FIXTURES / "empty.toml", overrides=overrides, env={})


@pytest.fixture
def cfg() -> dict[str, Any]:
    return make_settings()


def warc_response(
    uri: str,
    body: bytes,
    *,
    ctype: str = "text/html; charset=utf-8",
    record_id: str = "urn:uuid:00000000-0000-0000-0000-000000000001",
    status: str = "200 OK",
    sent: str | None = None,
) -> bytes:
    """One WARC/1.0 response record, written by hand the way crawlers lay them out; `sent` ("gzip" or
    "chunked") stores the body as a server sent it with that Content- or Transfer-Encoding."""
    framing = f"Content-Length: {len(body)}"
    if sent == "gzip":
        body = gzip.compress(body)
        framing = f"Content-Encoding: gzip\r\nContent-Length: {len(body)}"
    elif sent == "chunked":
        body = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 256]), body[i : i + 256]) for i in range(0, len(body), 256))
        body, framing = body + b"0\r\n\r\n", "Transfer-Encoding: chunked"
    http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n{framing}\r\n\r\n".encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <{record_id}>\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2023-04-05T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


def two_pages(sent: str | None = None) -> tuple[bytes, bytes]:
    """Two response records of the fixture article: https://x.example/one (urn:uuid:one) and .../two."""
    page = (FIXTURES / "article.html").read_bytes()

    def record(n: str) -> bytes:
        return warc_response(f"https://x.example/{n}", page, record_id=f"urn:uuid:{n}", sent=sent)

    return record("one"), record("two")


def warcinfo() -> bytes:
    block = b"software: spinscope-tests\r\n"
    head = (
        "WARC/1.0\r\nWARC-Type: warcinfo\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-0000000000ff>\r\n"
        "WARC-Date: 2023-04-05T10:00:00Z\r\nContent-Type: application/warc-fields\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


Routes = dict[str, tuple[int, dict[str, str], bytes] | Exception]


def mock_transport(routes: Routes) -> httpx.MockTransport:
    """Serve canned answers by URL; an Exception value is raised as that fetch's failure."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = routes.get(str(request.url))
        if answer is None:
            return httpx.Response(404, request=request)
        if isinstance(answer, Exception):
            raise answer
        status, headers, body = answer
        return httpx.Response(status, headers=headers, content=body, request=request)

    return httpx.MockTransport(handle)


HTML = {"content-type": "text/html; charset=utf-8"}
Handler = Callable[[httpx.Request], httpx.Response]


# Written by us: one short news sentence per language, each stored in an encoding still met in scraped corpora.
MIXED_ENCODINGS = {
    "de": ("Die Bürgermeisterin eröffnete am Montag die neue Fähre über den Fluss: zwölf Minuten Überfahrt.", "utf-8"),
    "fr": ("La maire a inauguré lundi le nouveau bac sur la rivière ; la traversée dure douze minutes.", "utf-8-sig"),
    "ru": ("Мэр города открыл в понедельник новую переправу через реку; путь длится двенадцать минут.", "cp1251"),
    "es": ("El alcalde inauguró el lunes el nuevo transbordador del río: “doce minutos”, según él.", "cp1252"),
    "pt": ("O prefeito inaugurou na segunda-feira a nova balsa do rio; a travessia já dura doze minutos.", "latin-1"),
    "el": ("Ο δήμαρχος εγκαινίασε τη Δευτέρα το νέο πορθμείο στο ποτάμι· η διαδρομή διαρκεί δώδεκα λεπτά.", "utf-16"),
}


def write_mixed_encodings(folder: Path) -> dict[str, str]:
    """Each text as `<lang>.txt` and as a page `<lang>.html`, in its encoding (no charset declared); returns
    the text expected of each file name."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for lang, (text, encoding) in MIXED_ENCODINGS.items():
        (folder / f"{lang}.txt").write_bytes(text.encode(encoding))
        page = f"<html><body><article><p>{text}</p></article></body></html>"
        (folder / f"{lang}.html").write_bytes(page.encode(encoding))
        expected[f"{lang}.txt"] = ("\ufeff" if encoding == "utf-8-sig" else "") + text  # a UTF-8 mark stays
        expected[f"{lang}.html"] = text
    return expected


def without_hanging(fifo: Path, call: Callable[[], Any], seconds: float = 5) -> Any:
    """`call()` in a thread; a call still blocked on `fifo` after `seconds` fails the test (the FIFO is then
    opened for writing and closed, so the blocked read ends) instead of hanging it."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = call()
        except BaseException as exc:  # handed to the test thread
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"blocked on the FIFO {fifo}")
    if "error" in result:
        raise result["error"]
    return result["value"]
