"""Case bank at scale: import rate, size on disk, embedding rate and search latency with synthetic cases.

    python benchmarks/bench_casebank.py [--cases 100000] [--queries 64]

Synthetic cases (random words) go through `CaseBank.upsert` into a fresh SQLite file; search runs over
random unit vectors of the bank's size (two rows per case, title and claim, as the index holds them):
exact search (numpy, what `casebank.index` uses up to BRUTE_ROWS rows) and the HNSW index (usearch, int8)
beyond. Embedding 1M real texts would take hours here, so the embedder's rate is measured on 2,000 texts.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from spinscope.casebank import Case, CaseBank
from spinscope.casebank.index import top_rows
from spinscope.embedder import load_embedder

WORDS = [
    "nato",
    "ukraine",
    "russia",
    "eu",
    "election",
    "vaccine",
    "border",
    "army",
    "gas",
    "sanctions",
    "media",
    "secret",
    "plan",
    "west",
    "east",
]


def synthetic(n: int, rng: np.random.Generator):
    for i in range(n):
        words = " ".join(rng.choice(WORDS, 14))
        yield Case(f"syn-{i}", "synthetic", f"Case {i}: {words}", f"Claim {i}: {words} {words}", rebuttal="No.")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=64)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"date: {date.today()}  machine: {platform.machine()}, {args.cases} synthetic cases")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.sqlite"
        t0 = time.perf_counter()
        with CaseBank(path, create=True) as bank:
            bank.upsert(synthetic(args.cases, rng))
        took = time.perf_counter() - t0
        print(f"import: {args.cases / took:,.0f} cases/s ({took:.1f} s), {path.stat().st_size / 1e6:.0f} MB on disk")
    embedder = load_embedder()
    texts = [" ".join(rng.choice(WORDS, 14)) for _ in range(2000)]
    t0 = time.perf_counter()
    embedder.embed(texts)
    print(f"embedding: {len(texts) / (time.perf_counter() - t0):,.0f} texts/s (once per case text, at first use)")
    rows = 2 * args.cases
    vectors = rng.standard_normal((rows, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[: args.queries] + 0.05 * rng.standard_normal((args.queries, 384)).astype(np.float32)
    t0 = time.perf_counter()
    for q in queries:
        top_rows(q[None], vectors, 20)
    exact = (time.perf_counter() - t0) / args.queries
    print(
        f"exact search: {exact * 1000:.1f} ms per sentence over {rows:,} rows ({vectors.nbytes / 1e6:.0f} MB float32)"
    )
    from usearch.index import Index

    index = Index(ndim=384, metric="cos", dtype="i8")
    t0 = time.perf_counter()
    index.add(np.arange(rows), vectors)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = index.search(queries, 20)
    hnsw = (time.perf_counter() - t0) / args.queries
    recall = float(np.mean([found.keys[i][0] == i for i in range(args.queries)]))
    with tempfile.TemporaryDirectory() as tmp:
        index.save(f"{tmp}/i.usearch")
        size = Path(f"{tmp}/i.usearch").stat().st_size / 1e6
    print(
        f"HNSW (usearch, int8): built in {built:.0f} s, {hnsw * 1000:.2f} ms per sentence, {size:.0f} MB, "
        f"recall@1 of the planted neighbour {recall:.2f}"
    )


if __name__ == "__main__":
    main()
