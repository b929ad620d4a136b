"""Per-label decision thresholds picked on a grid, shared by every multilabel head and the paragraph head."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

GRID = tuple(round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05))  # technique thresholds tried
OFF = 1.01  # a technique that never scores is switched off
MIN_GOLD = 15  # fewer positives than this in a language: use the threshold pooled over languages


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
