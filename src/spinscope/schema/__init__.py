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

from ..data import check_span

__all__ = ["SCHEMA_FILE", "ValidationError", "check_offsets", "load_schema", "validate"]

SCHEMA_FILE = "document.schema.json"


@cache
def _base_schema() -> str:
    return files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The record schema: the packaged file (the document's own keys) with the JSON-Schema
    fragment of every registered component's field added."""
    from ..writers.record import record_fields

    schema = json.loads(_base_schema())
    for field in record_fields():
        if field.schema:
            schema["properties"][field.name] = dict(field.schema)
    return schema


@cache
def _validator(fields: tuple[str, ...]) -> Draft202012Validator:
    """One validator per set of registered fields (a plugin loaded later gets its own)."""
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_offsets(record: Mapping[str, Any]) -> None:
    """What JSON Schema cannot say: every span fits the text and its `text` is exactly that slice.

    The fields checked are those whose component declares offsets (`Field.offsets`: "text" for items with
    start/end/text, "bounds" for start/end only). Raises SpanError with the same codes as
    `Document.check_offsets` (E101 out of range, E102 mismatch).
    """
    from ..writers.record import record_fields

    for field in record_fields():
        if field.offsets is None:
            continue
        value = record.get(field.name) or []
        for item in field.spans(value) if field.spans else value:
            said = item["text"] if field.offsets == "text" else None
            check_span(record["text"], record["id"], item["start"], item["end"], said)


def validate(record: Mapping[str, Any], *, offsets: bool = True) -> None:
    """Raise unless `record` is a valid document record (schema version 1.x).

    Structure problems raise `jsonschema.ValidationError` (the most relevant one, with its JSON path);
    with `offsets=True` (the default) span offsets are then checked too and raise `SpanError`.
    """
    from ..writers.record import record_fields

    error = best_match(_validator(tuple(f.name for f in record_fields())).iter_errors(record))
    if error is not None:
        raise error
    if offsets:
        check_offsets(record)
