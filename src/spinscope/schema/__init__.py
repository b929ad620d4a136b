"""JSON Schema of the document record (`writers.record.to_record`) and a validator for it.

The schema file ships inside the package and is read with importlib.resources, so validation works from a
wheel or a zip as well as from a checkout. docs/schema.md documents every field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from ..errors import Errors, SpanError

__all__ = ["SCHEMA_FILE", "ValidationError", "check_offsets", "load_schema", "validate"]

SCHEMA_FILE = "document.schema.json"
# Layers whose items carry start/end/text that must equal the slice of the record's text.
_TEXT_SPANS = ("techniques", "sentences", "claims", "entities")


@cache
def load_schema() -> dict[str, Any]:
    """The parsed schema (read once per process)."""
    return json.loads(files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_offsets(record: Mapping[str, Any]) -> None:
    """What JSON Schema cannot say: every span fits the text and its `text` is exactly that slice.

    Raises SpanError with the same codes as `Document.check_offsets` (E101 out of range, E102 mismatch).
    """
    text: str = record["text"]
    n = len(text)
    for layer in (*_TEXT_SPANS, "paragraphs"):
        for item in record[layer]:
            start, end = item["start"], item["end"]
            if not 0 <= start <= end <= n:
                raise SpanError(Errors.E101(doc=record["id"], start=start, end=end, n=n))
            if layer != "paragraphs" and text[start:end] != item["text"]:
                found = text[start:end]
                raise SpanError(Errors.E102(doc=record["id"], start=start, end=end, said=item["text"], found=found))


def validate(record: Mapping[str, Any], *, offsets: bool = True) -> None:
    """Raise unless `record` is a valid version-1.0 document record.

    Structure problems raise `jsonschema.ValidationError` (the most relevant one, with its JSON path);
    with `offsets=True` (the default) span offsets are then checked too and raise `SpanError`.
    """
    error = best_match(_validator().iter_errors(record))
    if error is not None:
        raise error
    if offsets:
        check_offsets(record)
