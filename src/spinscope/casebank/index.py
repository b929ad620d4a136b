"""The bank's titles and claims as sentence embeddings, cached next to the bank file, searched by cosine.

Each case gives up to two rows: its title and its claim (EUvsDisinfo writes them as two wordings of the same
claim, so a sentence close to either one is close to the case). The cache (`<bank>.index-<model>.npz`) keeps
each case's digest, so after an import only new or changed cases are embedded again. Exact and near-verbatim
repeats are found before any embedding: a normalised-text table and MinHash signatures of word shingles.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..embedder import DENSITY_ROWS, SentenceEmbedder, density
from ..minhash import PERMUTATIONS, normalise, signature
from .store import CaseBank

logger = logging.getLogger(__name__)

BRUTE_ROWS = 20_000  # case rows searched exactly (~1.6 ms a sentence); beyond, an HNSW index (benchmarks/RESULTS.md)
MINHASH_THRESHOLD = 0.6  # estimated Jaccard of word 3-shingles for a near-verbatim repeat
SHINGLE = 3  # words per shingle


@dataclass
class CaseIndex:
    """Rows of embedded texts; `case_of[row]` is the index of its case in `ids`."""

    ids: list[str]
    digests: list[str]
    case_of: np.ndarray  # [rows] int32
    vectors: np.ndarray  # [rows, dim] float16, unit length
    signatures: np.ndarray  # [rows, PERMUTATIONS] uint32
    exact: dict[str, int]  # normalised title or claim -> case index
    ann_path: Path | None = None  # where the HNSW index of a large bank is kept
    embedder: str = ""  # fingerprint of the model that embedded the rows (a changed model re-embeds them all)
    _matrix: np.ndarray | None = field(default=None, repr=False)  # float32 rows for exact search

    @classmethod
    def build(cls, bank: CaseBank, embedder: SentenceEmbedder, cache: Path | None = None) -> CaseIndex:
        """The index of every case in `bank`, reusing the cached rows of cases whose digest is unchanged."""
        old = _load(cache, embedder.fingerprint) if cache is not None and cache.is_file() else None
        reuse: dict[tuple[str, str], list[int]] = {}
        if old is not None:
            for row, case in enumerate(old.case_of):
                reuse.setdefault((old.ids[case], old.digests[case]), []).append(row)
        ids, digests, texts, case_of, sources = [], [], [], [], []  # sources: old row, or -1 - new text
        every: list[str] = []  # each row's text
        exact: dict[str, int] = {}
        for case_id, digest, title, claim in bank.texts():
            k = len(ids)
            ids.append(case_id)
            digests.append(digest)
            wordings = list(dict.fromkeys(t for t in (title, claim) if t.strip()))
            for text in wordings:
                exact.setdefault(normalise(text), k)
            cached = reuse.get((case_id, digest), [])
            if len(cached) != len(wordings):
                cached = [-1 - len(texts) - i for i in range(len(wordings))]
                texts.extend(wordings)
            sources.extend(cached)
            case_of.extend([k] * len(wordings))
            every.extend(wordings)
        if texts:
            logger.info("embedding %d case texts for the matching index", len(texts))
        src = np.array(sources, np.int64)
        reused = src >= 0
        vectors = np.zeros((len(src), embedder.dim), np.float16)
        if texts:
            vectors[~reused] = embedder.embed(texts).astype(np.float16)[-1 - src[~reused]]
        if old is not None and reused.any():
            vectors[reused] = old.vectors[src[reused]]
        resigned = old is None or old.signatures.shape[1] != PERMUTATIONS  # no cache, or one of other signatures
        sigs = np.zeros((len(src), PERMUTATIONS), np.uint32)
        if not resigned:
            sigs[reused] = old.signatures[src[reused]]
        for row in np.flatnonzero(~reused | resigned):
            sigs[row] = signature(every[row], SHINGLE)
        index = cls(ids, digests, np.array(case_of, np.int32), vectors, sigs, exact, cache, embedder.fingerprint)
        if cache is not None and (texts or resigned or len(old.ids) != len(ids)):
            index.save(cache)
        return index

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp.npz")
        try:
            np.savez(
                tmp,
                ids=np.array(self.ids),
                digests=np.array(self.digests),
                case_of=self.case_of,
                vectors=self.vectors,
                signatures=self.signatures,
                embedder=np.array(self.embedder),
            )
            tmp.replace(path)
        except OSError as exc:  # a read-only folder: the index is rebuilt next time
            logger.info("matching index not cached (%s)", exc)

    def nearest(self, queries: np.ndarray, k: int) -> list[tuple[list[tuple[int, int, float]], float]]:
        """For each query vector: up to k (case index, row, cosine), best first, one per case, and the
        query's `density` over the bank. Exact search up to BRUTE_ROWS rows, an HNSW index (usearch) beyond."""
        width = min(2 * k + DENSITY_ROWS, len(self.vectors))
        if len(self.vectors) <= BRUTE_ROWS:
            if self._matrix is None:
                self._matrix = self.vectors.astype(np.float32)
            rows, sims = top_rows(queries, self._matrix, width)
        else:
            rows, sims = self._ann().search(queries, width)
        return [per_case(r, s, self.case_of, k) for r, s in zip(rows, sims, strict=True)]

    def _ann(self):
        """The HNSW index of the rows, loaded from beside the cache when it was built for the same rows."""
        from usearch.index import Index

        index = Index(ndim=self.vectors.shape[1], metric="cos", dtype="i8")
        key = hashlib.sha1("\n".join([self.embedder, *self.digests]).encode()).hexdigest()[:12]
        path = self.ann_path.with_name(f"{self.ann_path.stem}-{key}.usearch") if self.ann_path else None
        if path is not None and path.is_file():
            index.load(str(path))
        else:
            logger.info("building the HNSW index of %d case rows", len(self.vectors))
            index.add(np.arange(len(self.vectors)), self.vectors.astype(np.float32))
            if path is not None:
                with contextlib.suppress(OSError):
                    index.save(str(path))
        return _Ann(index)

    def repeats(self, text: str) -> tuple[int, str] | None:
        """(case index, "exact" | "minhash") when the text repeats a case's title or claim (near) verbatim."""
        key = normalise(text)
        if key in self.exact:
            return self.exact[key], "exact"
        if len(key.split()) < 6 or not len(self.signatures):
            return None
        agree = (self.signatures == signature(text, SHINGLE)[None, :]).mean(1)
        best = int(agree.argmax())
        return (int(self.case_of[best]), "minhash") if agree[best] >= MINHASH_THRESHOLD else None


