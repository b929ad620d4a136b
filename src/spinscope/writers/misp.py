"""`misp` writer: MISP events (`interop.misp`; the `[interop]` extra): one document gives one event (MISP JSON,
importable as it is), several give a JSON array of events."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

from ..interop.misp import events
from ..registry import writers
from .base import RecordWriter


@writers.register("misp")
class MispWriter(RecordWriter):
    name = "misp"

    def write_records(self, records: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        found = [{"Event": e} for e in events(records)]
        body = found[0] if len(found) == 1 else found
        out.write(json.dumps(body, ensure_ascii=False, indent=1) + "\n")
