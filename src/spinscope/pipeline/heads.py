"""Article-level heads (frames, genre): linear heads (`linear_head`) on the article vector of the shared
encoder pass, blended with a lexical head where one is shipped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..data import Document
from ..errors import Warnings
from ..models import model_path
from ..registry import components
from .base import Component, Field, Table
from .encoder import ENCODING, encoding_of
from .linear_head import LinearHead, fitted_head

SHORT_TEXT = 200  # characters; below this an article-level label is a guess


class HeadComponent(Component):
    """Shared loading and checks of frames/genre: heads fitted on another encoder are refused (W007)."""

    reads = (ENCODING,)

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.folder = model_path(config["model"])
        self.head: LinearHead | None = None
        self.problem = Warnings.W006(head=self.name)  # until setup finds the head

    def setup(self, upstream: Mapping[str, Component]) -> None:
        self.head, self.problem = fitted_head(self.folder, upstream[ENCODING].model, self.name)

    def head_scores(self, doc: Document) -> np.ndarray | None:
        encoding = encoding_of(doc)
        if self.head is None or encoding is None or encoding.vector is None:
            if encoding is not None:
                doc.warn(self.problem)
            return None
        if len(doc.text) - doc.meta.get("header_end", 0) < SHORT_TEXT:
            doc.warn(Warnings.W005(n=len(doc.text)))
        return self.head.blended(encoding.vector, [doc.text])


def label_field(label: str, schema: Mapping[str, Any], empty: Callable[[], Any], **sql: Any) -> Field:
    """The record field of a document label; `empty()` is its value when the component did not run."""
    return Field(label, lambda doc: doc.labels.get(label, empty()), schema, **sql)


FRAMES_SCHEMA = {
    "type": "array",
    "description": "One row per frame the frames component scored.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["frame", "score", "predicted"],
        "properties": {
            "frame": {"type": "string", "minLength": 1},
            "score": {"type": "number"},
            "predicted": {"type": "boolean", "description": "Whether the score passed the frame's threshold."},
        },
    },
}
GENRE_SCHEMA = {
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["label", "scores"],
            "properties": {
                "label": {"type": "string", "minLength": 1, "description": "opinion, reporting or satire."},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
            },
        },
    ]
}


@components.register("frames")
class FramesComponent(HeadComponent):
    """All 14 frames with scores, the ones past their threshold flagged `predicted`."""

    name = "frames"
    writes = ("labels.frames",)
    fields = (
        label_field(
            "frames",
            FRAMES_SCHEMA,
            list,
            tables=(Table("frames", "SELECT {doc}, f.frame, f.score, f.predicted FROM base, unnest(frames) AS u(f)"),),
        ),
    )

    def __call__(self, doc: Document) -> Document:
        scores = self.head_scores(doc)
        doc.labels["frames"] = []
        if scores is not None:
            passed = scores >= self.head.thresholds_for(doc.language)
            rows = zip(self.head.labels, scores, passed, strict=True)
            doc.labels["frames"] = [
                {"frame": f, "score": round(float(s), 4), "predicted": bool(p)}
                for f, s, p in sorted(rows, key=lambda r: -r[1])
            ]
        return doc


@components.register("genre")
class GenreComponent(HeadComponent):
    """Opinion, reporting or satire, with the probability of each."""

    name = "genre"
    writes = ("labels.genre",)
    fields = (label_field("genre", GENRE_SCHEMA, lambda: None, columns=("genre.label AS genre",)),)

    def __call__(self, doc: Document) -> Document:
        scores = self.head_scores(doc)
        doc.labels["genre"] = None
        if scores is not None:
            doc.labels["genre"] = {
                "label": self.head.labels[int(np.argmax(scores))],
                "scores": {g: round(float(s), 4) for g, s in zip(self.head.labels, scores, strict=True)},
            }
        return doc
