"""Writer base: turns analysed Documents into one output format on a text stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, TextIO

from ..data import Document


class Writer:
    """Writes documents to `out`. `binary` writers (parquet) get a path instead of a stream."""

    name: ClassVar[str] = ""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        raise NotImplementedError


class RecordWriter(Writer):
    """A format made from the JSON records alone, so it also writes records read back from a corpus run's
    shards (`corpus export`)."""

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        from ._common import records

        self.write_records(records(docs, self.settings), out)

    def write_records(self, records: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        raise NotImplementedError
