"""Features of a stretch of text (a line, a given span) pooled from the one encoder pass.

A stretch [start, end) covers the tokens whose character ranges overlap it. Its feature vector holds the
mean, the first and the last of those tokens' hidden states, the highest and the mean technique
probability among them and log(1 + number of tokens), so a linear head sees what the text says, where it
starts and ends, how long it is and what the token tagger made of it. (Boundary tokens and length lifted
TC micro-F1 on validation from 0.495 to 0.506, and to 0.511 for the PTC-14 head, at epoch 1.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .encoder import Encoding


def token_range(offsets: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """[first, last) token rows overlapping characters [start, end); offsets are sorted as the tokenizer gives them."""
    first = int(np.searchsorted(offsets[:, 1], start, side="right"))
    last = int(np.searchsorted(offsets[:, 0], end, side="left"))
    return first, max(first, last)


def middle_means(encoding: Encoding, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """[len(bounds), hidden] float32: the mean middle-layer state of each stretch's tokens (zeros where it covers
    none); the roles and narratives heads read these. ValueError for an encoder that exports no middle layer."""
    if encoding.middle is None:
        raise ValueError("the encoder exports no middle layer")
    out = np.zeros((len(bounds), encoding.middle.shape[1]), np.float32)
    for row, (start, end) in enumerate(bounds):
        first, last = token_range(encoding.offsets, start, end)
        if last > first:
            out[row] = encoding.middle[first:last].astype(np.float32).mean(0)
    return out


def feature_size(encoding: Encoding) -> int:
    return (0 if encoding.hidden is None else 3 * encoding.hidden.shape[1]) + 2 * encoding.probs.shape[1] + 1


def stretch_features(encoding: Encoding, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """[len(bounds), feature_size] float32 (zeros for a stretch that covers no token)."""
    out = np.zeros((len(bounds), feature_size(encoding)), np.float32)
    if not len(encoding.offsets):
        return out
    for row, (start, end) in enumerate(bounds):
        first, last = token_range(encoding.offsets, start, end)
        if last == first:
            continue
        probs = encoding.probs[first:last]
        parts = [probs.max(0), probs.mean(0), [np.log1p(last - first)]]
        if encoding.hidden is not None:
            hidden = encoding.hidden[first:last].astype(np.float32)
            parts = [hidden.mean(0), hidden[0], hidden[-1], *parts]
        out[row] = np.concatenate(parts)
    return out
