"""HTML pages -> the article's main text via trafilatura, which drops menus, footers and comments.

For HTML the "verbatim input" is trafilatura's extracted text: offsets point into that text, not into the
markup, because the markup is not what a reader of the article sees.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .textio import check_text, decode_text, mostly_utf8, read_bytes

logger = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)""", re.I)
_META_FIELDS = ("author", "sitename", "url", "hostname", "description")
# trafilatura (and htmldate, which it calls) log WARNING/ERROR lines such as "discarding data: None" for
# pages without main text; spinscope reports those itself (E409), so the lines would only be noise.
_QUIET_LOGGERS = ("trafilatura", "htmldate")
_quieted = False


def quiet_trafilatura() -> None:
    """Raise the trafilatura and htmldate loggers to CRITICAL, once, unless someone set a level of their own.

    Only those libraries' loggers change: spinscope's own loggers (and `-v`) are untouched. Runs after
    `import trafilatura`, which sets htmldate's level to WARNING; a level other than that default or NOTSET
    counts as deliberately chosen and is left alone.
    """
    global _quieted
    if _quieted:
        return
    _quieted = True
    for name in _QUIET_LOGGERS:
        library = logging.getLogger(name)
        if library.level in (logging.NOTSET, logging.WARNING):
            library.setLevel(logging.CRITICAL)


def decode_html(data: bytes, source: str, charset: str | None = None) -> str:
    """Decode a page: the HTTP charset, then strict UTF-8, then `<meta charset>`, then UTF-8 with a few bad
    bytes shown as U+FFFD (as browsers do), then a guess (E403)."""
    declared = _META_CHARSET.search(data[:4096])
    for candidate in (charset, "utf-8", declared and declared.group(1).decode("ascii")):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    if mostly_utf8(data):
        return data.decode("utf-8", "replace")
    return decode_text(data, source)[0]


def html_document(
    html: str, *, doc_id: str, source: str, settings: Mapping[str, Any], url: str | None = None
) -> Document:
    """Extract the main text and the metadata trafilatura finds (title, author, date, site, url).

    The language comes from the `<html lang>` attribute only; detecting it from the text is the
    language component's job. No main text (or an extraction that fails on broken markup) is E409.
    """
    import trafilatura  # heavy import, only paid when HTML is actually read

    quiet_trafilatura()
    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # third-party parser on arbitrary markup: any failure means "no text"
        logger.debug("%s: trafilatura failed: %r", source, exc)
        raise InputError(Errors.E409(source=source)) from exc
    text = getattr(result, "text", None) or ""
    if not text.strip():
        raise InputError(Errors.E409(source=source))
    check_text(text, source, settings)
    doc = Document(id=doc_id, text=text, source=source, title=result.title or None, date=result.date or None)
    for key in _META_FIELDS:
        if value := getattr(result, key, None):
            doc.meta[key] = value
    if lang := _HTML_LANG.search(html[:8192]):
        doc.meta["html_lang"] = lang.group(1)
        doc.language = re.split(r"[-_]", lang.group(1))[0].lower()
    return doc


@registry.readers.register("html")
class HtmlReader(Reader):
    """One `.html`/`.htm` file -> one Document (id = file stem) holding the page's main text."""

    name = "html"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        html = decode_html(read_bytes(content, self.settings), content.name)
        yield html_document(html, doc_id=content.stem, source=content.name, settings=self.settings)
