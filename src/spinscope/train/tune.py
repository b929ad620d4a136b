"""Per-technique, per-language decision thresholds tuned on the validation split, then the official scores.

Torch-free: it runs the exported ONNX model. For every language and technique the threshold on a grid that
maximises that technique's F1 is kept (objective `span`: technique-aware span F1 with the official partial
overlap credit; `paragraph`: paragraph-level F1). A language with fewer than MIN_GOLD gold spans of a
technique falls back to the threshold tuned on all languages pooled ("default"), which also serves
languages without training data. A technique that never reaches F1 > 0 anywhere is switched off (1.01).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..data import Document
from ..eval.formats import SemEvalLanguage, load_semeval2023, resolve_data_root
from ..eval.gate import GATE_LANGS, language_scores, validation_documents
from ..eval.scorers import span_scores
from ..pipeline.paragraphs import ParagraphLabelsComponent
from ..pipeline.segment import SegmentComponent
from ..pipeline.tagger import THRESHOLDS_FILE, TokenTagger, decode_spans

logger = logging.getLogger(__name__)

GRID = tuple(round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05))
MIN_GOLD = 15
OFF = 1.01


@dataclass
class LanguageRun:
    """Validation documents of one language with their token probabilities and gold."""

    lang: str
    iso: str
    docs: list[Document]
    probs: list[tuple[np.ndarray, np.ndarray]]
    data: SemEvalLanguage

    @property
    def ids(self) -> set[str]:
        return {d.id for d in self.docs}


def _spans_for(run: LanguageRun, k: int, label: str, threshold: float, tagger: TokenTagger) -> list[tuple]:
    out = []
    for doc, (offsets, probs) in zip(run.docs, run.probs, strict=True):
        for _, start, end, _ in decode_spans(
            doc.text,
            offsets,
            probs[:, k : k + 1],
            np.array([threshold], np.float32),
            [label],
            tagger.decoding,
        ):
            out.append((f"{run.lang}/{doc.id}", label, start, end))
    return out


def _paragraph_f1(run_spans: list[tuple], runs: Sequence[LanguageRun], label: str) -> float:
    gold, pred = set(), set()
    for run in runs:
        ids = run.ids
        gold.update(
            (f"{run.lang}/{p.article_id}", p.line)
            for p in run.data.paragraphs
            if label in p.labels and p.article_id in ids
        )
    lines = {f"{r.lang}/{d.id}": d.layer("paragraphs") for r in runs for d in r.docs}
    for aid, _, start, end in run_spans:
        pred.update((aid, p.attrs["line"]) for p in lines[aid] if p.start < end and p.end > start)
    tp = len(gold & pred)
    return 2 * tp / (len(gold) + len(pred)) if gold or pred else 0.0


def _best_threshold(
    runs: Sequence[LanguageRun], k: int, label: str, tagger: TokenTagger, objective: str
) -> tuple[float, float]:
    gold = [
        (f"{r.lang}/{s.article_id}", s.technique, s.start, s.end)
        for r in runs
        for ids in [r.ids]
        for s in r.data.spans
        if s.technique == label and s.article_id in ids
    ]
    best = (0.0, OFF)
    for t in GRID:
        pred = [s for r in runs for s in _spans_for(r, k, label, t, tagger)]
        if objective == "span":
            f1 = span_scores(gold, pred, labels=[label]).micro.f1 if gold else 0.0
        else:
            f1 = _paragraph_f1(pred, runs, label)
        best = max(best, (f1, t))
    return best[1], best[0]


def tune_thresholds(
    tagger: TokenTagger, runs: Sequence[LanguageRun], objective: str = "span"
) -> dict[str, dict[str, float]]:
    """{"default": {technique: t}, "<iso>": {...}} maximising per-technique F1 on the validation split."""
    tables: dict[str, dict[str, float]] = {"default": {}}
    for k, label in enumerate(tagger.labels):
        t, f1 = _best_threshold(runs, k, label, tagger, objective)
        tables["default"][label] = t
        logger.info("%-35s pooled t=%.2f f1=%.3f", label, t, f1)
    for run in runs:
        table = tables.setdefault(run.iso, {})
        for k, label in enumerate(tagger.labels):
            n_gold = sum(1 for s in run.data.spans if s.technique == label and s.article_id in {d.id for d in run.docs})
            if n_gold >= MIN_GOLD:
                t, f1 = _best_threshold([run], k, label, tagger, objective)
                table[label] = t if f1 > 0 else tables["default"][label]
            else:
                table[label] = tables["default"][label]
    return tables


def load_runs(tagger: TokenTagger, data_root: Path, langs: Sequence[str] = GATE_LANGS) -> list[LanguageRun]:
    """Token probabilities of every validation article (the expensive part, done once)."""
    runs = []
    segment = SegmentComponent({}, {})
    for lang in langs:
        data = load_semeval2023(lang, data_root)
        docs = [segment(d) for d in validation_documents(data_root, lang)]
        probs = tagger.token_probs([d.text for d in docs])
        runs.append(LanguageRun(lang, data.iso, docs, probs, data))
        logger.info("%s: %d validation articles scored", lang, len(docs))
    return runs


def evaluate_runs(tagger: TokenTagger, runs: Sequence[LanguageRun]) -> dict[str, float]:
    """Official scores per language with the tagger's current thresholds."""
    paragraphs = ParagraphLabelsComponent({}, {})
    scores: dict[str, float] = {}
    for run in runs:
        for doc, (offsets, probs) in zip(run.docs, run.probs, strict=True):
            tagger.annotate(doc, offsets, probs)
            paragraphs(doc)
        scores.update(language_scores(run.lang, run.docs, run.data))
    return scores


def tune_model(model_dir: Path, data_root: Path | None = None, objectives: Sequence[str] = ("span", "paragraph")):
    """Tune with each objective, keep the thresholds with the best mean SI F1 + paragraph micro-F1,
    write thresholds.json and metrics.json into the model folder, and return the metrics."""
    root = resolve_data_root(data_root)
    tagger = TokenTagger.load(model_dir, {})
    runs = load_runs(tagger, root)
    results = {}
    for objective in objectives:
        tables = tune_thresholds(tagger, runs, objective)
        tagger.set_thresholds(tables)
        scores = evaluate_runs(tagger, runs)
        key = np.mean([v for k, v in scores.items() if k.startswith(("techniques.si_f1", "paragraphs.micro_f1"))])
        results[objective] = (float(key), tables, scores)
        logger.info("objective %s: mean %.4f %s", objective, key, scores)
    objective, (_, tables, scores) = max(results.items(), key=lambda item: item[1][0])
    (model_dir / THRESHOLDS_FILE).write_text(json.dumps(tables, indent=1, sort_keys=True), encoding="utf-8")
    metrics = {
        "objective": objective,
        "scores": scores,
        "compared": {o: r[2] for o, r in results.items()},
    }
    (model_dir / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    return metrics
