"""Reader base: every input kind turns into the same Document; bad records become Rejected, not crashes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import Document
from ..errors import Errors, InputError


@dataclass(frozen=True, slots=True)
class Rejected:
    """One input (or one record of a batch input) that could not be read, with its one-line reason (a coded
    message, `errors.Coded`, keeps its code: readers pass an InputError's `args[0]`, not its `str`)."""

    source: str
    message: str


@dataclass(frozen=True)
class Content:
    """One input's bytes, in memory (an upload, a fetched body: `data`) or in a file (`path`), with the `name`
    its documents' ids and sources and every message use (the path, or the uploaded file's name)."""

    name: str
    data: bytes | None = None
    path: Path | None = None

    @classmethod
    def of_path(cls, source: str | Path) -> Content:
        return cls(str(source), path=Path(source))

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def raw(self) -> io.RawIOBase | io.BytesIO:
        """The bytes as an unbuffered stream (E401 for a missing file, E415 one that cannot be read, E416 a
        FIFO, socket or device, whose read could wait forever)."""
        if self.path is None:
            return io.BytesIO(self.data or b"")
        from .textio import refuse_special

        refuse_special(self.path, self.name)
        try:
            return io.FileIO(self.path)
        except FileNotFoundError as exc:
            raise InputError(Errors.E401(source=self.name)) from exc
        except IsADirectoryError as exc:
            raise InputError(Errors.E415(source=self.name, detail="not a file")) from exc
        except OSError as exc:
            raise InputError(Errors.E415(source=self.name, detail=exc.strerror or type(exc).__name__)) from exc


class Reader:
    """Reads one input into Documents: its content (`read_content`: bytes and a name, as an upload arrives),
    or a source (`read`: a path, and for some readers a folder, a URL or '-'), which by default is the file's
    content.

    Both yield Document objects and, for bad records inside a batch input (a broken JSONL line, a WARC
    record without text), Rejected objects so the caller can report them and go on. When the input as a
    whole is unusable they raise InputError with a coded one-line message naming the input.
    """

    name: str = ""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.limits = settings.get("limits", {})

    def read(self, source: str) -> Iterator[Document | Rejected]:
        yield from self.read_content(Content.of_path(source))

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        raise InputError(Errors.E410(source=content.name, fmt=self.name, known="a file of another format"))
