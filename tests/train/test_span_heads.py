"""Paragraph and span heads learn planted patterns; the corpus cache round-trips encodings."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.pipeline.encoder import Encoding
from spinscope.train.span_heads import Examples, fit_paragraph_head, fit_span_head

pytest.importorskip("sklearn")
LABELS = ["A", "B", "C"]


def planted(rng: np.random.Generator, n: int, multilabel: bool) -> Examples:
    """Label k shows as +2 on feature k; rows are split over two languages."""
    x = rng.normal(size=(n, 6)).astype(np.float32)
    if multilabel:
        gold = rng.random((n, 3)) < 0.3
        x[:, :3] += 2.0 * gold
    else:
        gold = rng.integers(0, 3, n)
        x[np.arange(n), gold] += 2.0
    articles = np.array([f"a{i // 10}" for i in range(n)])
    return Examples(x, gold, np.array(["en", "fr"] * (n // 2)), articles=articles)


def test_paragraph_head_learns_and_has_thresholds_per_language() -> None:
    rng = np.random.default_rng(3)
    head, f1 = fit_paragraph_head(planted(rng, 400, True), planted(rng, 200, True), LABELS)
    assert set(head.thresholds) == {"default", "en", "fr"}
    assert min(f1.values()) > 0.7
    x = np.zeros((1, 6), np.float32)
    x[0, 1] = 3.0
    assert (head.scores(x) >= head.thresholds_for("en")).tolist() == [[False, True, False]]


def test_span_head_learns_and_reports_per_language() -> None:
    rng = np.random.default_rng(4)
    head, scores = fit_span_head(planted(rng, 400, False), planted(rng, 200, False), LABELS)
    assert head.kind == "multiclass" and set(scores) == {"tc.micro_f1.en", "tc.micro_f1.fr"}
    assert min(scores.values()) > 0.7


def test_span_head_covers_labels_missing_from_training() -> None:
    rng = np.random.default_rng(5)
    train = planted(rng, 300, False)
    keep = train.gold != 2
    train = Examples(train.features[keep], train.gold[keep], train.langs[keep], articles=train.articles[keep])
    head, _ = fit_span_head(train, planted(rng, 60, False), LABELS)
    assert head.weights.shape == (6, 3) and head.scores(train.features)[:, 2].max() < 1e-6


def test_corpus_cache_round_trips(tmp_path) -> None:
    from spinscope.train.corpus import _load, _save

    encs = [
        Encoding(
            np.array([[0, 3], [4, 7]]), np.full((2, 2), 0.25, np.float32), np.ones(3), np.ones((2, 3), np.float16)
        ),
        Encoding(np.array([[0, 5]]), np.full((1, 2), 0.5, np.float32), np.zeros(3), np.zeros((1, 3), np.float16)),
    ]
    _save(tmp_path / "x.npz", ["en/1", "fr/2"], encs)
    back = _load(tmp_path / "x.npz")
    assert list(back) == ["en/1", "fr/2"]
    for a, b in zip(encs, back.values(), strict=True):
        assert (a.offsets == b.offsets).all() and a.probs == pytest.approx(b.probs)
        assert (a.vector == b.vector).all() and (a.hidden == b.hidden).all()


def test_ptc_head_and_summed_span_head_on_planted_ptc_classes() -> None:
    from spinscope.labels import PTC14, to_ptc14
    from spinscope.train.span_heads import fit_ptc_head, summed_ptc_tc

    labels = ["Loaded_Language", "Doubt", "Appeal_to_Values"]  # the last has no PTC class
    rng = np.random.default_rng(6)
    english = planted(rng, 300, False)
    ptc_classes = [PTC14.index(to_ptc14(t)) for t in labels[:2]]

    def ptc(n: int) -> Examples:
        x = planted(rng, n, False)
        keep = x.gold < 2
        return Examples(x.features[keep], np.array(ptc_classes)[x.gold[keep]], x.langs[keep])

    head, score = fit_ptc_head(ptc(300), ptc(150), english, labels)
    assert head.labels == list(PTC14) and score > 0.8
    span_head, _ = fit_span_head(english, planted(rng, 90, False), labels)
    assert summed_ptc_tc(span_head, ptc(150)) > 0.8


def test_paragraph_head_blends_a_lexical_head_when_words_carry_the_label() -> None:
    """Features carry label A only; the words "alpha"/"beta" carry B: the lexical head must be blended in."""
    rng = np.random.default_rng(6)

    def examples(n: int) -> Examples:
        ex = planted(rng, n, True)
        ex.features[:, 1:3] = rng.normal(size=(n, 2))  # B and C invisible to the encoder features
        ex.texts = [("alpha beta words" if g[1] else "plain other words") + f" {i}" for i, g in enumerate(ex.gold)]
        return ex

    train, val = examples(400), examples(200)
    head, f1 = fit_paragraph_head(train, val, LABELS)
    assert head.lexical is not None and head.blend < 1.0
    blended = head.blended(val.features, val.texts)
    assert blended[:, 1][val.gold[:, 1]].min() > blended[:, 1][~val.gold[:, 1]].max()
    assert min(f1.values()) > 0.6


def test_paragraph_head_without_texts_has_no_lexical_part() -> None:
    rng = np.random.default_rng(7)
    head, _ = fit_paragraph_head(planted(rng, 200, True), planted(rng, 100, True), LABELS)
    assert head.lexical is None and head.blend == 1.0
