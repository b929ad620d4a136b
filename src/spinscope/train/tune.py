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
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from ..data import Document
from ..eval.formats import SemEvalLanguage, load_ptc2020, load_semeval2023, resolve_data_root
from ..eval.gate import GATE_LANGS, language_scores, validation_documents
from ..eval.scorers import span_scores
from ..pipeline.encoder import Encoding
from ..pipeline.paragraphs import ParagraphLabelsComponent
from ..pipeline.segment import SegmentComponent
from ..pipeline.tagger import (
    PARAGRAPH_HEAD,
    PTC_HEAD,
    SPAN_HEAD,
    THRESHOLDS_FILE,
    Decoding,
    Tables,
    TechniqueDecoder,
    decode_spans,
)
from .corpus import CorpusArticle, corpus_articles, encode_corpus
from .span_heads import (
    fit_paragraph_head,
    fit_ptc_head,
    fit_span_head,
    line_examples,
    ptc_examples,
    span_examples,
    summed_ptc_tc,
)

logger = logging.getLogger(__name__)

GRID = tuple(round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05))
MIN_GOLD = 15
GAPS = (0, 1, 2, 4)
SCALES = (0.6, 0.8, 1.0, 1.25, 1.5)
OFF = 1.01


@dataclass
class LanguageRun:
    """Validation documents of one language with their token probabilities and gold."""

    lang: str
    iso: str
    docs: list[Document]
    encodings: list[Encoding]
    data: SemEvalLanguage

    @property
    def ids(self) -> set[str]:
        return {d.id for d in self.docs}


