"""Syndication clusters: near-duplicates by MinHash-LSH over word shingles, translations by sentence embeddings.

Documents are added one at a time and only their signatures are kept (128 MinHash values, the shingle count,
date, source and, with translations, up to eight sentence vectors), never their texts: about 13 KB a document
with the LSH index, 8 KB more with translations. Near-duplicates: each
new document queries the LSH index of the earlier ones and a candidate joins its cluster (union-find) when the
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

import functools
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..data import Document
from ..errors import Errors, ModelMissing, SpinscopeError

SHINGLE = 4  # words per shingle (3 let common phrases make short texts look contained)
PERMUTATIONS = 128
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

_NON_WORD = re.compile(r"[\W_]+")
_ENDS = "[.!?\u0964\u3002\u2026]"  # full stop, ?, !, Devanagari danda, ideographic full stop, ellipsis
_SENTENCE_END = re.compile(rf"(?<={_ENDS})\s+|(?<={_ENDS}[\"'\u00bb\u201d])\s+")
_UNDATED = datetime.max.replace(tzinfo=UTC)


def normalise(text: str) -> str:
    """Lowercase words joined by single spaces: punctuation, case and line breaks do not count."""
    return _NON_WORD.sub(" ", text.lower()).strip()


def shingles(text: str, n: int = SHINGLE) -> set[bytes]:
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
    ) -> None:
        for value in (threshold, translation_threshold):
            if not 0.0 < value <= 1.0:
                raise SpinscopeError(Errors.E802(value=value))
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS)
        self.signatures: list[np.ndarray] = []
        self.sizes: list[int] = []
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.sources: list[str | None] = []
        self.languages: list[str | None] = []
        self.forest = _Forest()
        self.translations: _Translations | None = None
        if translations:
            if embedder is None:
                from ..pipeline.embedder import load_embedder

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
        minhash = minhash_of(grams)
        signature = minhash.hashvalues
        for other in self.lsh.query(minhash):
            score = containment(signature, len(grams), self.signatures[other], self.sizes[other])
            if score >= self.threshold:
                self.forest.link(number, other, score, False)
        self.lsh.insert(number, minhash, check_duplication=False)
        self.signatures.append(signature)
        self.sizes.append(len(grams))
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


def containment(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float:
    """Estimated share of the smaller shingle set found in the larger, from the Jaccard estimate and sizes."""
    jaccard = float(np.count_nonzero(a == b)) / len(a)
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(shared / min(size_a, size_b), 1.0)
