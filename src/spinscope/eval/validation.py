"""Scoring annotated validation documents with the official formulas, shared by the eval gate and training.

Metric names read `<task>.<measure>.<lang>` (e.g. `techniques.si_f1.en`, `paragraphs.micro_f1.fr`,
`frames.micro_f1.it`, `genre.macro_f1.ru`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..data import Document
from ..pipeline.paragraph_labels import paragraph_records
from .formats import SemEvalLanguage, load_semeval2023, read_article_labels
from .scorers import document_scores, paragraph_scores, si_scores, span_scores
from .splits import split_validation


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
    pred_rows = [(d.id, p["line"], p["techniques"]) for d in docs for p in paragraph_records(d)]
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
