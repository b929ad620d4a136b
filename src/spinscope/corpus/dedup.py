"""Syndication clusters: near-duplicates by MinHash-LSH over word shingles, translations by sentence embeddings.

Documents are added one at a time and only their signatures are kept (128 MinHash values, the shingle count,
date, source and, with translations, up to eight sentence vectors), never their texts: about 3.5 KB a document
with the LSH index (`BandIndex`), 8 KB more with translations. Near-duplicates: each new document queries the
LSH index of the earlier ones and a candidate joins its cluster (union-find) when the
estimated containment of the smaller shingle set in the larger reaches `threshold`, so a copy with boilerplate
added, cut short, re-segmented or lightly edited stays with its original. Translations (optional): for each
document, the nearest documents in other languages (exact search over mean sentence vectors) are accepted when
their first sentences align (mean best-match cosine, both ways). Thresholds: benchmarks/RESULTS.md (issue #15).

A cluster (singletons are not reported) is a dict: `cluster` (a hash of the sorted member ids, stable across
runs and input orders), `kind` ("translation" when a cross-language link holds it together, else
"near-duplicate"), `similarity` (the lowest score among the verified links inside it), `earliest` (the id of the
member with the earliest date, ties and undated members by input order), `members` (ids, earliest first) and,
parallel to `members`, `dates`, `sources`, `domains` (host of the source URL, no "www.") and `languages`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from ..data import Document
from ..errors import Errors, ModelMissing, SpinscopeError
from ..minhash import PERMUTATIONS, minhash_of, shingles

SHINGLE = 4  # words per shingle (3 let common phrases make short texts look contained)
THRESHOLD = 0.5  # estimated containment (smaller set in larger) that makes two documents near-duplicates
LSH_THRESHOLD = 0.3  # Jaccard around which the LSH bands are tuned (37 bands of 3): candidates, each verified
TRANSLATION_THRESHOLD = 0.875  # alignment (mean best-match cosine of the first sentences) of a translation
CANDIDATES = 10  # nearest documents in the other languages, per document, whose sentences are aligned
SENTENCES = 8  # the first sentences of at least SENTENCE_WORDS words are embedded ...
QUERY = 6  # ... and each of the first QUERY of one document is matched with the best of the other's SENTENCES
SENTENCE_WORDS = 6
SHRINK = 10  # a language of n documents loses the share n / (n + SHRINK) of its mean vector (30: candidates missed)
EMBED_BATCH = 64  # documents whose sentences are embedded in one call
BLOCK = 256  # rows per block of the exact cosine search

_ENDS = "[.!?\u0964\u3002\u2026]"  # full stop, ?, !, Devanagari danda, ideographic full stop, ellipsis
_SENTENCE_END = re.compile(rf"(?<={_ENDS})\s+|(?<={_ENDS}[\"'\u00bb\u201d])\s+")
_UNDATED = datetime.max.replace(tzinfo=UTC)


def sentences(text: str, k: int = SENTENCES, min_words: int = SENTENCE_WORDS) -> list[str]:
    """The first k sentences of at least min_words words (titles, bylines and datelines are shorter)."""
    found: list[str] = []
    for line in text.splitlines():
        found += [s.strip() for s in _SENTENCE_END.split(line) if len(s.split()) >= min_words]
        if len(found) >= k:
            break
    return found[:k]


def domain(source: str | None) -> str | None:
    """The host of a URL without "www.", or None when the source is no URL."""
    host = urlsplit(source).hostname if source and "://" in source else None
    return host.removeprefix("www.") if host else None


def _when(date: str | None) -> datetime:
    """A sortable instant of an ISO date or date-time (naive ones taken as UTC); the far future when none."""
    try:
        when = datetime.fromisoformat(date) if date else _UNDATED
    except ValueError:
        return _UNDATED
    return when if when.tzinfo else when.replace(tzinfo=UTC)


BANDS, ROWS = 37, 3  # datasketch's optimal banding of PERMUTATIONS values for LSH_THRESHOLD (a test checks it)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signature: np.ndarray, bands: int = BANDS, rows: int = ROWS) -> np.ndarray:
    """[bands] nonzero 64-bit keys: two signatures share a key when a band of `rows` values is equal in both
    (and, rarely, by a hash collision: candidates are verified anyway)."""
    values = signature[: bands * rows].astype(np.uint64).reshape(bands, rows)
    key = np.arange(1, bands + 1, dtype=np.uint64) * _MIX
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ values[:, r]) * _MIX
            key ^= key >> np.uint64(31)
    return key | np.uint64(1)


class BandIndex:
    """MinHash-LSH candidates in flat arrays (under 2 KB a document; datasketch's MinHashLSH held ~11 KB in
    Python objects): an open-addressing table from band key to the newest entry, each entry a document and the
    entry before it with the same key."""

    def __init__(self, capacity: int = 1 << 12) -> None:
        self.keys = np.zeros(capacity, np.uint64)  # 0: empty slot
        self.heads = np.zeros(capacity, np.int64)
        self.used = 0
        self.docs = np.zeros(1 << 12, np.int32)
        self.before = np.zeros(1 << 12, np.int64)  # -1 ends a chain
        self.entries = 0

    def query(self, keys: np.ndarray) -> np.ndarray:
        """The documents that share one of these keys, sorted."""
        pos = self._slots(keys)
        return self._members(self.heads[pos[self.keys[pos] == keys]])

    def add(self, number: int, keys: np.ndarray) -> np.ndarray:
        """`query(keys)`, then document `number` filed under the keys."""
        while 2 * (self.used + len(keys)) > len(self.keys):  # at most half full, so every probe ends
            self._grow()
        while self.entries + len(keys) > len(self.docs):
            self.docs = np.resize(self.docs, 2 * len(self.docs))
            self.before = np.resize(self.before, 2 * len(self.before))
        pos = self._slots(keys)
        fresh = self.keys[pos] != keys
        found = self._members(self.heads[pos[~fresh]])
        if np.unique(pos[fresh]).size < np.count_nonzero(fresh):  # two new keys stop at one free slot (rare)
            for i in range(len(keys)):
                self.add(number, keys[i : i + 1])
            return found
        entries = np.arange(self.entries, self.entries + len(keys))
        self.before[entries] = np.where(fresh, -1, self.heads[pos])
        self.keys[pos[fresh]] = keys[fresh]
        self.heads[pos] = entries
        self.docs[entries] = number
        self.used += int(np.count_nonzero(fresh))
        self.entries += len(keys)
        return found

    def _members(self, entries: np.ndarray) -> np.ndarray:
        """The documents of the chains that start at `entries` (all walked at once, a step a round)."""
        found = []
        while entries.size:
            found.append(self.docs[entries])
            entries = self.before[entries]
            entries = entries[entries >= 0]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int32)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        """Each key's slot, or the empty slot where its probe stops (linear probing, all keys at once)."""
        mask = len(self.keys) - 1
        pos = (keys & np.uint64(mask)).astype(np.int64)
        todo = np.arange(len(keys))
        while todo.size:
            seen = self.keys[pos[todo]]
            todo = todo[(seen != keys[todo]) & (seen != 0)]
            pos[todo] = (pos[todo] + 1) & mask
        return pos

    def _grow(self) -> None:
        """Double the table and place every key again (vectorised: one winner per free slot a round)."""
        full = self.keys != 0
        keys, heads = self.keys[full], self.heads[full]
        self.keys = np.zeros(2 * len(self.keys), np.uint64)
        self.heads = np.zeros(len(self.keys), np.int64)
        mask = len(self.keys) - 1
        pos = (keys & np.uint64(mask)).astype(np.int64)
        pending = np.arange(len(keys))
        while pending.size:
            free = np.flatnonzero(self.keys[pos[pending]] == 0)
            _, first = np.unique(pos[pending[free]], return_index=True)
            won = pending[free[first]]
            self.keys[pos[won]], self.heads[pos[won]] = keys[won], heads[won]
            left = np.ones(pending.size, bool)
            left[free[first]] = False
            pending = pending[left]
            pos[pending] = (pos[pending] + 1) & mask


