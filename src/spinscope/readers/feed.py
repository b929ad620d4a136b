"""RSS/Atom feeds: each item's linked article, or the item's own text when the article cannot be fetched.

Feeds usually carry only a teaser, so the linked page is the real input; but offline runs, paywalls and
dead links are common, and an item's summary/content is still better than nothing (meta["text_from"]
says which one a Document holds).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .textio import is_url, limit, read_bytes
from .txt import text_document
from .url import fetch, make_client, page_document

logger = logging.getLogger(__name__)

Fetcher = Callable[[str], Document]


class _TextOnly(HTMLParser):
    """Feed summaries are HTML fragments; keep their text and turn block ends into line breaks."""

    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")


def fragment_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _entry_text(entry: Mapping[str, Any]) -> str:
    """The longest of the item's content blocks and summary, as plain text."""
    blocks = [c.get("value", "") for c in entry.get("content", []) or []]
    blocks.append(entry.get("summary", "") or "")
    return max((fragment_text(b) for b in blocks if b), key=len, default="")


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


@registry.readers.register("feed")
class FeedReader(Reader):
    """A feed file or URL -> one Document per item (id = the item's guid, else its link).

    `fetcher` replaces the HTTP fetch of item pages (tests, caches); `settings["input"]["feed_fetch"] =
    false` skips fetching altogether and uses the items' own text.
    """

    name = "feed"

    def __init__(
        self,
        settings: dict[str, Any],
        *,
        transport: httpx.BaseTransport | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        super().__init__(settings)
        self.transport = transport
        self.fetcher = fetcher
        self.fetch_items = bool(settings.get("input", {}).get("feed_fetch", True))

    def read(self, source: str) -> Iterator[Document | Rejected]:
        if not is_url(source):
            yield from self.read_content(Content.of_path(source))
            return
        with make_client(self.settings, self.transport) as client:
            yield from self.read_feed(fetch(source, client, self.settings).body, source, client)

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        with make_client(self.settings, self.transport) as client:
            yield from self.read_feed(read_bytes(content, self.settings), content.name, client)

    def read_feed(self, data: bytes, source: str, client: httpx.Client) -> Iterator[Document | Rejected]:
        import feedparser

        parsed = feedparser.parse(data)  # bytes: never a file name or URL, so nothing is fetched here
        if not parsed.entries:
            if parsed.get("bozo") or not parsed.get("version"):
                detail = str(parsed.get("bozo_exception") or "no RSS or Atom channel found")
                raise InputError(Errors.E406(source=source, kind="feed", detail=detail))
            raise InputError(Errors.E414(source=source, what="feed items"))
        if parsed.get("bozo"):
            logger.info("%s: feed is not well-formed (%s); reading the rest", source, parsed.bozo_exception)
        stem = Path(source).stem if not is_url(source) else source
        max_records = limit(self.settings, "max_records")
        for n, entry in enumerate(parsed.entries, start=1):
            if n > max_records:
                yield Rejected(source, Errors.E413(source=source, limit=max_records))
                return
            yield self._item(entry, f"{stem}#{n}", client)

    def _item(self, entry: Mapping[str, Any], fallback_id: str, client: httpx.Client) -> Document | Rejected:
        link = entry.get("link") or ""
        doc_id = entry.get("id") or link or fallback_id
        where = link or fallback_id
        doc: Document | None = None
        problem = ""
        if link and self.fetch_items:
            try:
                doc = self._fetch_page(link, doc_id, client)
                doc.id = doc_id  # a custom fetcher may name it otherwise
                doc.meta["text_from"] = "page"
            except InputError as exc:
                problem = exc.args[0]
                logger.info("%s; using the feed item's own text", problem)
        if doc is None:
            text = _entry_text(entry)
            if not text.strip():
                return Rejected(where, problem or Errors.E404(source=where))
            try:
                doc = text_document(text, doc_id=doc_id, source=where, settings=self.settings)
            except InputError as exc:
                return Rejected(where, exc.args[0])
            doc.meta["text_from"] = "feed"
        if title := entry.get("title"):
            doc.title = title
        doc.date = _entry_date(entry) or doc.date
        if link:
            doc.meta["url"] = link
        return doc

    def _fetch_page(self, link: str, doc_id: str, client: httpx.Client) -> Document:
        if self.fetcher is not None:
            return self.fetcher(link)
        fetched = fetch(link, client, self.settings)
        return page_document(fetched, doc_id=doc_id, source=link, settings=self.settings)
