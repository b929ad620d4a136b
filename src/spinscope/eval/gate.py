"""Eval gate: score the shipped models on the fixed validation articles and hold them above pinned floors.

Metric names read `<task>.<measure>.<lang>` (e.g. `techniques.si_f1.en`, `paragraphs.micro_f1.fr`,
`frames.micro_f1.it`, `genre.macro_f1.ru`).
Floors live in `tests/eval/baseline.json` with the SHA-256 of the data they were measured on; floors only
move up unless a regression is explicitly allowed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import classify_spans, load_pipeline
from ..config import load_settings
from ..data import Document
from .formats import (
    ARTICLE_LABEL_FILES,
    SemEvalLanguage,
    load_ptc2020,
    load_semeval2023,
    read_article_labels,
    resolve_data_root,
)
from .scorers import document_scores, paragraph_scores, si_scores, span_scores, tc_scores
from .splits import SEMEVAL_LANGS, split_validation

GATE_LANGS = SEMEVAL_LANGS


@dataclass(frozen=True, slots=True)
class Gate:
    """The baseline file: floors, tolerated noise and the data fingerprint they belong to."""

    floors: dict[str, float]
    noise: float
    data_sha256: str
    seed: int

    @classmethod
    def read(cls, path: Path) -> Gate:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["floors"], raw["noise"], raw["data_sha256"], raw["seed"])

    def write(self, path: Path) -> None:
        """Atomic replace, so an interrupted update never leaves half a baseline."""
        body = {
            "seed": self.seed,
            "noise": self.noise,
            "data_sha256": self.data_sha256,
            "floors": self.floors,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)

    def failures(self, scores: dict[str, float]) -> list[str]:
        return [
            f"{name}: {scores.get(name, float('nan')):.4f} fell below its floor {floor:.4f}"
            for name, floor in sorted(self.floors.items())
            if not scores.get(name, -1.0) >= floor - self.noise
        ]

    def raised(self, scores: dict[str, float], allow_regression: bool = False) -> Gate:
        """New floors = the measured scores (never lower than before unless allow_regression)."""
        floors = {
            name: round(value if allow_regression else max(value, self.floors.get(name, 0.0)), 4)
            for name, value in scores.items()
        }
        return Gate(floors, self.noise, self.data_sha256, self.seed)


def data_fingerprint(data_root: Path, langs: Iterable[str] = GATE_LANGS) -> str:
    """SHA-256 over the validation articles and gold files, so changed data asks for a re-pin."""
    digest = hashlib.sha256()
    for lang in langs:
        folder = data_root / "semeval2023-task3" / lang
        _, val_ids = split_validation(data_root, lang)
        for name in ARTICLE_LABEL_FILES.values():
            digest.update((folder / name).read_bytes())
        for aid in val_ids:
            for path in (
                folder / "train-articles-subtask-3" / f"article{aid}.txt",
                folder / "train-labels-subtask-3-spans" / f"article{aid}-labels-subtask-3.txt",
            ):
                digest.update(path.name.encode())
                digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def validation_documents(data_root: Path, lang: str) -> list[Document]:
    """The held-out articles of one language, read verbatim, with the language known from the dataset."""
    data = load_semeval2023(lang, data_root)
    _, val_ids = split_validation(data_root, lang)
    return [Document(id=aid, text=data.text(aid), source=str(data.articles[aid]), language=data.iso) for aid in val_ids]


def language_scores(lang: str, docs: Sequence[Document], data: SemEvalLanguage) -> dict[str, float]:
    """SI F1, technique-aware span F1 and paragraph micro-F1 of annotated documents of one language."""
    ids = {d.id for d in docs}
    gold_spans = [s for s in data.spans if s.article_id in ids]
    gold_rows = [(p.article_id, p.line, p.labels) for p in data.paragraphs if p.article_id in ids]
    pred_spans = [(d.id, s.label, s.start, s.end) for d in docs for s in d.layer("techniques")]
    pred_rows = [(d.id, p.attrs["line"], p.attrs["techniques"]) for d in docs for p in d.layer("paragraphs")]
    return {
        f"techniques.si_f1.{lang}": round(si_scores(gold_spans, pred_spans).f1, 4),
        f"techniques.span_f1.{lang}": round(span_scores(gold_spans, pred_spans).micro.f1, 4),
        f"paragraphs.micro_f1.{lang}": round(paragraph_scores(gold_rows, pred_rows).micro.f1, 4),
    }


def article_scores(lang: str, docs: Sequence[Document], data: SemEvalLanguage) -> dict[str, float]:
    """Frames micro-F1 and genre macro-F1 of annotated documents (the official subtask 2 / 1 measures, with
    zero_division=1 as in the official scorers); a task whose head gave no output is left out (so a guarded
    figure then fails the gate)."""
    from ..labels import FRAMES, GENRES

    predicted = {
        "frames": {d.id: [f["frame"] for f in d.labels.get("frames", []) if f["predicted"]] for d in docs},
        "genre": {d.id: [d.labels["genre"]["label"]] for d in docs if d.labels.get("genre")},
    }
    produced = {"frames": any(d.labels.get("frames") for d in docs), "genre": bool(predicted["genre"])}
    scores = {}
    for task, names, measure in (("frames", FRAMES, "micro_f1"), ("genre", GENRES, "macro_f1")):
        gold = {aid: labels for aid, labels in read_article_labels(data, task).items() if aid in predicted[task]}
        if produced[task] and gold:
            res = document_scores(gold, {aid: predicted[task][aid] for aid in gold}, list(names))
            scores[f"{task}.{measure}.{lang}"] = round(res.micro.f1 if measure == "micro_f1" else res.macro_f1, 4)
    return scores


def technique_scores(
    data_root: Path | None = None, settings: dict[str, Any] | None = None, langs: Iterable[str] = GATE_LANGS
) -> dict[str, float]:
    """Official-formula scores of the configured models on each language's validation articles: spans,
    paragraphs, frames and genre from one pipeline run."""
    root = resolve_data_root(data_root)
    only = ["segment", "techniques", "paragraphs", "frames", "genre"]
    pipeline = load_pipeline(settings or load_settings(env={}), only=only)
    scores: dict[str, float] = {}
    for lang in langs:
        data = load_semeval2023(lang, root)
        docs = list(pipeline.pipe(validation_documents(root, lang)))
        scores.update(language_scores(lang, docs, data))
        scores.update(article_scores(lang, docs, data))
    return scores


def ptc_tc_score(data_root: Path | None = None, settings: dict[str, Any] | None = None) -> dict[str, float]:
    """TC micro-F1 in the 14-label PTC scheme on the gold spans of the PTC dev articles."""
    ptc = load_ptc2020("dev", resolve_data_root(data_root))
    docs = [Document(id=aid, text=ptc.text(aid), language="en") for aid in ptc.article_ids]
    pred = classify_spans(docs, [(r.article_id, r.start, r.end) for r in ptc.flc], settings, "ptc14")
    return {"tc.micro_f1.ptc14": round(tc_scores(ptc.flc, pred).micro.f1, 4)}


def gate_scores(data_root: Path | None = None, settings: dict[str, Any] | None = None) -> dict[str, float]:
    """Every figure the gate guards, for the configured (by default the shipped) models."""
    settings = settings or load_settings(env={})
    return {**technique_scores(data_root, settings), **ptc_tc_score(data_root, settings)}
