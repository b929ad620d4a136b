"""Document -> JSON record: the versioned contract between pipeline, CLI, web app and corpus storage.

The record holds the document's own keys, then the fields every registered component contributes
(`Component.fields`, plugins included), then the names of the components that ran and the warnings. Each
field is always present: a component that did not run gives its empty value (and is not in `components`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..data import Document
from .views import View, views

if TYPE_CHECKING:
    from ..pipeline.base import Field

SCHEMA_VERSION = "1.6"


def owned_fields() -> list[tuple[str, Field]]:
    """(component name, field) for every record field in order: those of the registered components."""
    from ..registry import components

    return [(name, f) for name, factory in components.all().items() for f in getattr(factory, "fields", ())]


def record_fields() -> list[Field]:
    """The record fields in order."""
    return [f for _, f in owned_fields()]


def switched_off(record: Mapping[str, Any], component: str) -> bool:
    """Whether `component` did not run on the record (False when the record does not say: one made by hand,
    not by a pipeline, or from before schema 1.4)."""
    ran = record.get("components")
    return bool(ran) and component not in ran


def shown_fields() -> list[tuple[str, Field, View]]:
    """(component name, field, its view) for every record field in order."""
    return [(name, f, views.get(f.name)) for name, f in owned_fields()]


def summaries(record: Mapping[str, Any]) -> list[str]:
    """The reports' closing counts: each field's summary phrase, for the components that ran."""
    return [
        s
        for name, _, view in shown_fields()
        if view.summary and not switched_off(record, name) and (s := view.summary(record))
    ]


def switched_off_components(record: Mapping[str, Any]) -> list[str]:
    """The components with a report panel (a view `title`) that did not run on the record."""
    return list(dict.fromkeys(name for name, _, view in shown_fields() if view.title and switched_off(record, name)))


def to_record(doc: Document) -> dict[str, Any]:
    """Every key is always present: empty lists (or null genre) where a component was off."""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": doc.id,
        "source": doc.source,
        "title": (doc.title or "").strip() or None,
        "date": doc.date,
        "language": doc.language,
        "meta": doc.meta,
        "text": doc.text,
    }
    for field in record_fields():
        record[field.name] = field.value(doc)
    record["components"] = list(doc.components)
    record["warnings"] = list(doc.warnings)
    return record
