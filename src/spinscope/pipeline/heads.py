"""Article-level heads (frames, genre): linear layers on the article vector of the shared encoder pass.

A head folder holds `head.npz` (standardisation mean/scale, weights [hidden, labels], bias [labels]),
`head.json` (labels, kind, thresholds per language, the encoder checkpoint it was fitted on, the blend
weight) and a model card; where a `lexical/` subfolder is shipped (`pipeline.lexical`), the scores are
`blend * encoder head + (1 - blend) * lexical head`. Heads run in numpy: no extra encoder pass, no torch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Document
from ..errors import Warnings
from ..models import model_path
from ..registry import components
from .base import Component
from .encoder import load_encoder
from .lexical import LexicalHead, activate

LEXICAL = "lexical"  # subfolder of a head folder: the blended n-gram head
SHORT_TEXT = 200  # characters; below this an article-level label is a guess


@dataclass
class LinearHead:
    """`kind` "multilabel" (one sigmoid per label, per-label thresholds) or "multiclass" (softmax)."""

    labels: list[str]
    kind: str
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    thresholds: dict[str, list[float]] = field(default_factory=dict)  # language or "default" -> per label
    encoder: dict[str, Any] = field(default_factory=dict)  # checkpoint + step of the encoder it was fitted on
    lexical: LexicalHead | None = None  # n-gram head whose scores are blended in
    blend: float = 1.0  # weight of this head's scores against the lexical head's

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Probabilities for one feature vector [dim] or a matrix of them [n, dim]."""
        return activate(((features - self.mean) / self.scale) @ self.weights + self.bias, self.kind)

    def blended(self, features: np.ndarray, texts: list[str]) -> np.ndarray:
        """Scores of feature rows [n, dim] blended with the lexical head's on their texts (n of them)."""
        own = self.scores(features)
        if self.lexical is None or self.blend >= 1.0:
            return own
        return self.blend * own + (1.0 - self.blend) * self.lexical.scores(texts).reshape(own.shape)

    def thresholds_for(self, language: str | None) -> np.ndarray:
        table = self.thresholds.get(language or "", self.thresholds.get("default", [0.5] * len(self.labels)))
        return np.asarray(table, np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "head.npz", mean=self.mean, scale=self.scale, weights=self.weights, bias=self.bias)
        meta = {"labels": self.labels, "kind": self.kind, "thresholds": self.thresholds, "encoder": self.encoder}
        if self.lexical is not None:
            meta["blend"] = self.blend
            self.lexical.save(folder / LEXICAL)
        (folder / "head.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LinearHead:
        meta = json.loads((folder / "head.json").read_text(encoding="utf-8"))
        lexical = LexicalHead.load(folder / LEXICAL) if "blend" in meta else None
        with np.load(folder / "head.npz") as arrays:
            return cls(
                meta["labels"],
                meta["kind"],
                *(arrays[k] for k in ("mean", "scale", "weights", "bias")),
                thresholds=meta.get("thresholds", {}),
                encoder=meta.get("encoder", {}),
                lexical=lexical,
                blend=meta.get("blend", 1.0),
            )


def encoder_identity(encoder_config: dict[str, Any]) -> dict[str, Any]:
    """What ties a head to the encoder weights it was fitted on."""
    return {"checkpoint": encoder_config.get("checkpoint"), "step": encoder_config.get("step")}


class HeadComponent(Component):
    """Shared loading and checks of frames/genre: heads fitted on another encoder are refused (W007)."""

    requires = ("encoding",)
    default_model = ""

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        folder = model_path(config.get("model", self.default_model))
        self.head: LinearHead | None = None
        self.problem = Warnings.W006(head=self.name)
        if (folder / "head.npz").is_file():
            head = LinearHead.load(folder)
            encoder = load_encoder(settings["components"]["encoder"], self.name)
            if encoder is not None and head.encoder != encoder_identity(encoder.config):
                self.problem = Warnings.W007(head=self.name, fitted=head.encoder, now=encoder_identity(encoder.config))
            else:
                self.head = head

    def head_scores(self, doc: Document) -> np.ndarray | None:
        encoding = doc.cache.get("encoding")
        if self.head is None or encoding is None or encoding.vector is None:
            if encoding is not None:
                doc.warn(self.problem)
            return None
        if len(doc.text) - doc.meta.get("header_end", 0) < SHORT_TEXT:
            doc.warn(Warnings.W005(n=len(doc.text)))
        return self.head.blended(encoding.vector, [doc.text])


@components.register("frames")
class FramesComponent(HeadComponent):
    """All 14 frames with scores, the ones past their threshold flagged `predicted`."""

    name = "frames"
    assigns = ("frames",)
    default_model = "frames"

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
    assigns = ("genre",)
    default_model = "genre"

    def __call__(self, doc: Document) -> Document:
        scores = self.head_scores(doc)
        doc.labels["genre"] = None
        if scores is not None:
            doc.labels["genre"] = {
                "label": self.head.labels[int(np.argmax(scores))],
                "scores": {g: round(float(s), 4) for g, s in zip(self.head.labels, scores, strict=True)},
            }
        return doc
