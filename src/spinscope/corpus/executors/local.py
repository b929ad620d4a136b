"""The local executor: shards in this process (one worker), or on a pool of spawned processes (several)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..job import Shard
from ..worker import ShardWorker, per_worker
from .base import IN_FLIGHT, Executor, Progress


class LocalExecutor(Executor):
    def run(self, shards: Iterable[Shard], progress: Progress) -> Iterator[dict[str, Any]]:
        job = self.job
        if job.workers <= 1:  # progress per document
            worker = ShardWorker(job.out, job.settings, job.only, job.skip)
            for shard in shards:
                yield worker.analyze(shard, progress)
            return
        yield from self._in_processes(shards, progress)

    def _in_processes(self, shards: Iterable[Shard], progress: Progress) -> Iterator[dict[str, Any]]:
        """Shards on `workers` processes, spawned: nothing of the parent's threads or models is inherited; each
        worker dies with this process (`lifeline`)."""
        job = self.job
        settings = per_worker(job.settings, job.workers)
        args = (str(job.out), settings, job.only, job.skip, os.getpid())
        with ProcessPoolExecutor(
            job.workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=args
        ) as pool:
            pending = set()
            for shard in shards:
                pending.add(pool.submit(_work, shard))
                if len(pending) >= IN_FLIGHT * job.workers:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (self.finished(f.result(), progress) for f in done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (self.finished(f.result(), progress) for f in done)


_WORKER: ShardWorker | None = None


def _init_worker(out: str, settings: dict[str, Any], only: list[str], skip: list[str], run_pid: int) -> None:
    global _WORKER
    _WORKER = ShardWorker(Path(out), settings, only, skip, run_pid)


def _work(shard: Shard) -> dict[str, Any]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.analyze(shard)
