"""Per-label decision thresholds picked on a grid, shared by every multilabel head and the paragraph head,
and their joint refinement by coordinate ascent, kept only where it generalises to held-out documents."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

GRID = tuple(round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05))  # technique thresholds tried
OFF = 1.01  # a technique that never scores is switched off
MIN_GOLD = 15  # fewer positives than this in a language: use the threshold pooled over languages
ASCENT_ROUNDS = 2  # passes over all labels of the coordinate ascent


def label_f1(pred: np.ndarray, gold: np.ndarray) -> float:
    tp = float((pred & gold).sum())
    return 2 * tp / (pred.sum() + gold.sum()) if tp else 0.0


def grid_thresholds(scores: np.ndarray, gold: np.ndarray, grid: Sequence[float], fallback: float) -> np.ndarray:
    """Per column of scores [rows, labels], the grid value with the best F1 against gold (bool, same shape);
    `fallback` for a label no threshold gets any true positive for."""
    best = np.full(scores.shape[1], fallback, np.float32)
    for k in range(scores.shape[1]):
        top = 0.0
        for t in grid:
            f1 = label_f1(scores[:, k] >= t, gold[:, k])
            if f1 > top:
                top, best[k] = f1, t
    return best


def micro_f1(scores: np.ndarray, gold: np.ndarray, thresholds: np.ndarray) -> float:
    return label_f1(scores >= thresholds[None, :], gold)


def coordinate_ascent(score: Callable[[np.ndarray], float], start: np.ndarray) -> np.ndarray:
    """From `start`, each label's threshold in turn moves to the grid value (or off) that most raises
    `score(thresholds)`, all labels judged together; ASCENT_ROUNDS passes."""
    best_t, best = start.copy(), score(start)
    for _ in range(ASCENT_ROUNDS):
        for k in range(len(start)):
            for value in (*GRID, OFF):
                trial = best_t.copy()
                trial[k] = value
                value_score = score(trial)
                if value_score > best + 1e-4:
                    best_t, best = trial, value_score
    return best_t


def held_out_gain(
    n_docs: int,
    ascend: Callable[[list[int]], np.ndarray],
    score: Callable[[list[int], np.ndarray], float],
    start: np.ndarray,
) -> float:
    """Mean gain of `score(documents, thresholds)` on one half of the documents (alternate ones) when the
    thresholds are `ascend(other half)` instead of `start`, both ways round: whether an ascent generalises."""
    halves = [list(range(0, n_docs, 2)), list(range(1, n_docs, 2))]
    gains = [score(check, ascend(fit)) - score(check, start) for fit, check in (halves, halves[::-1])]
    return float(np.mean(gains))


def ascended_micro_f1(scores: np.ndarray, gold: np.ndarray, documents: np.ndarray, start: np.ndarray) -> np.ndarray:
    """`start` [labels] ascended on the micro-F1 of all labels over rows of scores/gold [rows, labels], where
    that gains on held-out halves of the documents (`documents`: the document of each row), else `start`.

    Each threshold alone maximising its own F1 ignores that micro-F1 weighs labels by how often they occur."""
    names = list(dict.fromkeys(documents.tolist()))

    def rows(docs: list[int]) -> tuple[np.ndarray, np.ndarray]:
        chosen = np.isin(documents, [names[d] for d in docs])
        return scores[chosen], gold[chosen]

    def score(docs: list[int], thresholds: np.ndarray) -> float:
        return micro_f1(*rows(docs), thresholds)

    def ascend(docs: list[int]) -> np.ndarray:
        part_scores, part_gold = rows(docs)  # once per ascent, not once per threshold tried
        return coordinate_ascent(lambda t: micro_f1(part_scores, part_gold, t), start)

    if held_out_gain(len(names), ascend, score, start) <= 0:
        return start
    return ascend(list(range(len(names))))
