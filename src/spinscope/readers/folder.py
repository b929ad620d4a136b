"""Folders of articles: every file goes through the reader of its kind (txt, html, pdf, docx, eml, image), so
one rule set reads them all.

`semeval` takes only the SemEval/PTC layout (`article<ID>.txt`, id `<ID>`), which keeps a README or a
labels file lying next to the articles out of the corpus. `folder` takes every file of a kind spinscope
reads (`.txt`, `.html`, `.pdf`, `.docx`, `.eml`, images), still turning `article<ID>` names into `<ID>`.
Neither descends into subfolders: one folder is one corpus split, and recursing would mix splits. Files come
sorted by id, numerically where the ids are numbers, so outputs are stable across runs and file systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Content, Reader, Rejected
from .detect import DOCUMENT_SUFFIXES, SUFFIXES
from .html import decode_html, html_document
from .textio import limit, read_bytes
from .txt import read_text

_SEMEVAL_NAME = re.compile(r"article(\d+)")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def doc_id_for(path: Path) -> str:
    """`article123456.txt` -> '123456' (the id gold files use); any other name -> its stem."""
    match = _SEMEVAL_NAME.fullmatch(path.stem)
    return match.group(1) if match else path.stem


def _order(path: Path) -> tuple[int, int, str]:
    doc_id = doc_id_for(path)
    return (0, int(doc_id), path.name) if doc_id.isdigit() else (1, 0, path.name)


@registry.readers.register("folder")
class FolderReader(Reader):
    """Every article file directly inside a folder; a file that cannot be read becomes Rejected."""

    name = "folder"
    patterns: tuple[str, ...] = tuple(f"*{suffix}" for suffix in (".txt", *HTML_SUFFIXES, *DOCUMENT_SUFFIXES))

    @classmethod
    def files(cls, folder: Path) -> list[Path]:
        """The article files of `folder`, SemEval ids in number order first."""
        found = {p for pattern in cls.patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(found, key=_order)

    def read(self, source: str) -> Iterator[Document | Rejected]:
        folder = Path(source)
        if not folder.exists():
            raise InputError(Errors.E401(source=source))
        if folder.is_file():  # a single article given where a folder was expected: read just that one
            yield from self.read_file(folder, doc_id_for(folder))
            return
        files = self.files(folder)
        if not files:
            raise InputError(Errors.E402(source=source, pattern=", ".join(self.patterns)))
        seen: set[str] = set()
        max_records = limit(self.settings, "max_records")
        for n, path in enumerate(files, start=1):
            if n > max_records:
                yield Rejected(source, Errors.E413(source=source, limit=max_records))
                return
            doc_id = doc_id_for(path)
            if doc_id in seen:  # a.txt next to a.html: keep both, tell them apart by full name
                doc_id = path.name
            seen.add(doc_id)
            try:
                yield from self.read_file(path, doc_id)
            except InputError as exc:
                yield Rejected(str(path), exc.args[0])

    def read_file(self, path: Path, doc_id: str) -> Iterator[Document | Rejected]:
        """The file's documents (an e-mail has several); the one named after the file gets `doc_id`."""
        content = Content.of_path(path)
        suffix = path.suffix.lower()
        if suffix in HTML_SUFFIXES:
            html = decode_html(read_bytes(content, self.settings), content.name)
            yield html_document(html, doc_id=doc_id, source=content.name, settings=self.settings)
        elif suffix == ".txt":
            yield read_text(content, doc_id=doc_id, settings=self.settings)
        else:
            for item in registry.readers.get(SUFFIXES[suffix])(self.settings).read_content(content):
                if isinstance(item, Document) and item.id == content.stem:
                    item.id = doc_id
                yield item


@registry.readers.register("semeval")
class SemevalReader(FolderReader):
    """A SemEval-2023 Task 3 / PTC articles folder: `article<ID>.txt` -> Document id `<ID>`, text verbatim."""

    name = "semeval"
    patterns = ("article*.txt",)
