"""Choosing a reader: the configured `input.format`, or (with "auto") the source's shape and first bytes."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .docx import is_docx
from .eml import is_eml
from .image import is_image
from .pdf import MAGIC as PDF_MAGIC
from .telegram import EXPORT_FILE, looks_like_export, sniff_export
from .textio import is_url, read_at_most, refuse_special
from .url import sniff_markup

# Longest suffixes first, so ".warc.gz" wins over ".gz".
SUFFIXES = {
    ".warc.gz": "warc",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".csv.gz": "csv",
    ".tsv.gz": "csv",
    ".warc": "warc",
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".pdf": "pdf",
    ".docx": "docx",
    ".eml": "eml",
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff", ".bmp"), "image"),
}
# Suffixes of the document kinds (PDF, Word, e-mail, images) that a folder and an upload take beside text and HTML.
DOCUMENT_SUFFIXES = tuple(suffix for suffix, fmt in SUFFIXES.items() if fmt in ("pdf", "docx", "eml", "image"))
_NO_PATH = frozenset({"url", "stdin"})
_MAGIC = (("pdf", lambda head: head.startswith(PDF_MAGIC)), ("image", is_image), ("docx", is_docx), ("eml", is_eml))


def _head(content: Content) -> bytes:
    """The first 4 KiB of the input (E415 when it cannot be read)."""
    with content.raw() as fh:
        return read_at_most(fh, 4096)


def _sniffed(head: bytes) -> str:
    """Format of an input whose name says nothing, from its first bytes."""
    if head.startswith(b"\x1f\x8b"):  # gzip: look inside for a WARC header
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            return "txt"  # binary: the txt reader says so with E403
    if head.startswith(b"WARC/"):
        return "warc"
    for fmt, test in _MAGIC:
        if test(head):
            return fmt
    return sniff_markup(head) or "txt"


def format_of(content: Content) -> str:
    """Reader name for an input's content: a Telegram export by its first bytes (see `looks_like_export`), else
    by its name's suffix, else by its first bytes."""
    name = Path(content.name).name.lower()
    if name.endswith(".json") and looks_like_export(_head(content), named_result=name == EXPORT_FILE):
        return "telegram"
    for suffix, fmt in SUFFIXES.items():
        if name.endswith(suffix):
            return fmt
    return _sniffed(_head(content))


def detect_format(source: str) -> str:
    """Reader name for `source`: "-" -> stdin, http(s) -> url, folder -> semeval/telegram/folder, else by
    suffix or content. The url reader itself hands RSS/Atom answers to the feed reader.

    Telegram Desktop exports are recognised by a look at their first bytes (see `telegram.looks_like_export`):
    a `result.json` holding an object, any `.json` file that starts like a chat export, and a folder with
    such a `result.json` at its top level.
    """
    if source == "-":
        return "stdin"
    if is_url(source):
        return "url"
    path = Path(source)
    if path.is_dir():
        if any(path.glob("article*.txt")):
            return "semeval"
        return "telegram" if sniff_export(path / EXPORT_FILE) else "folder"
    if not path.exists():
        raise InputError(Errors.E401(source=source))
    refuse_special(path, source)
    return format_of(Content.of_path(path))


def _configured(name: str, settings: dict[str, Any]) -> str:
    """`input.format` ("auto" when unset); E410 for a format no reader has."""
    fmt = settings.get("input", {}).get("format", "auto") or "auto"
    if fmt != "auto" and fmt not in registry.readers:
        raise InputError(Errors.E410(source=name, fmt=fmt, known=", ".join(["auto", *registry.readers.names()])))
    return fmt


def reader_for(source: str, settings: dict[str, Any]) -> Reader:
    """The reader for one input, checked up front: unknown format (E410), missing path (E401) and a FIFO, socket
    or device (E416) raise here, before any reading starts."""
    fmt = _configured(source, settings)
    if fmt == "auto":
        fmt = detect_format(source)
    elif fmt not in _NO_PATH and source != "-" and not is_url(source):
        if not Path(source).exists():
            raise InputError(Errors.E401(source=source))
        refuse_special(source)
    return registry.readers.get(fmt)(settings)


def open_content(content: Content, settings: dict[str, Any]) -> Iterator[Document | Rejected]:
    """Documents (and Rejected records) from an input's content (an upload): read by the configured
    `input.format`, or the format its name and first bytes give (`format_of`)."""
    fmt = _configured(content.name, settings)
    return registry.readers.get(format_of(content) if fmt == "auto" else fmt)(settings).read_content(content)


def open_input(source: str, settings: dict[str, Any]) -> Iterator[Document | Rejected]:
    """Documents (and Rejected records) from one input: a path, a folder, an http(s) URL, or "-" for stdin.

    Raises InputError for an input that is unusable as a whole; errors found while reading come from
    iterating the result.
    """
    return reader_for(source, settings).read(source)
