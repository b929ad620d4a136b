"""Plain text files, kept byte-for-byte as text so gold span offsets line up with `Document.text`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import registry
from ..data import Document
from .base import Reader, Rejected
from .textio import check_text, date_header, decode_text, first_line, read_bytes


def text_document(
    text: str, *, doc_id: str, source: str, settings: Mapping[str, Any], encoding: str = "utf-8"
) -> Document:
    """Wrap verbatim text in a Document after the size and emptiness checks.

    A leading ` date YYYY-MM-DD` marker sets `date` and `meta["header_end"]`, the offset where the body
    starts; the marker stays in `text` so every offset refers to the whole file. The title is the first
    non-blank line of the body, because SemEval/PTC articles (and most scraped ones) put it there.
    """
    header = date_header(text)
    body_start = header[1] if header else 0
    check_text(text, source, settings, body_start=body_start)
    doc = Document(id=doc_id, text=text, source=source, title=first_line(text, body_start))
    doc.meta["encoding"] = encoding
    if header:
        doc.date = header[0]
        doc.meta["header_end"] = body_start
    return doc


def read_text_file(path: Path, *, doc_id: str, settings: Mapping[str, Any]) -> Document:
    source = str(path)
    text, encoding = decode_text(read_bytes(path, settings), source)
    return text_document(text, doc_id=doc_id, source=source, settings=settings, encoding=encoding)


@registry.readers.register("txt")
class TxtReader(Reader):
    """One `.txt` file -> one Document whose id is the file stem."""

    name = "txt"

    def read(self, source: str) -> Iterator[Document | Rejected]:
        path = Path(source)
        yield read_text_file(path, doc_id=path.stem, settings=self.settings)
