"""`corpus export`: the records of a run's documents (all, or those an SQL condition picks) in any record
format (`writers.base.RecordWriter`: jsonl, json, stix, misp, labelstudio)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .arrow import records_of
from .query import QueryLimits, run_query
from .shards import RunFolder


def exported_records(root: Path, where: str = "", limits: QueryLimits = QueryLimits()) -> Iterator[dict[str, Any]]:
    """Every finished document's record in shard order; with `where` (an SQL condition on the `documents`
    view, run on the sandboxed connection) only the documents it selects."""
    import pyarrow.parquet as pq

    folder = RunFolder(root)
    folder.require()
    chosen = None
    if where.strip():
        _, rows = run_query(root, f"SELECT id FROM documents WHERE {where}", limits=limits)
        chosen = {row[0] for row in rows}
    for path in folder.shard_files():
        for record in records_of(pq.read_table(path)):
            if chosen is None or record["id"] in chosen:
                yield record
