"""Document -> JSON record: the versioned contract between pipeline, CLI, web app and corpus storage."""

from __future__ import annotations

from typing import Any

from ..data import Document, Span

SCHEMA_VERSION = "1.0"


def _technique(span: Span) -> dict[str, Any]:
    from ..labels import definition

    return {
        "technique": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "score": round(span.score, 4),
        "definition": definition(span.label),
    }


def _plain(span: Span, **extra: Any) -> dict[str, Any]:
    record = {"start": span.start, "end": span.end, "text": span.text, **extra}
    record.update({k: v for k, v in span.attrs.items() if k not in record})
    return record


def to_record(doc: Document) -> dict[str, Any]:
    """Every key is always present: empty lists (or null genre) where a component was off."""
    return {
        "schema_version": SCHEMA_VERSION,
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "date": doc.date,
        "language": doc.language,
        "meta": doc.meta,
        "text": doc.text,
        "techniques": [_technique(s) for s in sorted(doc.layer("techniques"), key=lambda s: (s.start, s.end))],
        "paragraphs": [
            {"line": s.attrs["line"], "start": s.start, "end": s.end, "techniques": s.attrs.get("techniques", [])}
            for s in doc.layer("paragraphs")
        ],
        "sentences": [_plain(s) for s in doc.layer("sentences")],
        "frames": doc.labels.get("frames", []),
        "genre": doc.labels.get("genre"),
        "claims": [_plain(s, label=s.label, score=round(s.score, 4)) for s in doc.layer("claims")],
        "entities": [_plain(s, label=s.label) for s in doc.layer("entities")],
        "narratives": doc.labels.get("narratives", []),
        "matches": doc.labels.get("matches", []),
        "warnings": list(doc.warnings),
    }
