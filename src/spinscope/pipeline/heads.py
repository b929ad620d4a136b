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
from ..writers import html, terminal
from .base import Component, Field
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


def frame_rows(record: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """(frame, score, predicted) by descending score (the order a bar chart reads best in)."""
    frames = sorted(record["frames"], key=lambda f: (-float(f["score"]), str(f["frame"])))
    return [(f["frame"], float(f["score"]), bool(f["predicted"])) for f in frames]


def genre_rows(record: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """(genre, score, chosen) rows; a genre result without scores still shows its label at full bar."""
    genre = record["genre"]
    if not genre:
        return []
    scores = genre.get("scores") or {genre["label"]: 1.0}
    rows = sorted(scores.items(), key=lambda kv: (-float(kv[1]), kv[0]))
    return [(name, float(score), name == genre["label"]) for name, score in rows]


def bars_field(
    label: str,
    title: str,
    rows: Callable[[Mapping[str, Any]], list[tuple[str, float, bool]]],
    schema: Mapping[str, Any],
    empty: Callable[[], Any],
) -> Field:
    """The record field of a document label shown as bars (`rows` of the record) in the reports; `empty()`
    is its value when the component did not run."""
    return Field(
        label,
        lambda doc: doc.labels.get(label, empty()),
        schema,
        terminal=lambda record, view: terminal.bars(f"{title} (✓ = predicted)", rows(record), view),
        html=lambda record: html.bars(title, rows(record)),
        title=title,
    )


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
    fields = (bars_field("frames", "Frames", frame_rows, FRAMES_SCHEMA, list),)

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
    fields = (bars_field("genre", "Genre", genre_rows, GENRE_SCHEMA, lambda: None),)

    def __call__(self, doc: Document) -> Document:
        scores = self.head_scores(doc)
        doc.labels["genre"] = None
        if scores is not None:
            doc.labels["genre"] = {
                "label": self.head.labels[int(np.argmax(scores))],
                "scores": {g: round(float(s), 4) for g, s in zip(self.head.labels, scores, strict=True)},
            }
        return doc
