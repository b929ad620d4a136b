"""`jsonl` writer: one `to_record` record per line, the format corpus runs append to and stream from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from ..data import Document
from ..registry import writers
from ._common import records
from .base import Writer
from .json import dumps


@writers.register("jsonl")
class JsonlWriter(Writer):
    name = "jsonl"

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        for record in records(docs, self.settings):
            out.write(dumps(record, indent=None) + "\n")
