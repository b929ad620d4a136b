from __future__ import annotations

import httpx
import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers.url import UrlReader

from .conftest import FIXTURES, HTML, make_settings, mock_transport

PAGE = (FIXTURES / "article.html").read_bytes()
URL = "https://gazette.example/ferry"


def read(routes, source=URL, settings=None):
    return list(UrlReader(settings or make_settings(), transport=mock_transport(routes)).read(source))


def test_url_html_page() -> None:
    (doc,) = read({URL: (200, HTML, PAGE)})
    assert doc.id == URL and doc.source == URL
    assert doc.title == "Harbour Town Votes on a Second Ferry"
    assert "second ferry" in doc.text
    assert doc.meta["url"] == URL


def test_url_follows_redirects() -> None:
    old = "http://gazette.example/old"
    (doc,) = read({old: (301, {"location": URL}, b""), URL: (200, HTML, PAGE)}, source=old)
    assert doc.id == old
    assert doc.meta["url"] == URL


def test_url_plain_text_is_kept_verbatim() -> None:
    body = "Title\r\n\r\nBody with CRLF.\r\n"
    (doc,) = read({URL: (200, {"content-type": "text/plain; charset=utf-8"}, body.encode())})
    assert doc.text == body and doc.title == "Title"


def test_url_untyped_html_is_sniffed() -> None:
    (doc,) = read({URL: (200, {"content-type": "application/octet-stream"}, PAGE)})
    assert "second ferry" in doc.text


def test_url_serving_a_feed_is_read_as_feed() -> None:
    feed_url = "https://gazette.example/rss"
    rss = (FIXTURES / "feed.rss").read_bytes()
    items = read({feed_url: (200, {"content-type": "application/rss+xml"}, rss), URL: (200, HTML, PAGE)}, feed_url)
    assert isinstance(items[0], Document) and items[0].id == "gazette-ferry-1"
    assert items[0].meta["text_from"] == "page"


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ((404, {}, b"gone"), r"\[E407\] .*HTTP 404"),
        ((200, {"content-type": "image/png"}, b"\x89PNG"), r"\[E408\] .*'image/png'"),
        ((200, {"content-type": "application/json"}, b"{}"), r"\[E408\]"),
        ((200, HTML, b"<html><body></body></html>"), r"\[E409\]"),
        ((200, HTML, b"x" * 500), r"\[E412\] .*more than 100 bytes"),
        (httpx.ConnectError("connection refused"), r"\[E407\] .*connection refused"),
        (httpx.ReadTimeout("slow"), r"\[E407\] .*timed out"),
    ],
)
def test_url_failures_are_coded(answer, code) -> None:
    settings = make_settings("limits.max_bytes=100") if "E412" in code else make_settings()
    with pytest.raises(InputError, match=rf"^{code}") as info:
        read({URL: answer}, settings=settings)
    assert URL in str(info.value)


def test_url_size_cap_uses_content_length_before_reading() -> None:
    headers = {**HTML, "content-length": "5000"}
    with pytest.raises(InputError, match=r"^\[E412\]"):
        read({URL: (200, headers, b"y" * 5000)}, settings=make_settings("limits.max_bytes=1000"))


def test_url_size_cap_while_streaming() -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        def chunks():
            while True:
                yield b"z" * 1024

        return httpx.Response(200, headers=HTML, content=chunks(), request=request)

    reader = UrlReader(make_settings("limits.max_bytes=4096"), transport=httpx.MockTransport(endless))
    with pytest.raises(InputError, match=r"^\[E412\]"):
        list(reader.read(URL))


def test_invalid_url_is_e407() -> None:
    with pytest.raises(InputError, match=r"^\[E407\]"):
        read({}, source="http://")


def test_a_redirect_body_is_never_read() -> None:
    """httpx reads a redirect's body whole before following it; a huge one must not get past the size cap."""
    read_bytes = 0

    def handler(request: httpx.Request) -> httpx.Response:
        def big():
            nonlocal read_bytes
            for _ in range(64):  # finite, so that reading it fails this test instead of hanging it
                read_bytes += 1024
                yield b"r" * 1024

        if request.url.path == "/old":
            return httpx.Response(302, headers={"location": URL}, content=big(), request=request)
        return httpx.Response(200, headers=HTML, content=PAGE, request=request)

    reader = UrlReader(make_settings("limits.max_bytes=4096"), transport=httpx.MockTransport(handler))
    (doc,) = reader.read("https://gazette.example/old")
    assert doc.meta["url"] == URL and read_bytes == 0
