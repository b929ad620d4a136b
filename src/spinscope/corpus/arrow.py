"""The JSON record as an Arrow table: typed columns and nested lists derived from the record's JSON Schema.

Every field of the record schema (plugins' fields included) becomes a column: strings, integers, numbers and
booleans keep their type, arrays become lists, objects with declared properties become structs (extra
attributes a span may carry are left out), and anything without one Arrow type (free-form `meta`, a
property that may hold several types) is stored as a JSON string, so no value is lost or guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pyarrow as pa

JSON = "json"  # marks a node stored as a JSON string

_SCALARS = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _kind(node: Mapping[str, Any], defs: Mapping[str, Any]) -> Any:
    """A typed description of a schema node: a scalar name, ("list", item), ("struct", {name: kind}), or JSON."""
    node = _resolve(node, defs)
    options = node.get("oneOf") or node.get("anyOf")
    if options:
        kept = [o for o in options if _resolve(o, defs).get("type") != "null"]
        return _kind(kept[0], defs) if len(kept) == 1 else JSON
    if "enum" in node:
        kinds = {type(v).__name__ for v in node["enum"] if v is not None}
        return "string" if kinds == {"str"} else JSON
    types = node.get("type")
    if isinstance(types, list):
        kept = [t for t in types if t != "null"]
        types = kept[0] if len(kept) == 1 else None
    if types in _SCALARS:
        return types
    if types == "array" and "items" in node:
        return ("list", _kind(node["items"], defs))
    if types == "object" and node.get("properties"):
        return ("struct", {name: _kind(sub, defs) for name, sub in node["properties"].items()})
    if types == "object" and isinstance(node.get("additionalProperties"), Mapping):
        value = _kind(node["additionalProperties"], defs)
        return ("map", value) if isinstance(value, str) and value != JSON else JSON
    return JSON


def _arrow(kind: Any) -> pa.DataType:
    if kind == JSON:
        return pa.string()
    if isinstance(kind, str):
        return _SCALARS[kind]
    tag, inner = kind
    if tag == "list":
        return pa.list_(_arrow(inner))
    if tag == "map":
        return pa.map_(pa.string(), _arrow(inner))
    return pa.struct([pa.field(name, _arrow(sub)) for name, sub in inner.items()])


def _value(value: Any, kind: Any) -> Any:
    """A record value shaped for its Arrow type: JSON nodes dumped, structs cut to their declared keys."""
    if value is None:
        return None
    if kind == JSON:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(kind, str):
        return value
    tag, inner = kind
    if tag == "list":
        return [_value(v, inner) for v in value]
    if tag == "map":
        return list(value.items())
    return {name: _value(value.get(name), sub) for name, sub in inner.items()}


def _record_kinds() -> tuple[tuple[str, Any], ...]:
    from ..writers.record import record_fields

    return _kinds_of(tuple(f.name for f in record_fields()))


@cache
def _kinds_of(fields: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
    """The typed columns of the record schema, once per set of registered fields (a plugin loaded later gets
    its own)."""
    from ..schema import load_schema

    schema = load_schema()
    defs = schema.get("$defs", {})
    return tuple((name, _kind(node, defs)) for name, node in schema["properties"].items())


def _restored(value: Any, kind: Any) -> Any:
    """A shard value back as the record's JSON value (`_value` undone: JSON strings loaded, maps as objects)."""
    if value is None:
        return None
    if kind == JSON:
        return json.loads(value)
    if isinstance(kind, str):
        return value
    tag, inner = kind
    if tag == "list":
        return [_restored(v, inner) for v in value]
    if tag == "map":
        return {k: _restored(v, inner) for k, v in value}
    return {name: _restored(value.get(name), sub) for name, sub in inner.items()}


def records_of(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The JSON records of a shard table (attributes a struct does not declare were not stored)."""
    kinds = [(name, kind) for name, kind in _record_kinds() if name in table.column_names]
    for row in table.to_pylist():
        yield {name: _restored(row[name], kind) for name, kind in kinds}


def record_schema() -> pa.Schema:
    """The Arrow schema of a shard: one column per record field, in the record's order."""
    return pa.schema([pa.field(name, _arrow(kind)) for name, kind in _record_kinds()])


def records_table(records: list[Mapping[str, Any]]) -> pa.Table:
    """A table of JSON records (`writers.record.to_record`), one row each."""
    kinds = _record_kinds()
    rows = [{name: _value(r.get(name), kind) for name, kind in kinds} for r in records]
    return pa.Table.from_pylist(rows, schema=record_schema())
