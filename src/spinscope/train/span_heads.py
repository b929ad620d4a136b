"""Fit the heads that read pooled line and span features of the shared encoder pass (`pipeline.pooling`).

- Paragraph head (SemEval-2023 subtask 3): one logistic regression per technique on each gold paragraph
  line's features, fitted on the training split of all six languages, blended with a lexical (TF-IDF)
  head on the line texts where that scores higher (`train.lexical`); thresholds per technique and
  language on the validation split (pooled ones where a language has fewer than MIN_GOLD positive lines),
  then ascended jointly on each language's micro-F1 where that holds on held-out articles.
- Span head (technique of a given span): a softmax regression over the 23 techniques on the features of
  each gold span of the training split; scored on the validation spans of each language.
- PTC-14 span head (SemEval-2020 Task 11 TC): a softmax regression over the 14 PTC classes, fitted on the
  PTC train spans (alone, or with the English training spans mapped to PTC-14, whichever scores better),
  scored on the PTC dev spans; kept only where it beats the 23-label head summed into PTC classes.

The regularisation strength is picked on the validation split. scikit-learn fits; inference runs the
stored weights in numpy (`pipeline.heads.LinearHead`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._optional import require
from ..eval.formats import PTCSplit, SemEvalLanguage
from ..labels import PTC14, to_ptc14
from ..pipeline.encoder import Encoding
from ..pipeline.linear_head import LinearHead
from ..pipeline.pooling import stretch_features
from ..pipeline.tagger import pick_label
from ..text import paragraph_bounds
from .corpus import CorpusArticle
from .lexical import choose_blend, fit_lexical
from .thresholds import GRID, MIN_GOLD, OFF, ascended_micro_f1, grid_thresholds, micro_f1

logger = logging.getLogger(__name__)

PARAGRAPH_C = (0.003, 0.01)  # measured at epoch 1: 0.01 beat 0.05
SPAN_C = (0.001, 0.003)  # with the boundary features 0.003 beat 0.01 and 0.05 (epoch 1)


@dataclass
class Examples:
    """Feature rows with their gold (multi-hot for lines, a label index for spans), language, text and
    article key."""

    features: np.ndarray
    gold: np.ndarray
    langs: np.ndarray
    texts: list[str] = field(default_factory=list)
    articles: np.ndarray = field(default_factory=lambda: np.zeros(0, str))


def _stack(parts: list[tuple[np.ndarray, np.ndarray, list[str], str, str]]) -> Examples:
    if not parts:
        return Examples(np.zeros((0, 0), np.float32), np.zeros(0, int), np.zeros(0, str))
    return Examples(
        np.vstack([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([[p[3]] * len(p[0]) for p in parts]),
        [t for p in parts for t in p[2]],
        np.concatenate([[p[4]] * len(p[0]) for p in parts]),
    )


def _gold_by_article(data: dict[str, SemEvalLanguage], field: str) -> dict[str, list]:
    """Gold records (`field`: "paragraphs" or "spans") of every language, keyed "<lang>/<article id>"."""
    out: dict[str, list] = {}
    for lang, d in data.items():
        for rec in getattr(d, field):
            out.setdefault(f"{lang}/{rec.article_id}", []).append(rec)
    return out


def line_examples(
    articles: Sequence[CorpusArticle],
    encodings: dict[str, Encoding],
    data: dict[str, SemEvalLanguage],
    labels: list[str],
) -> Examples:
    """One row per gold paragraph row of the articles (features, multi-hot techniques)."""
    index = {t: k for k, t in enumerate(labels)}

    def rows(art: CorpusArticle, recs: list) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
        where = {line: (s, e) for line, s, e in paragraph_bounds(art.text)}
        recs = [r for r in recs if r.line in where]
        bounds = [where[r.line] for r in recs]
        gold = np.zeros((len(recs), len(labels)), bool)
        for r, rec in enumerate(recs):
            gold[r, [index[t] for t in rec.labels if t in index]] = True
        texts = [art.text[a:b] for a, b in bounds]
        return (stretch_features(encodings[art.key], bounds), gold, texts) if bounds else None

    return _collect(articles, _gold_by_article(data, "paragraphs"), rows)


def span_examples(
    articles: Sequence[CorpusArticle],
    encodings: dict[str, Encoding],
    data: dict[str, SemEvalLanguage],
    labels: list[str],
) -> Examples:
    """One row per gold span of the articles (features, technique index)."""
    index = {t: k for k, t in enumerate(labels)}

    def rows(art: CorpusArticle, recs: list) -> tuple[np.ndarray, np.ndarray, list[str]] | None:
        recs = [r for r in recs if r.technique in index and r.end > r.start]
        feats = stretch_features(encodings[art.key], [(r.start, r.end) for r in recs])
        texts = [art.text[r.start : r.end] for r in recs]
        return (feats, np.array([index[r.technique] for r in recs]), texts) if recs else None

    return _collect(articles, _gold_by_article(data, "spans"), rows)


def _collect(articles: Sequence[CorpusArticle], gold: dict[str, list], rows) -> Examples:
    """Stack `rows(article, its gold records)` (features, gold, texts, or None) over the articles."""
    parts = []
    for art in articles:
        if (got := rows(art, gold.get(art.key, []))) is not None:
            parts.append((*got, art.lang, art.key))
    return _stack(parts)


def _standardise(train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return train.mean(0), train.std(0) + 1e-6


def fit_paragraph_head(train: Examples, val: Examples, labels: list[str]) -> tuple[LinearHead, dict[str, float]]:
    """The paragraph head with thresholds for every validation language, and its micro-F1 there."""
    require("sklearn", feature="spinscope train export (paragraph head)")
    from sklearn.linear_model import LogisticRegression

    mean, scale = _standardise(train.features)
    x_train, x_val = (train.features - mean) / scale, (val.features - mean) / scale
    best = None
    for c in PARAGRAPH_C:
        weights, bias = np.zeros((x_train.shape[1], len(labels)), np.float32), np.full(len(labels), -30.0)
        for k in range(len(labels)):
            y = train.gold[:, k]
            if y.any() and not y.all():
                clf = LogisticRegression(C=c, class_weight="balanced", max_iter=500).fit(x_train, y)
                weights[:, k], bias[k] = clf.coef_[0], clf.intercept_[0]
        scores = 1.0 / (1.0 + np.exp(-(x_val @ weights + bias)))
        pooled = grid_thresholds(scores, val.gold, GRID, OFF)
        f1 = micro_f1(scores, val.gold, pooled)
        logger.info("paragraph head C=%s pooled validation micro-F1 %.4f", c, f1)
        if best is None or f1 > best[0]:
            best = (f1, weights, bias, scores, pooled)
    _, weights, bias, scores, _ = best
    head = LinearHead(labels, "multilabel", mean, scale, weights, bias)
    if train.texts and val.texts:
        lexical = fit_lexical("multilabel", train.texts, train.gold)
        lexical_val = lexical.scores(val.texts)
        head.blend, tried = choose_blend(scores, lexical_val, lambda s: np.mean([*_by_language(s, val)[1].values()]))
        logger.info("paragraph head blend with the lexical head: %s (mean micro-F1 per weight %s)", head.blend, tried)
        if head.blend < 1.0:
            head.lexical, scores = lexical, head.blend * scores + (1 - head.blend) * lexical_val
    head.thresholds, f1_by_lang = _ascended_by_language(scores, val)
    return head, f1_by_lang


def _by_language(scores: np.ndarray, val: Examples) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Thresholds per validation language (pooled ones for labels with under MIN_GOLD positives there, and
    as "default") and the micro-F1 they give in each language."""
    pooled = grid_thresholds(scores, val.gold, GRID, OFF)
    thresholds, f1_by_lang = {"default": [float(t) for t in pooled]}, {}
    for lang in np.unique(val.langs):
        rows = val.langs == lang
        own = grid_thresholds(scores[rows], val.gold[rows], GRID, OFF)
        chosen = np.where(val.gold[rows].sum(0) >= MIN_GOLD, own, pooled)
        thresholds[str(lang)] = [float(t) for t in chosen]
        f1_by_lang[str(lang)] = round(micro_f1(scores[rows], val.gold[rows], chosen), 4)
    return thresholds, f1_by_lang


