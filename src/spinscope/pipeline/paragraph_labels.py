"""Paragraph technique labels (SemEval-2023 subtask 3): one label list per paragraph line.

The gold paragraph labels of SemEval-2023 are the techniques of the spans overlapping the line, so a language
can take them from the technique spans; the model's decoder config names, per language, whichever source
scored best on validation (`TechniqueDecoder.paragraph_labels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..data import Document
from ..registry import components
from .base import Component, Field, Table
from .encoder import ENCODING, encoding_of
from .tagger import TechniqueDecoder

LABEL = "paragraph_techniques"  # doc.labels key: line -> techniques


def paragraph_records(doc: Document) -> list[dict[str, Any]]:
    """The `paragraphs` record field: every paragraph line with its techniques (none when unlabelled)."""
    labels = doc.labels.get(LABEL, {})
    return [
        {"line": p.attrs["line"], "start": p.start, "end": p.end, "techniques": labels.get(p.attrs["line"], [])}
        for p in doc.layer("paragraphs")
    ]


SCHEMA = {
    "type": "array",
    "description": "Paragraph-level techniques (SemEval-2023 subtask 3 paragraphs).",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["line", "start", "end", "techniques"],
        "properties": {
            "line": {"type": "integer", "minimum": 1, "description": "1-based line number of the text split on \\n."},
            "start": {"$ref": "#/$defs/offset"},
            "end": {"$ref": "#/$defs/offset"},
            "techniques": {"type": "array", "items": {"type": "string", "minLength": 1}},
        },
    },
}


@components.register("paragraph_labels")
class ParagraphLabelsComponent(Component):
    """Sets `labels.paragraph_techniques` (line -> sorted techniques) for every paragraph of the document."""

    name = "paragraph_labels"
    reads = (ENCODING, "spans.paragraphs", "spans.techniques")
    writes = (f"labels.{LABEL}",)
    fields = (
        Field(
            "paragraphs",
            paragraph_records,
            SCHEMA,
            offsets="bounds",
            tables=(
                Table(
                    "paragraphs",
                    """SELECT {doc}, p.line, p.start, p."end", unnest(p.techniques) AS technique
                    FROM base, unnest(paragraphs) AS u(p)""",
                ),
            ),
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.decoder: TechniqueDecoder | None = None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        model = upstream[ENCODING].model  # the EncoderComponent's one loaded model
        if model is not None:
            self.decoder = TechniqueDecoder.load(model.folder)

    def __call__(self, doc: Document) -> Document:
        encoding = encoding_of(doc)
        if self.decoder is not None and encoding is not None:
            doc.labels[LABEL] = self.decoder.paragraph_labels(doc, encoding)
        return doc