class _Forest:
    """Union-find over document numbers; each root keeps its cluster's weakest link and whether one crossed
    languages."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.weakest: dict[int, float] = {}
        self.crosses: set[int] = set()

    def grow(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def link(self, i: int, j: int, score: float, cross: bool) -> None:
        a, b = sorted((self.find(i), self.find(j)))
        weakest = min(score, self.weakest.pop(a, 1.0), self.weakest.pop(b, 1.0) if a != b else 1.0)
        crosses = cross or a in self.crosses or b in self.crosses
        self.crosses.discard(b)
        self.parent[b] = a
        self.weakest[a] = weakest
        if crosses:
            self.crosses.add(a)


class _Translations:
    """Sentence vectors of the documents added, embedded in batches, and the translation links among them."""

    def __init__(self, embedder: Any, threshold: float) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.pending: list[tuple[int, str, list[str]]] = []
        self.docs: list[int] = []
        self.langs: list[str] = []
        self.means: list[np.ndarray] = []  # mean of the first QUERY sentence vectors
        self.vectors: list[np.ndarray] = []  # float16 [sentences, dim] per document

    def add(self, number: int, language: str, texts: list[str]) -> None:
        if texts:
            self.pending.append((number, language, texts))
        if len(self.pending) >= EMBED_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        flat = self.embedder.embed([t for _, _, texts in self.pending for t in texts])
        start = 0
        for number, language, texts in self.pending:
            vectors = flat[start : start + len(texts)]
            start += len(texts)
            self.docs.append(number)
            self.langs.append(language)
            self.means.append(vectors[:QUERY].mean(0).astype(np.float32))
            self.vectors.append(vectors.astype(np.float16))
        self.pending.clear()

    def links(self) -> Iterator[tuple[int, int, float]]:
        """(document, document, alignment) of every verified translation pair. Candidates: the nearest documents
        in the other languages by the cosine of their mean vectors, each language's mean vector removed first
        (what is common to a language's texts would otherwise outweigh what a translation shares)."""
        self.flush()
        langs = np.array(self.langs)
        means = np.stack(self.means) if self.means else np.zeros((0, 1), np.float32)
        for lang in set(self.langs):
            rows = langs == lang
            means[rows] -= means[rows].mean(0) * (rows.sum() / (rows.sum() + SHRINK))
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
        for lang in sorted(set(self.langs)):
            rows, others = np.flatnonzero(langs == lang), np.flatnonzero(langs > lang)
            k = min(CANDIDATES, len(others))
            for start in range(0, len(rows) if k else 0, BLOCK):
                block = rows[start : start + BLOCK]
                top = np.argpartition(-(means[block] @ means[others].T), k - 1, axis=1)[:, :k]
                for r, cols in zip(block, top, strict=True):
                    for o in others[cols]:
                        score = alignment(self.vectors[r].astype(np.float32), self.vectors[o].astype(np.float32))
                        if score >= self.threshold:
                            yield self.docs[r], self.docs[o], score


def alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Mean best-match cosine of each one of a document's first QUERY sentences among the other's sentences,
    averaged over both directions (so an added or dropped lede costs a match, not the alignment)."""
    sims = a @ b.T
    return float((sims[:QUERY].max(1).mean() + sims[:, :QUERY].max(0).mean()) / 2)


class Deduper:
    """Streaming syndication clusters: `add` documents one by one, then read `clusters()`."""

    def __init__(
        self,
        threshold: float = THRESHOLD,
        *,
        translations: bool = False,
        translation_threshold: float = TRANSLATION_THRESHOLD,
        embedder: Any = None,
        banding: tuple[int, int] = (BANDS, ROWS),
    ) -> None:
        for value in (threshold, translation_threshold):
            if not 0.0 < value <= 1.0:
                raise SpinscopeError(Errors.E802(value=value))
        self.threshold = threshold
        self.banding = banding  # (bands, rows per band) of the LSH
        self.index = BandIndex()
        self.signatures = np.zeros((1 << 10, PERMUTATIONS), np.uint32)  # rows 0..len(self)-1; MinHash values < 2**32
        self.sizes = np.zeros(1 << 10, np.int64)  # shingles of each document
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.sources: list[str | None] = []
        self.languages: list[str | None] = []
        self.forest = _Forest()
        self.translations: _Translations | None = None
        if translations:
            if embedder is None:
                from ..embedder import load_embedder

                embedder = load_embedder()
            if embedder is None:
                from ..models import model_path

                raise ModelMissing(Errors.E803(path=model_path("retrieval")))
            self.translations = _Translations(embedder, translation_threshold)

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self, doc_id: str, text: str, date: str | None = None, source: str | None = None, language: str | None = None
    ) -> None:
        """Add one document; its near-duplicate links to the earlier ones are found at once."""
        grams = shingles(text, SHINGLE)
        if not grams:
            return
        number = self.forest.grow()
        signature = minhash_of(grams).hashvalues.astype(np.uint32)
        keys = band_keys(signature, *self.banding)
        others = self.index.add(number, keys)
        scores = containment(signature, len(grams), self.signatures[others], self.sizes[others])
        kept = scores >= self.threshold
        for other, score in zip(others[kept].tolist(), scores[kept].tolist(), strict=True):
            self.forest.link(number, other, score, False)
        if number == len(self.signatures):
            self.signatures = np.resize(self.signatures, (2 * number, PERMUTATIONS))
            self.sizes = np.resize(self.sizes, 2 * number)
        self.signatures[number], self.sizes[number] = signature, len(grams)
        self.ids.append(doc_id)
        self.dates.append(date)
        self.sources.append(source)
        if self.translations is not None and not language:
            from ..pipeline.language import identify

            language = identify(text)[0]
        self.languages.append(language)
        if self.translations is not None:
            self.translations.add(number, language or "", sentences(text))

    def add_document(self, doc: Document) -> None:
        """Add a read Document: its body (after a date header), date, URL (else source) and language."""
        body = doc.text[doc.meta.get("header_end", 0) :]
        self.add(doc.id, body, doc.date, doc.meta.get("url") or doc.source or None, doc.language)

    def clusters(self) -> list[dict[str, Any]]:
        """Every cluster of two or more documents, in the input order of their first members."""
        if self.translations is not None:
            for i, j, score in self.translations.links():
                self.forest.link(i, j, score, True)
        groups: dict[int, list[int]] = {}
        for number in range(len(self.ids)):
            groups.setdefault(self.forest.find(number), []).append(number)
        return [self._cluster(root, members) for root, members in groups.items() if len(members) > 1]

    def _cluster(self, root: int, numbers: list[int]) -> dict[str, Any]:
        numbers = sorted(numbers, key=lambda n: (_when(self.dates[n]), n))
        ids = [self.ids[n] for n in numbers]
        key = hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest()[:12]
        return {
            "cluster": key,
            "kind": "translation" if root in self.forest.crosses else "near-duplicate",
            "similarity": round(self.forest.weakest[root], 4),
            "earliest": ids[0],
            "members": ids,
            "dates": [self.dates[n] for n in numbers],
            "sources": [self.sources[n] for n in numbers],
            "domains": [domain(self.sources[n]) for n in numbers],
            "languages": [self.languages[n] for n in numbers],
        }


def containment(a: np.ndarray, size_a: int, b: np.ndarray, size_b: Any) -> Any:
    """Estimated share of the smaller shingle set found in the larger, from the Jaccard estimate and sizes; `b`
    may be a [n, PERMUTATIONS] stack of signatures with `size_b` their [n] sizes (then [n] scores)."""
    jaccard = np.count_nonzero(a == b, axis=-1) / a.shape[-1]
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return np.minimum(shared / np.minimum(size_a, size_b), 1.0)