def _ascended_by_language(scores: np.ndarray, val: Examples) -> tuple[dict[str, list[float]], dict[str, float]]:
    """`_by_language`'s thresholds, each language's ascended on its micro-F1 where that gains on held-out
    articles (`thresholds.ascended_micro_f1`; "default" kept), and the micro-F1 they give in each language.

    On the shipped encoder the held-out halves gained in en, fr, it and ru (it 0.512 -> 0.576 on all of
    its validation articles) and lost in ge and po, which keep their per-technique thresholds."""
    thresholds = _by_language(scores, val)[0]
    out, f1_by_lang = {"default": thresholds["default"]}, {}
    for lang in np.unique(val.langs):
        rows = val.langs == lang
        start = np.array(thresholds[str(lang)], np.float32)
        chosen = ascended_micro_f1(scores[rows], val.gold[rows], val.articles[rows], start)
        out[str(lang)] = [float(t) for t in chosen]
        f1_by_lang[str(lang)] = round(micro_f1(scores[rows], val.gold[rows], chosen), 4)
    return out, f1_by_lang


def _softmax_head(train: Examples, val: Examples, labels: list[str], what: str) -> LinearHead:
    """Softmax regression over `labels` (gold = label indices), C picked on validation accuracy."""
    require("sklearn", feature="spinscope train export (span heads)")
    from sklearn.linear_model import LogisticRegression

    mean, scale = _standardise(train.features)
    x_train = (train.features - mean) / scale
    best = None
    for c in SPAN_C:
        clf = LogisticRegression(C=c, max_iter=1000).fit(x_train, train.gold)
        weights = np.zeros((x_train.shape[1], len(labels)), np.float32)
        bias = np.full(len(labels), -30.0)
        coef, intercept = clf.coef_, clf.intercept_
        if len(clf.classes_) == 2:  # sklearn's binary form: p(second) = sigmoid(w.x + b) = softmax([0, w.x + b])
            coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.r_[0.0, intercept]
        weights[:, clf.classes_], bias[clf.classes_] = coef.T, intercept
        head = LinearHead(labels, "multiclass", mean, scale, weights, bias)
        accuracy = float((head.scores(val.features).argmax(1) == val.gold).mean())
        logger.info("%s C=%s validation TC micro-F1 %.4f", what, c, accuracy)
        if best is None or accuracy > best[0]:
            best = (accuracy, head)
    return best[1]


