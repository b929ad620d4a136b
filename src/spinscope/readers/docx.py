"""Word files (.docx) -> the body's paragraphs and tables in document order (python-docx).

Paragraphs are separated by a blank line, a table's rows are lines with tabs between cells; running headers
and footers are left out. The title is the first paragraph in a title or heading style, else the file's
own title property, else the first line when it reads as a headline.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .textio import check_text, read_bytes
from .txt import headline

MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected .docx is wrapped in this container
TITLE_STYLES = ("Title", "Heading 1")


def is_docx(head: bytes) -> bool:
    return head.startswith(MAGIC) and (b"word/" in head or b"[Content_Types].xml" in head)


def check_unpacked(archive: zipfile.ZipFile, source: str, settings: Mapping[str, Any]) -> None:
    """E419 when the archive's members unpack to more than `limits.max_unpacked` bytes (a zip bomb). The
    sizes the archive declares are the ones `zipfile` stops reading at, so a false one cannot slip past."""
    limit = int(settings["limits"]["max_unpacked"])
    size = sum(info.file_size for info in archive.infolist())
    if size > limit:
        raise InputError(Errors.E419(source=source, size=size, what="unpacked bytes", limit=limit, key="max_unpacked"))


def _broken(source: str, exc: Exception) -> InputError:
    return InputError(Errors.E406(source=source, kind="Word document", detail=str(exc) or type(exc).__name__))


def _opened(data: bytes, source: str, settings: Mapping[str, Any]) -> Any:
    import docx

    if data.startswith(OLE_MAGIC):
        raise InputError(Errors.E417(source=source, kind="Word document"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _broken(source, exc) from exc
    with archive:
        check_unpacked(archive, source, settings)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx and lxml on a damaged part: the file is broken, not the program
        raise _broken(source, exc) from exc


def _blocks(document: Any) -> Iterator[tuple[str, str]]:
    """(text, style name) of the body's paragraphs and tables, in order; a table's rows are lines."""
    from docx.table import Table

    for item in document.iter_inner_content():
        if isinstance(item, Table):
            rows = ["\t".join(cell.text.strip() for cell in row.cells) for row in item.rows]
            yield "\n".join(row for row in rows if row.strip()), "Table"
        else:
            yield item.text.strip(), item.style.name if item.style is not None else ""


def docx_document(content: Content, settings: Mapping[str, Any]) -> Document:
    document = _opened(read_bytes(content, settings), content.name, settings)
    blocks = [(text, style) for text, style in _blocks(document) if text]
    text = "\n\n".join(text for text, _ in blocks) + "\n"  # ends as a text file does
    check_text(text, content.name, settings)
    styled = next((t for t, style in blocks[:3] if style in TITLE_STYLES), None)
    given = (document.core_properties.title or "").strip()
    doc = Document(id=content.stem, text=text, source=content.name, title=styled or given or headline(text))
    if author := (document.core_properties.author or "").strip():
        doc.meta["author"] = author
    return doc


@registry.readers.register("docx")
class DocxReader(Reader):
    """One `.docx` file -> one Document (id = file stem)."""

    name = "docx"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield docx_document(content, self.settings)
