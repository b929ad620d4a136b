"""WARC archives (.warc, .warc.gz): every successful HTML response record -> one article via trafilatura.

Crawls are mostly noise for us (robots.txt, images, redirects, error pages), so non-HTML and non-2xx
responses are skipped quietly; only an HTML page without extractable text is reported (Rejected).
`limits.max_bytes` applies per record, because archives are routinely gigabytes. A file cut inside a record,
or a .warc.gz whose compressed stream breaks, keeps the records before the break and reports it once (E406).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .html import decode_html, html_document
from .textio import ByteStream, broken_gzip, limit, open_binary
from .url import HTML_TYPES

if TYPE_CHECKING:
    from fastwarc.warc import WarcRecord

logger = logging.getLogger(__name__)


@registry.readers.register("warc")
class WarcReader(Reader):
    """id = the WARC-Record-ID (unique within a crawl, unlike URLs), source = the target URI."""

    name = "warc"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        # Gunzipped here, not by FastWARC, which drops a member cut short without a word: see textio.ByteStream.
        with open_binary(content) as stream:
            if not stream.peek(1):
                raise InputError(Errors.E404(source=content.name))
            yield from self._records(stream, content.name)

    def _records(self, stream: ByteStream, source: str) -> Iterator[Document | Rejected]:
        from fastwarc.warc import ArchiveIterator

        max_bytes, max_records = limit(self.settings, "max_bytes"), limit(self.settings, "max_records")
        records = pages = 0
        cut = None  # the record the file ends inside
        try:
            # All record types are iterated so that a valid crawl without pages is told apart from garbage,
            # and so that a file cut inside any record is noticed.
            for record in ArchiveIterator(stream, parse_http=False, fsspec_args=False):
                if not _whole(record, max_bytes):
                    cut = _named(record, records + 1)
                    break  # nothing follows a cut record
                records += 1
                page = self._page(record, source, max_bytes)
                if page is None:
                    continue
                if pages >= max_records:
                    yield Rejected(source, Errors.E413(source=source, limit=max_records))
                    return
                pages += 1
                yield page
        except OSError as exc:
            detail = f"{exc} (after {records} record(s); the rest was not read)"
            yield from _stop(source, records, Errors.E406(source=source, kind="WARC", detail=detail))
            return
        yield from _end(source, records, pages, stream.broken, cut)

    def _page(self, record: WarcRecord, source: str, max_bytes: int) -> Document | Rejected | None:
        """The article of a successful HTML response (Rejected: none, or too big); None for any other record."""
        if not _html_response(record):
            return None
        where = _where(record, source)
        body = record.reader.read(max_bytes + 1)  # bounded: a decoded gzip body can outgrow its record
        if len(body) > max_bytes:
            return Rejected(where, Errors.E412(source=where, limit=max_bytes))
        uri = record.headers.get("WARC-Target-URI") or None
        try:
            html = decode_html(body, where, record.http_charset)
            doc_id = (record.record_id or "").strip("<>") or where
            doc = html_document(html, doc_id=doc_id, source=where, settings=self.settings, url=uri)
        except InputError as exc:
            return Rejected(where, exc.args[0])
        doc.meta["warc_file"] = source
        if date := record.headers.get("WARC-Date"):
            doc.meta["warc_date"] = date
        return doc


def _whole(record: WarcRecord, max_bytes: int) -> bool:
    """Whether the record holds all the bytes its Content-Length declares (a cut file ends inside a record).

    A response of up to `max_bytes` is frozen (copied into memory) so that its page can still be read; other
    records are consumed, which the iterator would do anyway. A bigger response is not checked: as a page it
    is rejected for its size (E412), anything else is skipped unread.
    """
    from fastwarc.warc import WarcRecordType

    declared = record.content_length
    if "Content-Length" not in record.headers:  # the file ends inside the record's header
        return False
    if record.record_type != WarcRecordType.response:
        return record.consume() == declared
    if declared > max_bytes:
        return True
    record.freeze()
    return record.content_length == declared


def _html_response(record: WarcRecord) -> bool:
    """Whether the record is a 2xx HTML response; parses its HTTP headers, decoding the body as it is read
    (crawlers store gzip'ed and chunked bodies as sent; trafilatura needs the plain page)."""
    from fastwarc.warc import WarcRecordType

    if record.record_type != WarcRecordType.response:
        return False
    record.parse_http(auto_decode="all")
    status = record.http_headers.status_code if record.http_headers else None
    return (record.http_content_type or "").lower() in HTML_TYPES and bool(status and 200 <= status < 300)


def _where(record: WarcRecord, source: str) -> str:
    """The record's target URI, else `file#record-id`."""
    return record.headers.get("WARC-Target-URI") or f"{source}#{(record.record_id or '').strip('<>')}"


def _named(record: WarcRecord, n: int) -> str:
    """The n-th record in messages: "record 3 (its target URI)", or "record 3" when it has none."""
    uri = record.headers.get("WARC-Target-URI")
    return f"record {n} ({uri})" if uri else f"record {n}"


def _end(source: str, records: int, pages: int, broken: Exception | None, cut: str | None) -> Iterator[Rejected]:
    """What the end of the records means: the .gz broke, the file ends inside a record (`cut`), or it held no
    records (E406) or no pages (E414) at all; nothing when it simply ended."""
    if broken is not None:
        yield from _stop(source, records, broken_gzip(source, f"{records} record(s)", broken).args[0])
    elif cut is not None:
        detail = f"the file ends inside {cut}: it is truncated; the records before are kept"
        yield from _stop(source, records, Errors.E406(source=source, kind="WARC", detail=detail))
    elif not records:
        raise InputError(Errors.E406(source=source, kind="WARC", detail="no WARC records found"))
    elif not pages:
        raise InputError(Errors.E414(source=source, what="HTML responses"))


def _stop(source: str, records: int, message: str) -> Iterator[Rejected]:
    """The error that ended the reading: one Rejected after the records before it, else the input's error."""
    if not records:
        raise InputError(message)
    yield Rejected(source, message)
