"""`json` writer: one document gives one JSON object, several give a JSON array of objects.

A single article is the common interactive case (`spinscope analyze article.txt -f json | jq .techniques`),
so it is not wrapped in a list; a batch is a plain array. Every element is a `to_record` record, see
docs/schema.md. Zero documents give `[]`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from itertools import chain
from typing import Any, TextIO

from ..registry import writers
from .base import RecordWriter

# Characters that str.splitlines() treats as line ends but json.dumps(ensure_ascii=False) leaves raw; escaped,
# so a JSONL record stays on one line for every line splitter (they can only occur inside JSON strings).
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dumps(record: dict[str, Any], *, indent: int | None = 2) -> str:
    """UTF-8 friendly (no \\u escapes for non-ASCII) and strict: NaN or infinity is an error, not bad JSON."""
    text = json.dumps(record, ensure_ascii=False, allow_nan=False, indent=indent)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


@writers.register("json")
class JsonWriter(RecordWriter):
    name = "json"

    def write_records(self, it: Iterator[Mapping[str, Any]], out: TextIO) -> None:
        first = next(it, None)
        if first is None:
            out.write("[]\n")
            return
        second = next(it, None)
        if second is None:
            out.write(dumps(first) + "\n")
            return
        out.write("[\n" + _indent(dumps(first)))
        for record in chain((second,), it):
            out.write(",\n" + _indent(dumps(record)))
        out.write("\n]\n")


def _indent(text: str) -> str:
    """Indent a pretty-printed record one level, as json.dumps would inside an array (strings hold no raw
    newlines, so every line break is structural)."""
    return "\n".join("  " + line for line in text.split("\n"))