class _Ann:
    def __init__(self, index) -> None:
        self.index = index

    def search(self, queries: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
        found = self.index.search(queries.astype(np.float32), width)
        keys = np.atleast_2d(found.keys).astype(np.int64)
        return keys, 1.0 - np.atleast_2d(found.distances).astype(np.float32)


def top_rows(queries: np.ndarray, matrix: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact search: the `width` best rows [q, width] and their cosines, best first."""
    sims = queries.astype(np.float32) @ matrix.T
    rows = np.argpartition(-sims, width - 1, axis=1)[:, :width]
    best = np.take_along_axis(sims, rows, 1)
    order = np.argsort(-best, axis=1)
    return np.take_along_axis(rows, order, 1), np.take_along_axis(best, order, 1)


def per_case(rows: np.ndarray, sims: np.ndarray, case_of: np.ndarray, k: int):
    """(up to k (case, row, cosine) one per case, best first; the query's density) from its best rows."""
    best: dict[int, tuple[int, int, float]] = {}
    for r, sim in zip(rows, sims, strict=True):
        if r >= 0:
            best.setdefault(int(case_of[r]), (int(case_of[r]), int(r), float(sim)))
    return list(best.values())[:k], density(sims)


def nearest_cases(queries: np.ndarray, vectors: np.ndarray, case_of: np.ndarray, k: int):
    """`CaseIndex.nearest` by exact search over any float32 rows (the training code's bank)."""
    if not len(vectors):
        return [([], 0.0) for _ in queries]
    rows, sims = top_rows(queries, vectors, min(2 * k + DENSITY_ROWS, len(vectors)))
    return [per_case(r, s, case_of, k) for r, s in zip(rows, sims, strict=True)]


def _load(path: Path, embedder: str) -> CaseIndex | None:
    """The cached rows, or None when unreadable or embedded by another model."""
    try:
        with np.load(path) as z:
            if str(z["embedder"]) != embedder:
                logger.info("matching index %s was embedded by another model; re-embedding", path)
                return None
            ids, digests = z["ids"].tolist(), z["digests"].tolist()
            return CaseIndex(ids, digests, z["case_of"], z["vectors"], z["signatures"], {})
    except (OSError, ValueError, KeyError) as exc:
        logger.info("unreadable matching index %s (%s); rebuilding it", path, exc)
        return None
