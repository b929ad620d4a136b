"""Named-entity figures on hand-written gold sentences (tests/fixtures/ner_cases.toml): mention F1 with
exact span and type, per language, of the configured recognisers (aliases left out: they are data)."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..api import analyze_all
from ..data import Document


def gold_cases(path: Path) -> list[dict[str, Any]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["case"]


def gold_mentions(case: dict[str, Any]) -> set[tuple[int, int, str]]:
    text = case["text"]
    return {(text.index(s), text.index(s) + len(s), t) for s, t in case["entities"]}


def mention_prf(gold: Sequence[set], pred: Sequence[set]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of predicted mentions against gold ones (sets per text)."""
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    n_gold, n_pred = sum(map(len, gold)), sum(map(len, pred))
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * tp / (n_gold + n_pred) if tp else 0.0
    return round(precision, 4), round(recall, 4), round(f1, 4)


def mention_f1(gold: Sequence[set], pred: Sequence[set]) -> float:
    return mention_prf(gold, pred)[2]


def recognised(pipeline: Any, case: dict[str, Any]) -> set[tuple[int, int, str]]:
    """The pipeline's (start, end, type) mentions of one case."""
    (doc,) = analyze_all([Document("case", case["text"], language=case["lang"])], pipeline, "entity case")
    return {(m.start, m.end, m.label) for m in doc.layer("entities")}  # labels are the component's types


def _untyped(mentions: set[tuple[int, int, str]]) -> set[tuple[int, int]]:
    return {(a, b) for a, b, _ in mentions}


def entity_scores(cases: list[dict[str, Any]], settings: dict[str, Any], langs: Sequence[str] | None = None) -> dict:
    """Per language, mention F1 of the entities component as configured in `settings` (aliases left out):
    `typed` (span and type exact; MISC never matches) and `spans` (the span alone), with the precision and
    recall of each (`typed_p`, `typed_r`, `spans_p`, `spans_r`)."""
    from ..pipeline import Pipeline

    pipeline = Pipeline.from_settings(settings, only=["entities"])
    pipeline.step("entities").aliases = ()  # the recogniser alone
    out = {}
    for lang in langs or sorted({c["lang"] for c in cases}):
        mine = [c for c in cases if c["lang"] == lang]
        gold, pred = [gold_mentions(c) for c in mine], [recognised(pipeline, c) for c in mine]
        typed = mention_prf(gold, pred)
        spans = mention_prf([_untyped(g) for g in gold], [_untyped(p) for p in pred])
        out[lang] = {
            "typed": typed[2],
            "spans": spans[2],
            "typed_p": typed[0],
            "typed_r": typed[1],
            "spans_p": spans[0],
            "spans_r": spans[1],
        }
    return out
