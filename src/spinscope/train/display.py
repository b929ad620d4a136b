"""`spinscope train display`: the score each technique's span needs to be shown, per language.

The span thresholds are tuned for F1 on the SemEval-2023 validation articles. At those thresholds three predicted
spans in four do not overlap a gold span of their technique, and the scores are not probabilities. A reader
should not see a span that is more likely wrong than right. The display cut of a technique in a language is
therefore the lowest score at which the spans of the validation articles (never trained on) that reach it are
right at least TARGET of the time, with at least MIN_SPANS of them. It is left to the technique's cut over all
languages where the language has too few of its spans, and no span of it is shown where no cut gets there.
Languages without validation articles ("default") get the cut over all languages. What is stored is each
technique's precision curve (thresholds.json `display`), so the share a reader asks for
(`components.techniques.display_precision`) picks the cut at run time. Figures: the cuts chosen on one half of
the articles, judged on the other half.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..languages import DATASET_LANGS, DATASET_TO_ISO
from ..pipeline.tagger import DecoderConfig

TARGET = 0.5  # share of shown spans that are right: the default of `components.techniques.display_precision`
MIN_SPANS = 5  # spans at or above a cut needed to judge it
GRID = tuple(float(c) for c in np.round(np.arange(0.1, 0.96, 0.05), 2))

Row = tuple[str, str, float, bool, str]  # language, technique, score, right, article id


def judged_spans(data_root: Path, settings: dict) -> list[Row]:
    """Every technique span of the default pipeline on the validation articles, and whether it is right (it
    overlaps a gold span of its technique)."""
    from ..api import load_pipeline
    from ..eval.formats import load_semeval2023
    from ..eval.validation import validation_documents

    pipeline = load_pipeline(settings, only=["techniques"])
    rows: list[Row] = []
    for lang in DATASET_LANGS:
        gold = defaultdict(list)
        for s in load_semeval2023(lang, data_root).spans:
            gold[(s.article_id, s.technique)].append((s.start, s.end))
        for doc in pipeline.pipe(validation_documents(data_root, lang)):
            for span in doc.layer("techniques"):
                right = any(a < span.end and span.start < b for a, b in gold[(doc.id, span.label)])
                rows.append((DATASET_TO_ISO[lang], span.label, span.score, right, doc.id))
    return rows


def curve(pairs: list[tuple[float, bool]]) -> list[list[float]]:
    """[cut, precision of the spans at or above it, their number] for each GRID cut with MIN_SPANS spans."""
    scores, right = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    kept = [(c, scores >= c) for c in GRID if (scores >= c).sum() >= MIN_SPANS]
    return [[c, round(float(right[above].mean()), 3), int(above.sum())] for c, above in kept]


def display_table(rows: list[Row]) -> dict[str, dict[str, list[list[float]]]]:
    """language (and "default": all languages) -> technique -> its precision `curve`; a technique with fewer
    than MIN_SPANS spans in a language is left to "default"."""
    groups: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    for lang, technique, score, right, _ in rows:
        groups[(lang, technique)].append((score, right))
        groups[("default", technique)].append((score, right))
    table: dict[str, dict[str, list[list[float]]]] = {}
    for (lang, technique), pairs in sorted(groups.items()):
        if len(pairs) >= MIN_SPANS:
            table.setdefault(lang, {})[technique] = curve(pairs)
    return table


def half_of(article_id: str) -> int:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % 2


def held_out_figures(rows: list[Row]) -> dict[str, dict[str, float]]:
    """Per language and over all: spans, their precision, spans shown and their precision, and the share of
    right spans still shown, with the cuts of one half of the articles applied to the other."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # spans, right, shown, shown right
    for half in (0, 1):
        config = DecoderConfig(display=display_table([r for r in rows if half_of(r[4]) == half]))
        for lang, technique, score, right, aid in rows:
            if half_of(aid) == half:
                continue
            shown = score >= config.display_cut(lang, technique, TARGET)
            for key in (lang, "all"):
                tally[key][0] += 1
                tally[key][1] += right
                tally[key][2] += shown
                tally[key][3] += shown and right
    return {
        key: {
            "spans": n,
            "precision": round(r / n, 3) if n else 0.0,
            "shown": s,
            "shown_precision": round(sr / s, 3) if s else 0.0,
            "right_kept": round(sr / r, 3) if r else 0.0,
        }
        for key, (n, r, s, sr) in sorted(tally.items())
    }


def train_display(model_dir: Path, data_root: Path, settings: dict) -> dict:
    """Write the display cuts into the model's thresholds.json and their figures into metrics.json."""
    import json
    from datetime import date

    rows = judged_spans(data_root, settings)
    replace(DecoderConfig.read(model_dir), display=display_table(rows)).write(model_dir)
    figures = {"date": date.today().isoformat(), "target": TARGET, "min_spans": MIN_SPANS}
    figures["held_out_halves"] = held_out_figures(rows)
    metrics_path = model_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    metrics["display"] = figures
    metrics_path.write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    return figures
