"""Joint threshold refinement: coordinate ascent on micro-F1, kept only where it holds on held-out documents."""

from __future__ import annotations

import numpy as np

from spinscope.train.thresholds import OFF, ascended_micro_f1, coordinate_ascent, held_out_gain, micro_f1

DOCS = np.repeat([f"d{i}" for i in range(20)], 10)  # 20 documents of 10 rows


def two_labels(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Label A separable (score 0.9 where gold), label B rare and scored at random."""
    gold = np.zeros((len(DOCS), 2), bool)
    gold[:, 0] = rng.random(len(DOCS)) < 0.5
    gold[::25, 1] = True
    scores = np.where(gold, 0.9, 0.2).astype(np.float32)
    scores[:, 1] = rng.random(len(DOCS))
    return scores, gold


def test_ascent_switches_off_a_label_that_only_adds_noise() -> None:
    scores, gold = two_labels(np.random.default_rng(0))
    start = np.array([0.5, 0.05], np.float32)  # B at the threshold its own F1 (> 0 by chance) would pick
    ascended = ascended_micro_f1(scores, gold, DOCS, start)
    assert ascended[0] == 0.5 and ascended[1] > 0.9
    assert micro_f1(scores, gold, ascended) > micro_f1(scores, gold, start) + 0.1


def test_ascent_keeps_thresholds_it_cannot_improve() -> None:
    scores, gold = two_labels(np.random.default_rng(1))
    scores[:, 1] = np.where(gold[:, 1], 0.9, 0.1)
    start = np.array([0.5, 0.5], np.float32)
    assert ascended_micro_f1(scores, gold, DOCS, start) is start


def test_ascent_that_does_not_hold_on_held_out_documents_is_refused() -> None:
    """B scores high on every row of every document, but is gold only in the even documents: ascending on
    the even ones turns B on, which costs precision on the odd ones; on all documents together it would pay."""
    gold = np.zeros((len(DOCS), 2), bool)
    gold[:, 0] = np.arange(len(DOCS)) % 10 == 0
    even = np.isin(DOCS, [f"d{i}" for i in range(0, 20, 2)])
    gold[even, 1] = True
    scores = np.where(gold, 0.9, 0.2).astype(np.float32)
    scores[:, 1] = 0.9
    start = np.array([0.5, OFF], np.float32)
    in_sample = coordinate_ascent(lambda t: micro_f1(scores, gold, t), start)
    assert in_sample[1] < 0.9  # the in-sample ascent would switch B on
    assert ascended_micro_f1(scores, gold, DOCS, start) is start


def test_held_out_gain_checks_each_half_with_thresholds_from_the_other() -> None:
    seen = []

    def ascend(docs: list[int]) -> np.ndarray:
        seen.append(docs)
        return np.array([float(len(docs))])

    gain = held_out_gain(5, ascend, lambda docs, t: float(t[0]) - len(docs), np.array([0.0]))
    assert seen == [[0, 2, 4], [1, 3]]
    assert gain == ((3 - 2) + (2 - 3)) / 2 - (-5 / 2)
