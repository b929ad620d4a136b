"""http(s) URLs: one bounded GET, then the HTML or text rules; an RSS/Atom answer is read as a feed.

The httpx client is built by `make_client`, which takes a `transport`, so tests (and callers behind a
proxy or a cache) swap the network for `httpx.MockTransport` without monkeypatching.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Reader, Rejected
from .html import decode_html, html_document
from .textio import decode_text, limit
from .txt import text_document

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml"}
)
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body with what the server said about it; `url` is the address after redirects."""

    url: str
    content_type: str  # media type only, lower-cased ("text/html")
    charset: str | None
    body: bytes


def without_body(response: httpx.Response) -> httpx.Response:
    """The response closed unread, as one with no body: httpx reads a redirect's body whole before it
    follows the redirect, so a 3xx with a huge or endless body would get past `limits.max_bytes`."""
    response.close()
    return httpx.Response(response.status_code, headers=response.headers, extensions=response.extensions)


class RedirectBodiesUnread(httpx.BaseTransport):
    """`inner` with every redirect's body dropped unread (`without_body`)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        return without_body(response) if response.has_redirect_location else response

    def close(self) -> None:
        self.inner.close()


def make_client(settings: Mapping[str, Any], transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client within `limits.fetch_timeout` and `limits.max_redirects` (the CLI's and the web app's fetches)."""
    from .. import __version__  # late: the package sets it after its own imports

    return httpx.Client(
        timeout=limit(settings, "fetch_timeout"),
        follow_redirects=True,
        max_redirects=int(limit(settings, "max_redirects")),
        headers={"User-Agent": f"spinscope/{__version__}"},
        transport=RedirectBodiesUnread(httpx.HTTPTransport() if transport is None else transport),
    )


def fetch(url: str, client: httpx.Client, settings: Mapping[str, Any]) -> Fetched:
    """GET `url`, streaming so a huge or endless body stops at `limits.max_bytes` (E412) instead of filling
    memory. Timeouts, connection failures and HTTP error statuses are E407."""
    max_bytes = limit(settings, "max_bytes")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(Errors.E407(source=url, detail=str(exc))) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InputError(Errors.E407(source=url, detail="not an http(s) URL with a host"))
    try:
        with client.stream("GET", parsed) as response:
            if response.status_code >= 400:
                detail = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                raise InputError(Errors.E407(source=url, detail=detail))
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise InputError(Errors.E412(source=url, limit=max_bytes))
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise InputError(Errors.E412(source=url, limit=max_bytes))
            media = response.headers.get("content-type", "").partition(";")[0]
            charset = response.charset_encoding  # from the content-type parameter, None when absent
            return Fetched(str(response.url), media.strip().lower(), charset, bytes(body))
    except httpx.TimeoutException as exc:
        raise InputError(Errors.E407(source=url, detail=f"timed out after {client.timeout.read}s")) from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise InputError(Errors.E407(source=url, detail=str(exc) or type(exc).__name__)) from exc


def sniff_markup(head: bytes) -> str | None:
    """'feed' or 'html' from the first bytes of a document, None when it is neither."""
    start = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not start.startswith(b"<"):
        return None
    if any(tag in start for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
        return "feed"
    if any(tag in start for tag in (b"<html", b"<!doctype html", b"<body", b"<head")):
        return "html"
    return None


def kind_of(fetched: Fetched) -> str | None:
    """How to read a fetched body: 'html', 'text', 'feed', or None (not something we read: E408)."""
    ctype = fetched.content_type
    if ctype in HTML_TYPES:
        return "html"
    if ctype == "text/plain":
        return "text"
    if ctype in FEED_TYPES or ctype in _UNTYPED:
        return sniff_markup(fetched.body)
    return None


def page_document(fetched: Fetched, *, doc_id: str, source: str, settings: Mapping[str, Any]) -> Document:
    """A Document from an HTML or plain-text answer; anything else (a feed included) is E408."""
    kind = kind_of(fetched)
    if kind == "html":
        html = decode_html(fetched.body, source, fetched.charset)
        doc = html_document(html, doc_id=doc_id, source=source, settings=settings, url=fetched.url)
    elif kind == "text":
        text, encoding = _decode_plain(fetched, source)
        doc = text_document(text, doc_id=doc_id, source=source, settings=settings, encoding=encoding)
    else:
        raise InputError(Errors.E408(source=source, ctype=fetched.content_type))
    doc.meta.setdefault("url", fetched.url)
    return doc


def _decode_plain(fetched: Fetched, source: str) -> tuple[str, str]:
    if fetched.charset:
        try:
            return fetched.body.decode(fetched.charset), fetched.charset
        except (UnicodeDecodeError, LookupError):
            logger.debug("%s: declared charset %s does not decode; guessing", source, fetched.charset)
    return decode_text(fetched.body, source)


@registry.readers.register("url")
class UrlReader(Reader):
    """One URL -> its article (id = the URL as given); an RSS/Atom answer is handed to the feed reader."""

    name = "url"

    def __init__(self, settings: dict[str, Any], *, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        self.transport = transport

    def read(self, source: str) -> Iterator[Document | Rejected]:
        with make_client(self.settings, self.transport) as client:
            fetched = fetch(source, client, self.settings)
            if kind_of(fetched) == "feed":
                from .feed import FeedReader  # the feed reader fetches items through this module

                feed = FeedReader(self.settings, transport=self.transport)
                yield from feed.read_feed(fetched.body, source, client)
                return
            yield page_document(fetched, doc_id=source, source=source, settings=self.settings)