def _spans_for(run: LanguageRun, k: int, label: str, threshold: float, tagger: TechniqueDecoder) -> list[tuple]:
    out = []
    for doc, enc in zip(run.docs, run.encodings, strict=True):
        for _, start, end, _ in decode_spans(
            doc.text,
            enc.offsets,
            enc.probs[:, k : k + 1],
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
    runs: Sequence[LanguageRun], k: int, label: str, tagger: TechniqueDecoder, objective: str
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


def tune_thresholds(tagger: TechniqueDecoder, runs: Sequence[LanguageRun], objective: str = "span") -> Tables:
    """{"default": {technique: t}, "<iso>": {...}} maximising per-technique F1 on the validation split."""
    tables: Tables = {"default": {}}
    for k, label in enumerate(tagger.labels):
        t, f1 = _best_threshold(runs, k, label, tagger, objective)
        tables["default"][label] = t
        logger.info("%-35s pooled t=%.2f f1=%.3f", label, t, f1)
    for run in runs:
        table = tables.setdefault(run.iso, {})
        ids = run.ids
        for k, label in enumerate(tagger.labels):
            n_gold = sum(1 for s in run.data.spans if s.technique == label and s.article_id in ids)
            if n_gold >= MIN_GOLD:
                t, f1 = _best_threshold([run], k, label, tagger, objective)
                table[label] = t if f1 > 0 else tables["default"][label]
            else:
                table[label] = tables["default"][label]
    return tables


def load_runs(data_root: Path, encodings: dict[str, Encoding], langs: Sequence[str] = GATE_LANGS) -> list[LanguageRun]:
    """Validation documents of each language with their encodings (keys "<lang>/<id>", see `train.corpus`)."""
    runs = []
    segment = SegmentComponent({}, {})
    for lang in langs:
        data = load_semeval2023(lang, data_root)
        docs = [segment(d) for d in validation_documents(data_root, lang)]
        runs.append(LanguageRun(lang, data.iso, docs, [encodings[f"{lang}/{d.id}"] for d in docs], data))
    return runs


def evaluate_runs(tagger: TechniqueDecoder, runs: Sequence[LanguageRun]) -> dict[str, float]:
    """Official scores per language with the tagger's current thresholds."""
    paragraphs = ParagraphLabelsComponent({}, {})
    scores: dict[str, float] = {}
    for run in runs:
        for doc, enc in zip(run.docs, run.encodings, strict=True):
            tagger.annotate(doc, enc)
            paragraphs(doc)
        scores.update(language_scores(run.lang, run.docs, run.data))
    return scores


def _headline(scores: dict[str, float]) -> float:
    """The figure tuning maximises: mean SI span F1 and paragraph micro-F1 over the languages."""
    return float(np.mean([v for k, v in scores.items() if k.startswith(("techniques.si_f1", "paragraphs.micro_f1"))]))


def _scaled(table: dict[str, float], factor: float) -> dict[str, float]:
    return {t: v if v >= OFF else round(min(v * factor, 0.99), 4) for t, v in table.items()}


def tune_scale(tagger: TechniqueDecoder, runs: Sequence[LanguageRun], tables: Tables) -> Tables:
    """Per language, one factor on all its span thresholds, picked for the best SI + paragraph F1.

    Per-technique tuning optimises each technique on its own; SI and paragraph F1 count all techniques
    together, so a language may gain from every threshold moving the same way.
    """
    tried = {}
    for factor in SCALES:
        tagger.set_thresholds({lang: _scaled(table, factor) for lang, table in tables.items()})
        tried[factor] = evaluate_runs(tagger, runs)
    out = {"default": tables["default"]}
    for run in runs:
        keys = (f"techniques.si_f1.{run.lang}", f"paragraphs.micro_f1.{run.lang}")
        factor = max(SCALES, key=lambda f: (sum(tried[f][k] for k in keys), f == 1.0))
        out[run.iso] = _scaled(tables[run.iso], factor)
        logger.info(
            "%s: thresholds x %.2f (%s)",
            run.lang,
            factor,
            {f: round(sum(tried[f][k] for k in keys), 4) for f in SCALES},
        )
    tagger.set_thresholds(out)
    return out


def tune_decoding(tagger: TechniqueDecoder, runs: Sequence[LanguageRun]) -> tuple[Decoding, dict[str, float]]:
    """The gap bridged between positive tokens that scores best (thresholds fixed)."""
    tried = {}
    for gap in GAPS:
        tagger.decoding = replace(tagger.decoding, max_gap=gap)
        tried[gap] = evaluate_runs(tagger, runs)
    gap = max(tried, key=lambda g: _headline(tried[g]))
    logger.info("decoding: max_gap %d (%s)", gap, {g: round(_headline(v), 4) for g, v in tried.items()})
    return replace(tagger.decoding, max_gap=gap), tried[gap]


def tune_model(
    model_dir: Path,
    data_root: Path | None = None,
    objectives: Sequence[str] = ("span", "paragraph"),
    *,
    cache: Path | None = None,
):
    """Tune span thresholds with each objective (keeping the one with the best mean SI F1 + paragraph
    micro-F1), a per-language factor on them and the decoding gap; fit the paragraph head and the span
    heads; per language, label paragraphs by the paragraph head where it beats span-derived labels. Writes
    thresholds.json, the heads and metrics.json into the model folder and returns the metrics.

    Every article is encoded once by the exported graph (`train.corpus`, cached in `cache`).
    """
    root = resolve_data_root(data_root)
    langs = json.loads((model_dir / "config.json").read_text(encoding="utf-8")).get("langs", GATE_LANGS)
    articles = corpus_articles(root, langs)
    encodings = encode_corpus(model_dir, articles, cache)
    labels = json.loads((model_dir / "labels.json").read_text(encoding="utf-8"))
    tagger = TechniqueDecoder(model_dir, labels, {})
    tagger.decoding, tagger.paragraph_head, tagger.span_head, tagger.ptc_head = Decoding(), None, None, None
    runs = load_runs(root, encodings, langs)
    results = {}
    for objective in objectives:
        tables = tune_thresholds(tagger, runs, objective)
        tagger.set_thresholds(tables)
        scores = evaluate_runs(tagger, runs)
        key = _headline(scores)
        results[objective] = (key, tables, scores)
        logger.info("objective %s: mean %.4f %s", objective, key, scores)
    objective, (_, span_tables, span_only) = max(results.items(), key=lambda item: item[1][0])
    span_tables = tune_scale(tagger, runs, span_tables)
    tagger.decoding, span_only = tune_decoding(tagger, runs)
    from_spans = {run.lang: span_only[f"paragraphs.micro_f1.{run.lang}"] for run in runs}
    data = {run.lang: run.data for run in runs}
    paragraph = _paragraph_head(tagger, articles, encodings, data, runs, from_spans)
    tc = _span_head(tagger, articles, encodings, data, root)
    scores = evaluate_runs(tagger, runs)
    if tc:
        scores["tc.micro_f1.ptc14"] = tc["tc.micro_f1.ptc14"]
    thresholds = {"spans": span_tables}
    (model_dir / THRESHOLDS_FILE).write_text(json.dumps(thresholds, indent=1, sort_keys=True), encoding="utf-8")
    heads = ((PARAGRAPH_HEAD, tagger.paragraph_head), (SPAN_HEAD, tagger.span_head), (PTC_HEAD, tagger.ptc_head))
    for folder, head in heads:
        shutil.rmtree(model_dir / folder, ignore_errors=True)
        if head is not None:
            head.save(model_dir / folder)
    config_path = model_dir / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["decoding"] = asdict(tagger.decoding)
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    metrics = {
        "objective": objective,
        "scores": scores,
        "compared": {o: r[2] for o, r in results.items()},
        "paragraph_micro_f1": {"from_spans": from_spans, "head": paragraph},
        "paragraph_source": {run.lang: tagger.paragraph_source(run.iso, run.encodings[0]) for run in runs},
        "tc_micro_f1": tc,
    }
    (model_dir / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    return metrics


def _has_hidden(articles: Sequence[CorpusArticle], encodings: dict[str, Encoding]) -> bool:
    return all(encodings[a.key].hidden is not None for a in articles)


def _paragraph_head(tagger, articles, encodings, data, runs, from_spans) -> dict[str, float]:
    """Fit the paragraph head; keep its thresholds for the languages where it beats span-derived labels."""
    train = [a for a in articles if a.split == "train"]
    val = [a for a in articles if a.split == "val"]
    tagger.paragraph_head = None
    if not _has_hidden(train + val, encodings):
        return {}
    head, f1 = fit_paragraph_head(
        line_examples(train, encodings, data, tagger.labels),
        line_examples(val, encodings, data, tagger.labels),
        tagger.labels,
    )
    kept = {}
    for run in runs:
        if f1.get(run.lang, 0.0) > from_spans[run.lang]:
            kept[run.iso] = head.thresholds[run.lang]
    if len(kept) > len(runs) / 2:  # it wins in most languages: zero-shot languages use it too
        kept["default"] = head.thresholds["default"]
    logger.info("paragraph head micro-F1 %s, kept for %s", f1, sorted(kept))
    if kept:
        head.thresholds = kept
        tagger.paragraph_head = head
    return f1


def _span_head(tagger, articles, encodings, data, root: Path) -> dict[str, float]:
    """Fit the 23-label span head and the PTC-14 one (kept where it beats the summed 23-label head)."""
    train = [a for a in articles if a.split == "train"]
    val = [a for a in articles if a.split == "val"]
    tagger.span_head = tagger.ptc_head = None
    if not _has_hidden(articles, encodings):
        return {}
    english = span_examples([a for a in train if a.lang == "en"], encodings, data, tagger.labels)
    head, scores = fit_span_head(
        span_examples(train, encodings, data, tagger.labels),
        span_examples(val, encodings, data, tagger.labels),
        tagger.labels,
    )
    tagger.span_head = head
    ptc_train, ptc_dev = (ptc_examples(encodings, load_ptc2020(part, root)) for part in ("train", "dev"))
    summed = summed_ptc_tc(head, ptc_dev)
    ptc_head, own = fit_ptc_head(ptc_train, ptc_dev, english, tagger.labels)
    if own > summed:
        tagger.ptc_head = ptc_head
    scores["tc.micro_f1.ptc14"] = max(own, summed)
    logger.info("span heads: TC micro-F1 %s (PTC-14: summed 23-label head %.4f, own head %.4f)", scores, summed, own)
    return scores
