"""Syndication clusters of a corpus run: `corpus.dedup` over the finished shards, into `clusters.parquet`.

Run at the end of every `corpus run` over all finished shards (reading them in batches, so only the MinHash
signatures stay in memory), one row per cluster member: cluster, member, kind, similarity, earliest. The
`clusters` view of `corpus query` and the report's syndication section read it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .dedup import Deduper
from .query import CLUSTERS_FILE
from .shards import RunFolder, durable_write

COLUMNS = ["id", "text", "date", "source", "language", "meta"]


def cluster_run(root: Path, translations: bool = True) -> int:
    """Write `clusters.parquet` for the run in `root`; returns the number of clusters."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    deduper = Deduper(translations=translations)
    for path in RunFolder(root).shard_files():
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1000, columns=COLUMNS):
            for row in batch.to_pylist():
                meta = json.loads(row["meta"] or "{}")
                body = row["text"][meta.get("header_end", 0) :]
                deduper.add(row["id"], body, row["date"], meta.get("url") or row["source"], row["language"])
    clusters = deduper.clusters()
    rows = [
        {
            "cluster": c["cluster"],
            "member": m,
            "kind": c["kind"],
            "similarity": c["similarity"],
            "earliest": c["earliest"],
        }
        for c in clusters
        for m in c["members"]
    ]
    schema = pa.schema(
        [("cluster", pa.string()), ("member", pa.string()), ("kind", pa.string()), ("similarity", pa.float64()),
         ("earliest", pa.string())]
    )  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=schema)
    durable_write(root / CLUSTERS_FILE, lambda fh: pq.write_table(table, fh))
    return len(clusters)
