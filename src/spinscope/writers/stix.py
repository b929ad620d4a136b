"""`stix` writer: one STIX 2.1 bundle of every document (`interop.stix`; the `[interop]` extra)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ..interop.stix import bundle
from ..registry import writers
from .base import RecordWriter


@writers.register("stix")
class StixWriter(RecordWriter):
    name = "stix"

    def write_records(self, records: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        out.write(json.dumps(bundle(records), ensure_ascii=False, indent=1) + "\n")
