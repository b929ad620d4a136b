"""Word shingles and their MinHash signatures: one implementation for the corpus dedup, the web library's
near-duplicates and the case bank's near-verbatim repeats, so every signature compares with every other."""

from __future__ import annotations

import functools
import re

import numpy as np
from datasketch import MinHash

PERMUTATIONS = 128
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces: punctuation, case and line breaks do not count."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def shingles(text: str, n: int) -> set[bytes]:
    """The word n-grams of the normalised text (one shingle for a text of fewer than n words)."""
    words = normalise(text).split()
    return {" ".join(words[i : i + n]).encode() for i in range(max(len(words) - n + 1, 1))} if words else set()


@functools.cache
def _blank() -> MinHash:
    return MinHash(num_perm=PERMUTATIONS)  # drawing the permutations is the slow part: once per process


def minhash_of(grams: set[bytes]) -> MinHash:
    """The MinHash of a shingle set; every caller uses the same PERMUTATIONS permutations, so signatures compare."""
    minhash = _blank().copy()
    minhash.update_batch(grams)
    return minhash


def signature(text: str, n: int) -> np.ndarray:
    """The [PERMUTATIONS] MinHash values of the text's word n-grams (all at the maximum for a text without
    words, which agrees with nothing real)."""
    return minhash_of(shingles(text, n)).hashvalues.astype(np.uint32)  # MinHash values are below 2**32
