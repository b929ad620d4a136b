"""Persuasion-technique spans decoded from the shared encoder pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..config import suggestion
from ..data import Document, Span
from ..errors import ConfigError, Errors, ModelMissing
from ..labels import TECHNIQUES, definition
from ..registry import components
from .base import Component, Facet, Field, Table
from .encoder import ENCODING, encoding_of
from .tagger import TechniqueDecoder


def _record(span: Span) -> dict[str, Any]:
    return {
        "technique": span.label,
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "score": round(span.score, 4),
        "shown": bool(span.attrs.get("shown", True)),
        "definition": definition(span.label),
    }


SCHEMA = {
    "type": "array",
    "description": "Persuasion-technique spans, sorted by (start, end).",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["technique", "start", "end", "text", "score", "definition"],
        "properties": {
            "technique": {"type": "string", "minLength": 1, "description": "Label in the configured scheme."},
            "start": {"$ref": "#/$defs/offset"},
            "end": {"$ref": "#/$defs/offset"},
            "text": {"type": "string", "description": "Exactly text[start:end]."},
            "score": {"type": "number", "description": "Model confidence, rounded to 4 decimals."},
            "shown": {
                "type": "boolean",
                "description": "The score reaches the technique's display cut in this language (a shown span "
                "was right at least half the time on held-out articles) or the span is a loaded designation; "
                "reports show these only.",
            },
            "definition": {"type": "string", "description": "One-sentence definition; empty for an unknown label."},
        },
    },
}


@components.register("techniques")
class TechniquesComponent(Component):
    """Adds the `techniques` layer from the encoder pass (empty when no model is installed).

    `thresholds` (technique -> threshold) override the tuned per-language span thresholds.
    """

    name = "techniques"
    reads = (ENCODING,)
    writes = ("spans.techniques",)
    open_config = ("thresholds",)
    fields = (
        Field(
            "techniques",
            lambda doc: [_record(s) for s in sorted(doc.layer("techniques"), key=lambda s: (s.start, s.end))],
            SCHEMA,
            offsets="text",
            columns=("len(techniques) AS n_techniques",),
            tables=(
                Table(
                    "techniques",
                    """SELECT {doc}, t.technique, t.start, t."end", t.text, t.score
                    FROM base, unnest(techniques) AS u(t)""",
                ),
            ),
            facets=(Facet("technique", lambda spans: [s["technique"] for s in spans]),),
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.overrides = dict(config.get("thresholds", {}))
        for name in self.overrides:
            if name not in TECHNIQUES:
                key, hint = "components.techniques.thresholds", suggestion(name, TECHNIQUES)
                raise ConfigError(Errors.E504(key=key, what="technique", name=name, hint=hint))
        self.decoder: TechniqueDecoder | None = None
        self.folder = None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        encoder = upstream[ENCODING]  # the EncoderComponent: its model is the one loaded
        self.folder = encoder.folder
        if encoder.model is not None:
            precision = float(self.config.get("display_precision", 0.0))
            self.decoder = TechniqueDecoder.load(encoder.model.folder, self.overrides, precision)

    def __call__(self, doc: Document) -> Document:
        doc.spans["techniques"] = []
        encoding = encoding_of(doc)
        if self.decoder is not None and encoding is not None:
            self.decoder.annotate_spans(doc, encoding)
        return doc

    def classify(self, doc: Document, spans: Sequence[tuple[int, int]], scheme: str) -> list[tuple[str, float]]:
        """(technique, score) of each given span of an encoded document (SemEval-2020 TC); E202 without a model."""
        encoding = encoding_of(doc)
        if self.decoder is None or encoding is None:
            raise ModelMissing(Errors.E202(step="classify-spans", model=self.folder.name, path=self.folder, hint=""))
        return self.decoder.classify(encoding, spans, scheme, doc.language)
