"""Roles of actors: how an article casts each one (SemEval-2025 Task 10 entity framing).

Every mention gets a main role (Protagonist, Antagonist, Innocent) and fine roles (the 22 archetypes of
`labels.ROLES`: Guardian, ..., Tyrant, Deceiver, ..., Victim, Scapegoat) from two linear heads on the one encoder
pass, reading the mean states of the mention and of its sentence in a middle layer of the encoder
(`mention_features`; the encoder exports that layer as `middle`). A lexical head on the
mention and its sentence is blended in for the languages it was fitted on. An actor's roles are its mentions'
scores averaged: the main role with the highest mean, the fine roles of that main role down to FINE_SHARE of
the best one, and as evidence the sentences of the mentions that cast it so most strongly. `spinscope
classify-roles` runs the same heads on given mentions (the official task).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Document
from ..errors import Warnings
from ..labels import ROLES
from ..models import model_path
from ..registry import components
from .base import Component
from .encoder import ENCODING, Encoding, encoding_of, lacks_middle
from .linear_head import LinearHead, fitted_head
from .names import names_sea
from .plain_report import plain_report
from .pooling import middle_means

MAINS = tuple(ROLES)
FINES = tuple(f for main in MAINS for f in ROLES[main])
EVIDENCE = 3  # sentences shown per actor
CONTEXT = 200  # characters either side of a mention outside any sentence
MENTIONS_PER_ACTOR = 6  # an actor's first mentions that are scored (their mean casts it; more change little)
CLEAR = 0.6  # the reports call an actor's casting unclear below this main-role score
GROUPS = np.array([[f in ROLES[m] for m in MAINS] for f in FINES], np.float32)  # [fines, mains]: a fine role's main
FINE_SHARE = 0.5  # an actor's fine roles (the report): those of its main role scoring this share of the best


@dataclass(frozen=True)
class MentionRoles:
    """Scores of one mention: main roles [3] and fine roles [22], in `MAINS` / `FINES` order."""

    main: np.ndarray
    fine: np.ndarray

    @property
    def main_role(self) -> str:
        return MAINS[int(np.argmax(self.main))]

    def fine_roles(self, share: float = 1.0) -> list[tuple[str, float]]:
        """The fine roles of the main role, best first, down to `share` of the best score (at least one)."""
        return ranked_fines(self.main_role, self.fine, share)


def ranked_fines(main: str, fine: np.ndarray, share: float) -> list[tuple[str, float]]:
    scores = sorted(((f, float(fine[FINES.index(f)])) for f in ROLES[main]), key=lambda kv: -kv[1])
    return [(f, s) for k, (f, s) in enumerate(scores) if k == 0 or s >= share * scores[0][1]]


def joined(main: np.ndarray, fine: np.ndarray, weight: float) -> np.ndarray:
    """[n, mains] main-role scores that hear the fine head too: `weight` of the main head's scores and the rest
    of the fine head's, summed over each main role's fine roles (the two heads disagree on hard mentions)."""
    if weight >= 1.0:
        return main
    grouped = fine @ GROUPS
    return weight * main + (1.0 - weight) * grouped / np.maximum(grouped.sum(1, keepdims=True), 1e-9)


def sentence_bounds(text: str, sentences: Sequence[tuple[int, int]], start: int) -> tuple[int, int]:
    """The sentence holding character `start`, else CONTEXT characters either side."""
    found = next(((a, b) for a, b in sentences if a <= start < b), None)
    return found or (max(0, start - CONTEXT), min(len(text), start + CONTEXT))


FEATURES = "middle-means"  # what `mention_features` computes (training caches features under this name)


def mention_features(
    text: str, encoding: Encoding, sentences: Sequence[tuple[int, int]], mentions: Sequence[tuple[int, int]]
) -> np.ndarray:
    """[len(mentions), 2 * hidden]: the mean middle-layer states of the mention [start, end) and of its sentence.
    (The last layer, several layers, and the sentences where the mention recurs were tried as well: no better
    in cross-validation, see the model card.)"""
    bounds = [b for start, end in mentions for b in ((start, end), sentence_bounds(text, sentences, start))]
    return middle_means(encoding, bounds).reshape(len(mentions), -1)


def lexical_text(text: str, sentences: Sequence[tuple[int, int]], start: int, end: int) -> str:
    """What the lexical head reads: the mention and its sentence."""
    a, b = sentence_bounds(text, sentences, start)
    return f"{text[start:end]} || {text[a:b]}"


@dataclass
class RolesHead:
    """The main-role head (multiclass over MAINS) and the fine-role head (multiclass over FINES); `share`: a
    mention's fine roles are those of its main role scoring this share of the best; `main_weight`: the main
    head's weight in the main-role scores (`joined`; both chosen in training)."""

    main: LinearHead
    fine: LinearHead
    share: float = 1.0
    main_weight: float = 1.0

    def __call__(
        self, doc: Document, mentions: Sequence[tuple[int, int]], sentences: Sequence[tuple[int, int]]
    ) -> list[MentionRoles]:
        encoding = encoding_of(doc)
        if not mentions or encoding is None:
            return []
        features = mention_features(doc.text, encoding, sentences, mentions)
        texts = [lexical_text(doc.text, sentences, a, b) for a, b in mentions]
        fine = self.fine.blended(features, texts, doc.language)
        main = joined(self.main.blended(features, texts, doc.language), fine, self.main_weight)
        return [MentionRoles(m, f) for m, f in zip(main, fine, strict=True)]


