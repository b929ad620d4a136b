"""Linear heads on pooled encoder features, run in numpy: no extra encoder pass, no torch.

A head folder holds `head.npz` (standardisation mean/scale, weights [hidden, labels], bias [labels]),
`head.json` (labels, kind, thresholds per language, the encoder checkpoint it was fitted on, the blend
weight) and a model card; where a `lexical/` subfolder is shipped (`pipeline.lexical`), the scores are
`blend * encoder head + (1 - blend) * lexical head`. The frames and genre components, the paragraph head
and the span heads are all LinearHeads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .lexical import LexicalHead, activate

LEXICAL = "lexical"  # subfolder of a head folder: the blended n-gram head
CENTRE = "centre_"  # head.npz arrays `centre_<language>`: the mean features subtracted for that language


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
    lexical_languages: list[str] | None = None  # the languages the lexical head was fitted on (None: all)
    centres: dict[str, np.ndarray] = field(default_factory=dict)  # language (or "default") -> mean features

    def scores(self, features: np.ndarray, language: str | None = None) -> np.ndarray:
        """Probabilities for one feature vector [dim] or a matrix of them [n, dim]. A head with `centres`
        first subtracts the mean features of the text's language (its "default" for another), so what tells
        languages apart in the encoder's states does not pass for what tells labels apart."""
        if self.centres:
            features = features - self.centres.get(language or "", self.centres["default"])
        return activate(((features - self.mean) / self.scale) @ self.weights + self.bias, self.kind)

    def blended(self, features: np.ndarray, texts: list[str], language: str | None = None) -> np.ndarray:
        """Scores of feature rows [n, dim] blended with the lexical head's on their texts (n of them); this
        head's alone for a `language` outside `lexical_languages`."""
        own = self.scores(features, language)
        if self.lexical is None or self.blend >= 1.0:
            return own
        if self.lexical_languages is not None and language not in self.lexical_languages:
            return own
        return self.blend * own + (1.0 - self.blend) * self.lexical.scores(texts).reshape(own.shape)

    def thresholds_for(self, language: str | None) -> np.ndarray:
        table = self.thresholds.get(language or "", self.thresholds.get("default", [0.5] * len(self.labels)))
        return np.asarray(table, np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        centres = {f"{CENTRE}{lang}": vector for lang, vector in self.centres.items()}
        arrays = {"mean": self.mean, "scale": self.scale, "weights": self.weights, "bias": self.bias}
        np.savez(folder / "head.npz", **arrays, **centres)
        meta = {"labels": self.labels, "kind": self.kind, "thresholds": self.thresholds, "encoder": self.encoder}
        if self.lexical is not None:
            meta["blend"] = self.blend
            if self.lexical_languages is not None:
                meta["lexical_languages"] = self.lexical_languages
            self.lexical.save(folder / LEXICAL)
        (folder / "head.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LinearHead:
        meta = json.loads((folder / "head.json").read_text(encoding="utf-8"))
        lexical = LexicalHead.load(folder / LEXICAL) if "blend" in meta else None
        with np.load(folder / "head.npz") as arrays:
            centres = {k[len(CENTRE) :]: arrays[k] for k in arrays.files if k.startswith(CENTRE)}
            return cls(
                meta["labels"],
                meta["kind"],
                *(arrays[k] for k in ("mean", "scale", "weights", "bias")),
                thresholds=meta.get("thresholds", {}),
                encoder=meta.get("encoder", {}),
                lexical=lexical,
                blend=meta.get("blend", 1.0),
                lexical_languages=meta.get("lexical_languages"),
                centres=centres,
            )


def encoder_identity(encoder_config: dict[str, Any]) -> dict[str, Any]:
    """What ties a head to the encoder weights it was fitted on."""
    return {"checkpoint": encoder_config.get("checkpoint"), "step": encoder_config.get("step")}


def fitted_head(folder: Path, encoder: Any, name: str) -> tuple[LinearHead | None, str]:
    """(the head in `folder`, None where it is not shipped or was fitted on another encoder than `encoder`,
    the one loaded EncoderModel or None) and the warning a document gets when it is None (W006, W007)."""
    from ..errors import Warnings

    if not (folder / "head.npz").is_file():
        return None, Warnings.W006(head=name)
    head = LinearHead.load(folder)
    if encoder is not None and head.encoder != encoder_identity(encoder.config):
        return None, Warnings.W007(head=name, fitted=head.encoder, now=encoder_identity(encoder.config))
    return head, Warnings.W006(head=name)
