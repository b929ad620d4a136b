"""Features of a stretch of text (a line, a given span) pooled from the one encoder pass.

A stretch [start, end) covers the tokens whose character ranges overlap it. Its feature vector is the mean
of those tokens' last hidden states followed by the highest and the mean technique probability among them,
so a linear head sees both what the text says and what the token tagger made of it.
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


def feature_size(encoding: Encoding) -> int:
    return (0 if encoding.hidden is None else encoding.hidden.shape[1]) + 2 * encoding.probs.shape[1]


def stretch_features(encoding: Encoding, bounds: Sequence[tuple[int, int]]) -> np.ndarray:
    """[len(bounds), feature_size] float32: mean hidden state, max and mean probabilities (zeros if no token)."""
    out = np.zeros((len(bounds), feature_size(encoding)), np.float32)
    n_hidden = out.shape[1] - 2 * encoding.probs.shape[1]
    if not len(encoding.offsets):
        return out
    for row, (start, end) in enumerate(bounds):
        first, last = token_range(encoding.offsets, start, end)
        if last == first:
            continue
        probs = encoding.probs[first:last]
        if n_hidden:
            out[row, :n_hidden] = encoding.hidden[first:last].astype(np.float32).mean(0)
        out[row, n_hidden:] = np.concatenate([probs.max(0), probs.mean(0)])
    return out