def load_roles_head(folder: Path, encoder: Any) -> tuple[RolesHead | None, str]:
    """The two heads in `folder`/main and `folder`/fine (None with the warning when either is missing, was
    fitted on another encoder, or the encoder exports no middle layer)."""
    main, problem = fitted_head(folder / "main", encoder, "roles main")
    fine, fine_problem = fitted_head(folder / "fine", encoder, "roles fine")
    if main is None or fine is None:
        return None, problem if main is None else fine_problem
    if (missing := lacks_middle(encoder, "roles")) is not None:
        return None, missing
    metrics = folder / "metrics.json"
    chosen = json.loads(metrics.read_text(encoding="utf-8")).get("chosen", {}) if metrics.is_file() else {}
    share, weight = float(chosen.get("fine_share", 1.0)), float(chosen.get("main_weight", 1.0))
    return RolesHead(main, fine, share, weight), problem


@components.register("roles")
class RolesComponent(Component):
    """Adds the `roles` layer: one span per actor mention, labelled with its main role; attrs `actor`,
    `main` (score per main role) and `fine` (score per fine role). The actor panel (`entities`) reads it. A plain
    report (the genre head's `reporting` probability at least `reporting`, under `report_density` stretches of
    shown technique spans per 1,000 characters) casts nobody: the heads know no "no role" (SemEval annotates only
    the actors an article frames), and would cast the people of a wire report as heroes or villains. Nor is a sea
    cast ("Black Sea" had been an Antagonist of a propaganda piece): it acts in no story."""

    name = "roles"
    reads = ("spans.entities", "spans.sentences", ENCODING)
    uses = ("labels.genre", "spans.techniques")
    writes = ("spans.roles",)

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.folder = model_path(config["model"])
        self.reporting = float(config["reporting"])
        self.report_density = float(config["report_density"])
        self.head: RolesHead | None = None
        self.problem = Warnings.W006(head="roles")

    def setup(self, upstream: Mapping[str, Component]) -> None:
        self.head, self.problem = load_roles_head(self.folder, upstream[ENCODING].model)

    def classify(self, doc: Document, mentions: Sequence[tuple[int, int]]) -> list[MentionRoles]:
        """Roles of given [start, end) mentions of an analysed document (none without the heads: a warning)."""
        if self.head is None:
            if mentions:
                doc.warn(self.problem)
            return []
        return self.head(doc, mentions, [(s.start, s.end) for s in doc.layer("sentences")])

    def __call__(self, doc: Document) -> Document:
        seen: dict[str, int] = {}
        mentions = [
            m
            for m in doc.layer("entities")
            if _counted(seen, m.attrs["actor"]) <= MENTIONS_PER_ACTOR and not names_sea(m.attrs["actor"], doc.language)
        ]
        if mentions and (reporting := plain_report(doc, self.reporting, self.report_density)) is not None:
            doc.warn(Warnings.W012(reporting=reporting))
            mentions = []
        scored = self.classify(doc, [(m.start, m.end) for m in mentions])
        doc.spans["roles"] = [
            doc.make_span(
                m.start,
                m.end,
                r.main_role,
                source=self.name,
                actor=m.attrs["actor"],
                main=[round(float(s), 4) for s in r.main],
                fine=[round(float(s), 4) for s in r.fine],
            )
            for m, r in zip(mentions, scored, strict=False)  # none scored without the heads
        ]
        return doc


def _counted(seen: dict[str, int], key: str) -> int:
    seen[key] = seen.get(key, 0) + 1
    return seen[key]


def actor_roles(doc: Document, name: str, share: float = FINE_SHARE) -> dict[str, Any] | None:
    """The roles record of one actor from its mentions' spans in the `roles` layer (None without any)."""
    spans = [s for s in doc.layer("roles") if s.attrs["actor"] == name]
    if not spans:
        return None
    main = np.mean([s.attrs["main"] for s in spans], axis=0)
    fine = np.mean([s.attrs["fine"] for s in spans], axis=0)
    role = MAINS[int(np.argmax(main))]
    k = MAINS.index(role)
    strongest = sorted(spans, key=lambda s: -s.attrs["main"][k])
    sentences = [(s.start, s.end) for s in doc.layer("sentences")]
    evidence: list[tuple[int, int]] = []
    for span in strongest:
        bounds = sentence_bounds(doc.text, sentences, span.start)
        if bounds not in evidence and len(evidence) < EVIDENCE:
            evidence.append(bounds)
    return {
        "main": role,
        "scores": {m: round(float(s), 4) for m, s in zip(MAINS, main, strict=True)},
        "fine": [{"role": f, "score": round(s, 4)} for f, s in ranked_fines(role, fine, share)],
        "evidence": [{"start": a, "end": b, "text": doc.text[a:b]} for a, b in sorted(evidence)],
    }


ROLES_SCHEMA = {
    "oneOf": [
        {"type": "null"},
        {
            "type": "object",
            "description": "How the article casts the actor (SemEval-2025 entity framing), from its mentions.",
            "additionalProperties": False,
            "required": ["main", "scores", "fine", "evidence"],
            "properties": {
                "main": {"enum": list(MAINS)},
                "scores": {"type": "object", "additionalProperties": {"type": "number"}},
                "fine": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["role", "score"],
                        "properties": {"role": {"enum": list(FINES)}, "score": {"type": "number"}},
                    },
                },
                "evidence": {"type": "array", "items": {"$ref": "#/$defs/textSpan"}},
            },
        },
    ]
}
