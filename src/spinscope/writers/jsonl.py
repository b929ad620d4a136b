"""`jsonl` writer: one `to_record` record per line, the format corpus runs append to and stream from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ..registry import writers
from .base import RecordWriter
from .json import dumps


@writers.register("jsonl")
class JsonlWriter(RecordWriter):
    name = "jsonl"

    def write_records(self, records: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        for record in records:
            out.write(dumps(record, indent=None) + "\n")
