"""Reader base: every input kind turns into the same Document; bad records become Rejected, not crashes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..data import Document


@dataclass(frozen=True, slots=True)
class Rejected:
    """One input (or one record of a batch input) that could not be read, with its one-line reason."""

    source: str
    message: str


class Reader:
    """Reads one input (a path, URL or '-') into Documents.

    `read` yields Document objects and, for bad records inside a batch input (a broken JSONL line, a WARC
    record without text), Rejected objects so the caller can report them and go on. When the input as a
    whole is unusable it raises InputError with a coded one-line message naming the input.
    """

    name: str = ""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.limits = settings.get("limits", {})

    def read(self, source: str) -> Iterator[Document | Rejected]:
        raise NotImplementedError
