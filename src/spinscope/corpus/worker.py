"""The shard worker every executor runs: it loads the pipeline once, analyses whole shards through the one run
loop and writes each durably with its completion marker (counts, seconds, and each step's documents and
seconds)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..data import Document
from ..runtime import available_cores
from .job import Shard
from .shards import RunFolder


def per_worker(settings: dict[str, Any], workers: int) -> dict[str, Any]:
    """The settings for one of `workers` processes: the encoder's parallel model calls share the cores."""
    streams = max(1, available_cores() // workers)
    components = {**settings["components"], "encoder": {**settings["components"]["encoder"], "streams": streams}}
    return {**settings, "components": components}


class ShardWorker:
    """Loads the pipeline once; analyses a shard through the run loop and writes it durably. With `run_pid` (a
    worker of another process) it ends when that process is gone (`lifeline.die_with`)."""

    def __init__(
        self,
        out: Path,
        settings: dict[str, Any],
        only: Sequence[str],
        skip: Sequence[str],
        run_pid: int | None = None,
    ) -> None:
        from ..api import load_pipeline
        from .lifeline import die_with

        if run_pid is not None:
            die_with(run_pid)
        self.folder = RunFolder(Path(out))
        self.settings = settings
        self.pipeline = load_pipeline(settings, only=only, skip=skip)

    def analyze(self, shard: Shard, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
        from ..runner import process
        from ..writers._common import records
        from .arrow import records_table

        t0 = time.perf_counter()
        before = self.pipeline.step_stats()
        rows: list[dict[str, Any]] = []
        rejected = [{"source": r.source, "message": r.message} for r in shard.rejected]

        def sink(docs: Iterable[Document]) -> None:
            for record in records(docs, self.settings):
                rows.append(record)
                if progress is not None:
                    progress(1)

        process(shard.docs, self.pipeline, sink, lambda r: rejected.append({"source": r.source, "message": r.message}))
        if progress is not None and rejected:
            progress(len(rejected))
        after = self.pipeline.step_stats()
        marker = {
            "shard": shard.index,
            "documents": len(rows),
            "rejected": len(rejected),
            "seconds": round(time.perf_counter() - t0, 3),
            "pid": os.getpid(),
            "steps": {
                name: {
                    "documents": after[name]["documents"] - before[name]["documents"],
                    "seconds": round(after[name]["seconds"] - before[name]["seconds"], 3),
                }
                for name in after
            },
        }
        self.folder.finish_shard(shard.index, records_table(rows), rejected, marker)
        return marker
