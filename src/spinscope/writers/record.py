"""Document -> JSON record: the versioned contract between pipeline, CLI, web app and corpus storage.

The record holds the document's own keys, then the fields every registered component contributes
(`Component.fields`, plugins included), then the warnings. Each field is always present: a component that
did not run gives its empty value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..data import Document

if TYPE_CHECKING:
    from ..pipeline.base import Field

SCHEMA_VERSION = "1.3"


def record_fields() -> list[Field]:
    """The record fields in order: those of the registered components."""
    from ..registry import components

    return [f for factory in components.all().values() for f in getattr(factory, "fields", ())]


def to_record(doc: Document) -> dict[str, Any]:
    """Every key is always present: empty lists (or null genre) where a component was off."""
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "date": doc.date,
        "language": doc.language,
        "meta": doc.meta,
        "text": doc.text,
    }
    for field in record_fields():
        record[field.name] = field.value(doc)
    record["warnings"] = list(doc.warnings)
    return record
