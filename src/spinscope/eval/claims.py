"""Check-worthiness figures of the shipped claims head: precision of the top sentences of our own example
articles (hand labels in tests/fixtures/claims_examples.toml) and MAP over a fixed sample of CLEF 2020
debates, which the head was fitted on: a regression pin, not a quality figure (the quality figures are
the leave-debates-out ones of `spinscope train claims`, in the model card)."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..api import analyze_all, load_pipeline
from ..config import load_settings
from ..data import Document
from ..readers import Content
from ..readers.txt import read_text

TOP = 10  # P@10
GATE_DEBATES = 5  # every tenth debate, sorted by name
TOP_K = 5


@dataclass(frozen=True)
class Debate:
    name: str
    speakers: list[str]
    sentences: list[str]
    labels: np.ndarray  # [n] 0/1

    def text_and_bounds(self) -> tuple[str, list[tuple[int, int]]]:
        """The debate as one text (a line per sentence) and each sentence's character bounds in it."""
        bounds, at = [], 0
        for s in self.sentences:
            bounds.append((at, at + len(s)))
            at += len(s) + 1
        return "\n".join(self.sentences), bounds


def read_debates(root: Path) -> list[Debate]:
    out = []
    for path in sorted((root / "checkworthiness-clef2020" / "training").glob("*.tsv")):
        speakers, sentences, labels = [], [], []
        for row in csv.reader(path.open(encoding="utf-8", newline=""), delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 4 and row[2].strip():
                speakers.append(row[1])
                sentences.append(" ".join(row[2].split()))
                labels.append(int(row[3]))
        out.append(Debate(path.stem, speakers, sentences, np.array(labels, np.int8)))
    return out


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    """AP of one ranking (ties broken by position, as the official scorer's stable sort does)."""
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] == 1
    if not hits.any():
        return 0.0
    ranks = np.flatnonzero(hits) + 1
    return float(np.mean(np.arange(1, len(ranks) + 1) / ranks))


def ranking_scores(debates: list[Debate], scores: list[np.ndarray]) -> dict[str, float]:
    """MAP and mean P@10 over debates with at least one check-worthy line."""
    aps, p10 = [], []
    for debate, s in zip(debates, scores, strict=True):
        if debate.labels.any():
            aps.append(average_precision(s, debate.labels))
            p10.append(float(debate.labels[np.argsort(-s, kind="stable")[:TOP]].mean()))
    return {"MAP": round(float(np.mean(aps)), 4), "P@10": round(float(np.mean(p10)), 4)}


def _scored(settings: dict[str, Any]):
    return load_pipeline(settings, only=["claims"])


def example_precision(cases: Path, repo: Path, settings: dict[str, Any] | None = None, k: int = TOP_K) -> dict:
    """Per example file and on average: the share of check-worthy sentences among the k best-scored."""
    settings = load_settings(overrides=["components.claims.all=true"], env={}) if settings is None else settings
    pipeline = _scored(settings)
    out: dict[str, float] = {}
    for example in tomllib.loads(cases.read_text(encoding="utf-8"))["example"]:
        path = repo / example["file"]
        article = read_text(Content.of_path(path), doc_id=path.stem, settings=settings)
        (doc,) = analyze_all([article], pipeline, example["file"])
        ranked = sorted(doc.layer("claims"), key=lambda c: -c.score)[:k]
        hits = sum(any(c.text.startswith(p) for p in example["checkworthy"]) for c in ranked)
        out[example["file"]] = round(hits / k, 4)
    out["mean"] = round(float(np.mean(list(out.values()))), 4)
    return out


def clef_sample_map(data_root: Path, settings: dict[str, Any] | None = None) -> dict[str, float]:
    """MAP and P@10 of the shipped head on every tenth CLEF debate, each encoded as one text (as in training)."""
    settings = load_settings(overrides=["components.claims.all=true"], env={}) if settings is None else settings
    pipeline = _scored(settings)
    debates = read_debates(data_root)[::10][:GATE_DEBATES]
    scores = []
    for debate in debates:
        text, bounds = debate.text_and_bounds()
        doc = Document(debate.name, text, language="en")
        claims = pipeline.step("claims")
        pipeline.step("encoder")(doc)
        lines = [doc.make_span(a, b, "sentence") for a, b in bounds]
        scores.append(claims.scores(doc, lines))
    return ranking_scores(debates, scores)
