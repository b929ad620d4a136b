"""Scorers for the sourcing and targeting test set (a TOML file of hand-written cases, see
tests/fixtures/sourcing_cases.toml): attribution kind accuracy, speaker exact match and word overlap,
hedge precision/recall, and the accuracy of the actor a technique span is linked to."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..api import analyze_all
from ..data import Document
from ..pipeline.actors import target_of
from ..pipeline.sourcing import direct_quotes, hedges, load_lexicon, sentence_attribution


def read_cases(path: Path) -> dict[str, list[dict[str, Any]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"case": data.get("case", []), "target": data.get("target", [])}


def _overlap(said: str, want: str) -> float:
    a, b = set(said.casefold().split()), set(want.casefold().split())
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else float(a == b)


def sourcing_scores(cases: list[dict[str, Any]], lexicon_file: str = "") -> dict[str, Any]:
    """Per language and overall: kind accuracy, speaker exact match and mean word-overlap F1, hedge P/R."""
    lexicon = load_lexicon(lexicon_file)
    by: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    misses = []
    for case in cases:
        text, lang = case["text"], case["lang"]
        found = direct_quotes(text, [(0, len(text))], [(0, len(text))], lang, lexicon)
        at = sentence_attribution(text, 0, len(text), found, lang, lexicon)
        said = at["speaker"] or ""
        marks = {text[a:b] for a, b in hedges(text, 0, len(text), lang, lexicon)}
        want_marks = set(case.get("hedges", []))
        for key in (lang, "all"):
            row = by[key]
            row["n"] += 1
            row["kind"] += at["kind"] == case["kind"]
            row["speaker_exact"] += said == case["speaker"]
            row["speaker_overlap"] += _overlap(said, case["speaker"])
            row["hedge_tp"] += len(marks & want_marks)
            row["hedge_pred"] += len(marks)
            row["hedge_gold"] += len(want_marks)
        if at["kind"] != case["kind"] or said != case["speaker"] or marks != want_marks:
            misses.append({"text": text, "kind": at["kind"], "speaker": said, "hedges": sorted(marks)})
    out = {key: _rates(row) for key, row in by.items()}
    out["misses"] = misses
    return out


def _rates(row: dict[str, float]) -> dict[str, float]:
    n = row["n"]
    return {
        "n": int(n),
        "kind_accuracy": round(row["kind"] / n, 3),
        "speaker_exact": round(row["speaker_exact"] / n, 3),
        "speaker_overlap": round(row["speaker_overlap"] / n, 3),
        "hedge_precision": round(row["hedge_tp"] / row["hedge_pred"], 3) if row["hedge_pred"] else 1.0,
        "hedge_recall": round(row["hedge_tp"] / row["hedge_gold"], 3) if row["hedge_gold"] else 1.0,
    }


def target_scores(cases: list[dict[str, Any]], settings: dict[str, Any]) -> dict[str, Any]:
    """Accuracy of the actor each case's technique span is linked to (entities component + `target_of`)."""
    from ..pipeline import Pipeline

    pipeline = Pipeline.from_settings(settings, only=["segment", "entities"])  # built once for every case
    hits, misses = 0, []
    docs = [Document(f"case{k}", c["text"], language=c["lang"]) for k, c in enumerate(cases)]
    docs = analyze_all(docs, pipeline, "target cases")
    for case, doc in zip(cases, docs, strict=True):
        start = case["text"].index(case["span"])
        span = doc.make_span(start, start + len(case["span"]), case["technique"])
        got = target_of(span, doc.layer("entities"), doc.layer("sentences"))
        hits += got == case["actor"]
        if got != case["actor"]:
            misses.append({"text": case["text"], "want": case["actor"], "got": got})
    return {"n": len(cases), "accuracy": round(hits / len(cases), 3) if cases else 1.0, "misses": misses}
