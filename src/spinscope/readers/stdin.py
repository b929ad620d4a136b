"""Standard input ("-"): one Document with id "stdin", decoded with the same rules as a text file."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from .base import Reader, Rejected
from .textio import decode_text, limit
from .txt import text_document


@registry.readers.register("stdin")
class StdinReader(Reader):
    """Reads the bytes under `sys.stdin` where there are some, because the text layer would turn CRLF
    into LF and shift every offset; a text-only stream (a test's StringIO) is read as it is."""

    name = "stdin"

    def __init__(self, settings: dict[str, Any], *, stream: IO[str] | None = None) -> None:
        super().__init__(settings)
        self.stream = stream

    def read(self, source: str = "-") -> Iterator[Document | Rejected]:
        stream = self.stream if self.stream is not None else sys.stdin
        max_bytes = limit(self.settings, "max_bytes")
        raw = getattr(stream, "buffer", None)
        if raw is not None:
            data = raw.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(Errors.E412(source="stdin", limit=max_bytes))
            text, encoding = decode_text(data, "stdin")
        else:
            text, encoding = stream.read(max_bytes + 1), "utf-8"
            if len(text) > max_bytes:
                raise InputError(Errors.E412(source="stdin", limit=max_bytes))
        yield text_document(text, doc_id="stdin", source="stdin", settings=self.settings, encoding=encoding)
