"""Eval gate: score the shipped models on the fixed validation articles and hold them above pinned floors.

Metric names read `<task>.<measure>.<lang>` (see `eval.validation`); the claims, sourcing, targets and
entities figures are measured on our own test sets (tests/fixtures, examples) and on a sample of the CLEF
debates the claims head was fitted on (a regression pin, `eval.claims`); narratives on the English held-out
documents the shipped head was refitted on (a pin, `eval.narratives`), matching on the test half of our own
matching test set (`eval.matching`), roles on a sample of the entity-framing documents the heads were fitted on
(a pin, `eval.roles`). A validation article the pipeline
rejects fails the gate (E206): a skipped article would silently move every figure.
Floors live in `tests/eval/baseline.json` with the SHA-256 of the data they were measured on; floors only
move up unless a regression is explicitly allowed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import all_analyzed, classify_spans, load_pipeline
from ..config import load_settings
from ..data import Document
from ..runner import process
from .formats import ARTICLE_LABEL_FILES, load_ptc2020, load_semeval2023, resolve_data_root
from .scorers import tc_scores
from .splits import SEMEVAL_LANGS, split_validation
from .validation import article_scores, language_scores, validation_documents

GATE_LANGS = SEMEVAL_LANGS


@dataclass(frozen=True, slots=True)
class Gate:
    """The baseline file: floors, tolerated noise and the data fingerprint they belong to."""

    floors: dict[str, float]
    noise: float
    data_sha256: str

    @classmethod
    def read(cls, path: Path) -> Gate:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["floors"], raw["noise"], raw["data_sha256"])

    def write(self, path: Path) -> None:
        """Atomic replace, so an interrupted update never leaves half a baseline."""
        body = {
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
        return Gate(floors, self.noise, self.data_sha256)


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


def technique_scores(
    data_root: Path | None = None, settings: dict[str, Any] | None = None, langs: Iterable[str] = GATE_LANGS
) -> dict[str, float]:
    """Official-formula scores of the configured models on each language's validation articles: spans,
    paragraphs, frames and genre from one pipeline run."""
    root = resolve_data_root(data_root)
    only = ["segment", "techniques", "paragraph_labels", "frames", "genre"]
    pipeline = load_pipeline(settings or load_settings(env={}), only=only)
    scores: dict[str, float] = {}
    for lang in langs:
        data = load_semeval2023(lang, root)
        docs: list[Document] = []
        all_analyzed(f"{lang} validation", process(validation_documents(root, lang), pipeline, docs.extend))
        scores.update(language_scores(lang, docs, data))
        scores.update(article_scores(lang, docs, data))
    return scores


def ptc_tc_score(data_root: Path | None = None, settings: dict[str, Any] | None = None) -> dict[str, float]:
    """TC micro-F1 in the 14-label PTC scheme on the gold spans of the PTC dev articles."""
    ptc = load_ptc2020("dev", resolve_data_root(data_root))
    docs = [Document(id=aid, text=ptc.text(aid), language="en") for aid in ptc.article_ids]
    pred, stats = classify_spans(docs, [(r.article_id, r.start, r.end) for r in ptc.flc], settings, "ptc14")
    all_analyzed("PTC dev", stats)
    return {"tc.micro_f1.ptc14": round(tc_scores(ptc.flc, pred).micro.f1, 4)}


def sourcing_gate_scores(repo: Path, settings: dict[str, Any]) -> dict[str, float]:
    """Claims, sourcing, targets and entities on what we wrote (`repo`/tests/fixtures, `repo`/examples)."""
    from .claims import example_precision
    from .entities import entity_scores, gold_cases
    from .sourcing import read_cases, sourcing_scores, target_scores

    fixtures = repo / "tests" / "fixtures"
    cases = read_cases(fixtures / "sourcing_cases.toml")
    sourcing = sourcing_scores(cases["case"])["all"]
    every = load_settings(overrides=["components.claims.all=true"], env={})
    scores = {
        "claims.p_at_5.examples": example_precision(fixtures / "claims_examples.toml", repo, every)["mean"],
        "sourcing.kind_accuracy.cases": sourcing["kind_accuracy"],
        "sourcing.speaker_exact.cases": sourcing["speaker_exact"],
        "sourcing.hedge_recall.cases": sourcing["hedge_recall"],
        "targets.accuracy.cases": target_scores(cases["target"], settings)["accuracy"],
    }
    for lang, f1 in entity_scores(gold_cases(fixtures / "ner_cases.toml"), settings).items():
        scores[f"entities.f1.{lang}"] = f1["typed"]
    return scores


def gate_scores(
    data_root: Path | None = None, settings: dict[str, Any] | None = None, repo: Path = Path()
) -> dict[str, float]:
    """Every figure the gate guards, for the configured (by default the shipped) models; `repo` is the
    checkout whose tests/fixtures and examples hold our own test sets."""
    from .claims import clef_sample_map
    from .matching import matching_gate_scores
    from .narratives import narrative_gate_scores
    from .roles import roles_gate_scores

    settings = settings or load_settings(env={})
    root = resolve_data_root(data_root)
    return {
        **technique_scores(root, settings),
        **ptc_tc_score(root, settings),
        "claims.map.clef_sample": clef_sample_map(root)["MAP"],
        **sourcing_gate_scores(repo, settings),
        **narrative_gate_scores(root, settings),
        **matching_gate_scores(root),
        **roles_gate_scores(root, settings),
    }
