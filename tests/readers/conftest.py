"""Reader test helpers: settings with tight limits, fixture paths, a hand-made WARC writer, mock HTTP."""

from __future__ import annotations

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
) -> bytes:
    """One WARC/1.0 response record, written by hand the way crawlers lay them out."""
    http = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <{record_id}>\r\nWARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2023-04-05T10:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


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