def fit_span_head(train: Examples, val: Examples, labels: list[str]) -> tuple[LinearHead, dict[str, float]]:
    """The 23-label span head and its TC micro-F1 (= accuracy) per validation language."""
    head = _softmax_head(train, val, labels, "span head")
    predicted = head.scores(val.features).argmax(1)
    scores = {
        f"tc.micro_f1.{lang}": round(float((predicted == val.gold)[val.langs == lang].mean()), 4)
        for lang in np.unique(val.langs)
    }
    return head, scores


def ptc_examples(encodings: dict[str, Encoding], ptc: PTCSplit) -> Examples:
    """One row per PTC gold span (`ptc.flc` order; gold = index in PTC14), from encodings "ptc-<split>/<id>"."""
    rows: np.ndarray | None = None
    by_article: dict[str, list[int]] = {}
    for i, r in enumerate(ptc.flc):
        by_article.setdefault(r.article_id, []).append(i)
    for aid, idx in by_article.items():
        feats = stretch_features(encodings[f"ptc-{ptc.split}/{aid}"], [(ptc.flc[i].start, ptc.flc[i].end) for i in idx])
        rows = np.zeros((len(ptc.flc), feats.shape[1]), np.float32) if rows is None else rows
        rows[idx] = feats
    gold = np.array([PTC14.index(r.technique) for r in ptc.flc])
    return Examples(rows, gold, np.full(len(gold), "en"))


def summed_ptc_tc(head: LinearHead, dev: Examples) -> float:
    """TC micro-F1 of the 23-label head on PTC spans, its probabilities summed into the PTC-14 classes."""
    names = [to_ptc14(t) for t in head.labels]
    pred = [PTC14.index(pick_label(row, names, np.add)[0]) for row in head.scores(dev.features)]
    return round(float((np.array(pred) == dev.gold).mean()), 4)


def fit_ptc_head(
    ptc_train: Examples, ptc_dev: Examples, english: Examples, labels: list[str]
) -> tuple[LinearHead, float]:
    """The PTC-14 head on PTC train spans alone or with the English SemEval-2023 spans mapped to PTC-14
    (those without a PTC class dropped), whichever scores better on PTC dev; and that score."""
    names = [to_ptc14(t) for t in labels]
    keep = np.array([names[k] is not None for k in english.gold], bool)
    candidates = [("PTC-14 head (PTC train)", ptc_train)]
    if keep.any():
        mapped = np.array([PTC14.index(names[k]) for k in english.gold[keep]])
        both = _stack(
            [(ptc_train.features, ptc_train.gold, [], "en", "ptc"), (english.features[keep], mapped, [], "en", "en")]
        )
        candidates.append(("PTC-14 head (PTC train + mapped)", both))
    best = None
    for what, train in candidates:
        head = _softmax_head(train, ptc_dev, list(PTC14), what)
        score = round(float((head.scores(ptc_dev.features).argmax(1) == ptc_dev.gold).mean()), 4)
        if best is None or score > best[1]:
            best = (head, score)
    return best
