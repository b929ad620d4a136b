"""WARC archives (.warc, .warc.gz): every successful HTML response record -> one article via trafilatura.

Crawls are mostly noise for us (robots.txt, images, redirects, error pages), so non-HTML and non-2xx
responses are skipped quietly; only an HTML page without extractable text is reported (Rejected).
`limits.max_bytes` applies per record, because archives are routinely gigabytes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Reader, Rejected
from .html import decode_html, html_document
from .textio import limit
from .url import HTML_TYPES

if TYPE_CHECKING:
    from fastwarc.warc import WarcRecord

logger = logging.getLogger(__name__)


@registry.readers.register("warc")
class WarcReader(Reader):
    """id = the WARC-Record-ID (unique within a crawl, unlike URLs), source = the target URI."""

    name = "warc"

    def read(self, source: str) -> Iterator[Document | Rejected]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        path = Path(source)
        if not path.exists():
            raise InputError(Errors.E401(source=source))
        if not path.is_file():
            raise InputError(Errors.E415(source=source, detail="not a file"))
        if path.stat().st_size == 0:
            raise InputError(Errors.E404(source=source))
        max_bytes, max_records = limit(self.settings, "max_bytes"), limit(self.settings, "max_records")
        records = pages = 0
        try:
            # All record types are iterated so that a valid crawl without pages is told apart from garbage.
            # auto_decode: crawlers store gzip/chunked bodies as sent; trafilatura needs the plain page.
            for record in ArchiveIterator(str(path), parse_http=True, auto_decode="all", fsspec_args=False):
                records += 1
                if record.record_type != WarcRecordType.response:
                    continue
                ctype = (record.http_content_type or "").lower()
                status = record.http_headers.status_code if record.http_headers else None
                if ctype not in HTML_TYPES or not (status and 200 <= status < 300):
                    continue
                if pages >= max_records:
                    yield Rejected(source, Errors.E413(source=source, limit=max_records))
                    return
                pages += 1
                yield self._page(record, source, max_bytes)
        except OSError as exc:
            if not records:
                raise InputError(Errors.E406(source=source, kind="WARC", detail=str(exc))) from exc
            detail = f"{exc} (after {records} record(s); the rest was not read)"
            yield Rejected(source, Errors.E406(source=source, kind="WARC", detail=detail))
            return
        if not records:
            raise InputError(Errors.E406(source=source, kind="WARC", detail="no WARC records found"))
        if not pages:
            raise InputError(Errors.E414(source=source, what="HTML responses"))

    def _page(self, record: WarcRecord, source: str, max_bytes: int) -> Document | Rejected:
        headers = record.headers
        uri = headers.get("WARC-Target-URI") or ""
        record_id = (record.record_id or "").strip("<>")
        where = uri or f"{source}#{record_id}"
        body = record.reader.read(max_bytes + 1)  # bounded: a decoded gzip body can outgrow its record
        if len(body) > max_bytes:
            return Rejected(where, Errors.E412(source=where, limit=max_bytes))
        if len(body) < record.content_length and not _encoded(record):
            detail = f"record cut short ({len(body)} of {record.content_length} bytes): the file is truncated"
            return Rejected(where, Errors.E406(source=where, kind="WARC", detail=detail))
        try:
            html = decode_html(body, where, record.http_charset)
            doc_id = record_id or uri
            doc = html_document(html, doc_id=doc_id, source=where, settings=self.settings, url=uri or None)
        except InputError as exc:
            return Rejected(where, str(exc))
        doc.meta["warc_file"] = source
        if date := headers.get("WARC-Date"):
            doc.meta["warc_date"] = date
        return doc


def _encoded(record: WarcRecord) -> bool:
    """Whether the body was sent gzip'ed or chunked (decoded, its length differs from the record's)."""
    headers = record.http_headers
    return bool(headers and (headers.get("Content-Encoding") or headers.get("Transfer-Encoding")))
