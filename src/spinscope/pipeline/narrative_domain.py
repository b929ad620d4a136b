"""What an article is about, for its narratives: the war in Ukraine (URW) or climate change (CC).

The narratives head reads the shared encoder's features, fine-tuned for techniques: they say little about the
subject, so a Russian climate-denial piece could come out with war narratives and an Arabic war piece with
climate ones. The subject is read instead from the pretrained multilingual e5 (`models/retrieval`, the second
model, on the article's first LEAD sentences only): a logistic regression on their mean embedding, fitted on the
SemEval-2025 documents of both domains in five languages by `spinscope train narratives` (`domain.json` in the
narratives folder; leave-one-language-out accuracy in its model card).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..embedder import SentenceEmbedder

LEAD = 3  # first sentences embedded (title and lead say what the article is about)
LEAD_WORDS = 4  # shorter lines (a dateline, "Share") say nothing about it
DOMAINS = ("URW", "CC")
FILE = "domain.json"


def lead(sentences: Sequence[str]) -> list[str]:
    """The first LEAD sentences of at least LEAD_WORDS words (the first sentence when none is that long)."""
    long_enough = [s for s in sentences if len(s.split()) >= LEAD_WORDS]
    return (long_enough or list(sentences[:1]))[:LEAD]


def lead_vector(embedder: SentenceEmbedder, sentences: Sequence[str]) -> np.ndarray:
    """[dim] unit mean embedding of the lead sentences."""
    v = embedder.embed(lead(sentences)).mean(0)
    return v / max(float(np.linalg.norm(v)), 1e-9)


@dataclass
class DomainHead:
    """P(CC) = sigmoid(vector . weights + bias); URW below 0.5."""

    weights: np.ndarray
    bias: float
    meta: dict

    def domain(self, vector: np.ndarray) -> tuple[str, float]:
        """(domain, its probability)."""
        p = float(1.0 / (1.0 + np.exp(-(vector @ self.weights + self.bias))))
        return (DOMAINS[1], p) if p >= 0.5 else (DOMAINS[0], 1.0 - p)

    def save(self, folder: Path) -> None:
        body = {**self.meta, "weights": [round(float(w), 6) for w in self.weights], "bias": float(self.bias)}
        (folder / FILE).write_text(json.dumps(body, indent=1), encoding="utf-8")

    @staticmethod
    def load(folder: Path) -> DomainHead | None:
        path = folder / FILE
        if not path.is_file():
            return None
        body = json.loads(path.read_text(encoding="utf-8"))
        weights = np.asarray(body.pop("weights"), np.float32)
        return DomainHead(weights, float(body.pop("bias")), body)
