"""Named entities from the shared encoder pass: a linear BIO head over each token's hidden state.

For languages without a named-entity model of their own (German, Italian, Polish, ...), the `head`
recogniser of the entities component reads the tokens' last hidden states of the one encoder pass (no
second model) and tags them O / B-<type> / I-<type> (PER, ORG, LOC) with a softmax head (`models/entities`)
fitted on silver labels that spaCy (en, fr) and natasha (ru) gave the SemEval training articles
(`spinscope train entities`). A mention is a run of tokens of one type, widened to whole words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .encoder import Encoding
from .linear_head import LinearHead

OUTSIDE = "O"


def token_labels(encoding: Encoding, head: LinearHead) -> list[str]:
    """The head's label of every token (O where hidden states were not exported)."""
    if encoding.hidden is None or not len(encoding.offsets):
        return [OUTSIDE] * len(encoding.offsets)
    scores = head.scores(encoding.hidden.astype(np.float32))
    return [head.labels[k] for k in scores.argmax(1)]


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """Token offsets carry the space before a word: trim to the letters, then widen to whole words."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def decode(text: str, offsets: np.ndarray, labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token labels -> (start, end, type) mentions widened to whole words, no two overlapping.

    A mention is a run of tokens of one type (B and I alike: the head often starts a new B inside a name,
    "Emmanuel|B Macron|B"); a token of another type or O ends it."""
    runs: list[list] = []  # [start, end, type]
    previous = OUTSIDE
    for (a, b), label in zip(offsets.tolist(), labels, strict=True):
        typ = label.partition("-")[2]
        if typ and runs and previous == typ:
            runs[-1][1] = b
        elif typ:
            runs.append([a, b, typ])
        previous = typ or OUTSIDE
    merged: list[tuple[int, int, str]] = []
    for a, b, typ in runs:
        start, end = _widened(text, a, b)
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(end, last[1]), last[2])
        else:
            merged.append((start, end, typ))
    return merged
