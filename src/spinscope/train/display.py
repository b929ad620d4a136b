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

The gold is incomplete: annotators mark some loaded words of an article, not all (German gold hardly marks
Loaded_Language at all). A span no gold span confirms is therefore read, not assumed wrong: AUDIT lists spans
drawn at random among those of each language and technique that the gold does not confirm, each judged right or
wrong by reading it (`--audit-sample` draws them). The share of them judged right (its Wilson lower bound at
z = 1, a cautious estimate) is the `rescue` rate of that language and technique, and a curve's precision is the
gold's plus the rescued share of the rest: p + (1 - p) * rescue. Techniques without an audit keep the gold's.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..languages import DATASET_LANGS, DATASET_TO_ISO, ISO_TO_DATASET
from ..pipeline.tagger import DecoderConfig

TARGET = 0.5  # share of shown spans that are right: the default of `components.techniques.display_precision`
MIN_SPANS = 5  # spans at or above a cut needed to judge it
GRID = tuple(float(c) for c in np.round(np.arange(0.1, 0.96, 0.05), 2))
AUDIT = Path(__file__).with_name("display_audit.tsv")
AUDIT_SAMPLE = 20  # spans drawn per language and technique for the audit
AUDITED = ("Loaded_Language", "Name_Calling-Labeling")  # the techniques whose unconfirmed spans were read

Row = tuple[str, str, float, bool, str, int, int]  # language, technique, score, right, article id, start, end
Rescue = dict[tuple[str, str], float]  # (language or "default", technique) -> share of unconfirmed spans right


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
                rows.append((DATASET_TO_ISO[lang], span.label, span.score, right, doc.id, span.start, span.end))
    return rows


def audit_sample(rows: list[Row], techniques: tuple[str, ...] = AUDITED) -> list[Row]:
    """AUDIT_SAMPLE spans of each language and technique that the gold does not confirm, drawn at random
    (seeded by the dataset's language code and the technique, so the draw is the same for the same tagger)."""
    drawn: list[Row] = []
    for lang in DATASET_TO_ISO.values():
        for technique in techniques:
            unconfirmed = [r for r in rows if r[0] == lang and r[1] == technique and not r[3]]
            random.Random(f"{ISO_TO_DATASET[lang]}-{technique}").shuffle(unconfirmed)
            drawn += unconfirmed[:AUDIT_SAMPLE]
    return drawn


def read_audit(path: Path = AUDIT) -> dict[tuple[str, str, str, int, int], bool]:
    """(language, article, technique, start, end) -> judged right, from the audit file."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {
        (r["language"], r["article"], r["technique"], int(r["start"]), int(r["end"])): r["right"] == "1"
        for r in csv.DictReader(lines, delimiter="\t")
    }


def lower_bound(right: int, n: int, z: float = 1.0) -> float:
    """Wilson lower bound of a share of `right` in `n`."""
    p, q = right / n, z * z / n
    return (p + q / 2 - z * math.sqrt(p * (1 - p) / n + q / (4 * n))) / (1 + q)


def rescue_rates(rows: list[Row], audit: dict[tuple[str, str, str, int, int], bool]) -> Rescue:
    """(language, technique) -> the cautious share of the gold's unconfirmed spans that are right, from the
    audited spans the tagger still predicts unconfirmed; "default" pools every language's audit."""
    judged: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for lang, technique, _, right, aid, start, end in rows:
        verdict = audit.get((lang, aid, technique, start, end))
        if verdict is not None and not right:
            judged[(lang, technique)].append(verdict)
            judged[("default", technique)].append(verdict)
    return {key: round(lower_bound(sum(v), len(v)), 3) for key, v in sorted(judged.items())}


def curve(pairs: list[tuple[float, bool]], rescue: float = 0.0) -> list[list[float]]:
    """[cut, precision of the spans at or above it, their number] for each GRID cut with MIN_SPANS spans; the
    precision counts `rescue` of the spans the gold does not confirm as right."""
    scores, right = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    kept = [(c, scores >= c) for c in GRID if (scores >= c).sum() >= MIN_SPANS]
    shares = [(c, float(right[above].mean()), int(above.sum())) for c, above in kept]
    return [[c, round(p + (1 - p) * rescue, 3), n] for c, p, n in shares]


def display_table(rows: list[Row], rescue: Rescue | None = None) -> dict[str, dict[str, list[list[float]]]]:
    """language (and "default": all languages) -> technique -> its precision `curve`; a technique with fewer
    than MIN_SPANS spans in a language is left to "default"."""
    rescue = rescue or {}
    groups: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    for lang, technique, score, right, *_ in rows:
        groups[(lang, technique)].append((score, right))
        groups[("default", technique)].append((score, right))
    table: dict[str, dict[str, list[list[float]]]] = {}
    for (lang, technique), pairs in sorted(groups.items()):
        if len(pairs) >= MIN_SPANS:
            table.setdefault(lang, {})[technique] = curve(pairs, rescue.get((lang, technique), 0.0))
    return table


def half_of(article_id: str) -> int:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest(), 16) % 2


def held_out_figures(rows: list[Row], rescue: Rescue | None = None) -> dict[str, dict[str, float]]:
    """Per language and over all: spans, their precision, spans shown and their precision, and the share of
    right spans still shown, with the cuts of one half of the articles applied to the other. Precision is the
    gold's, and `_read` beside it counts the `rescue` share of the spans the gold does not confirm as right."""
    rescue = rescue or {}
    tally: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(6))
    for half in (0, 1):
        config = DecoderConfig(display=display_table([r for r in rows if half_of(r[4]) == half], rescue))
        for lang, technique, score, right, aid, *_ in rows:
            if half_of(aid) == half:
                continue
            shown = score >= config.display_cut(lang, technique, TARGET)
            read = 1.0 if right else rescue.get((lang, technique), 0.0)
            for key in (lang, "all"):  # spans, right, right read, shown, shown right, shown right read
                tally[key] += (1, right, read, shown, shown and right, shown * read)
    return {key: _figures(*counts) for key, counts in sorted(tally.items())}


def _figures(n: float, right: float, read: float, shown: float, shown_right: float, shown_read: float) -> dict:
    share = lambda a, b: round(float(a / b), 3) if b else 0.0  # noqa: E731
    return {
        "spans": int(n),
        "precision": share(right, n),
        "precision_read": share(read, n),
        "shown": int(shown),
        "shown_precision": share(shown_right, shown),
        "shown_precision_read": share(shown_read, shown),
        "right_kept": share(shown_right, right),
    }


def write_audit_sample(path: Path, rows: list[Row], data_root: Path) -> int:
    """Write the `audit_sample` to judge, with each span's words and context (dataset text: keep the file out
    of the repository); the judged offsets go into AUDIT."""
    from ..eval.formats import load_semeval2023

    data = {iso: load_semeval2023(code, data_root) for code, iso in DATASET_TO_ISO.items()}
    sample = audit_sample(rows)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t")
        writer.writerow(["language", "article", "technique", "start", "end", "score", "span", "context", "right"])
        for lang, technique, score, _, aid, start, end in sample:
            text = data[lang].text(aid)
            context = text[max(0, start - 100) : end + 100].replace("\n", " ")
            writer.writerow([lang, aid, technique, start, end, round(score, 2), text[start:end], context, ""])
    return len(sample)


def train_display(model_dir: Path, data_root: Path, settings: dict) -> dict:
    """Write the display cuts into the model's thresholds.json and their figures into metrics.json."""
    import json
    from datetime import date

    rows = judged_spans(data_root, settings)
    audit = read_audit()
    rescue = rescue_rates(rows, audit)
    replace(DecoderConfig.read(model_dir), display=display_table(rows, rescue)).write(model_dir)
    figures = {"date": date.today().isoformat(), "target": TARGET, "min_spans": MIN_SPANS}
    figures["audit"] = {"judged": len(audit), "rescue": {f"{lang} {t}": r for (lang, t), r in rescue.items()}}
    figures["held_out_halves"] = held_out_figures(rows, rescue)
    metrics_path = model_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
    metrics["display"] = figures
    metrics_path.write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    return figures
