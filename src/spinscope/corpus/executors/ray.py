"""The Ray executor (`--executor ray`, the `[ray]` extra): the same shard workers as Ray actors.

Each of `--workers` actors loads the pipeline once and analyses whole shards through the run loop, writing
them into the output folder exactly as local workers do, so the folder must be one that every node sees (a
shared file system). Without `RAY_ADDRESS` a local Ray runtime is started on this machine's cores; with it
(`RAY_ADDRESS=ray://head:10001` or `auto`) the actors run on that cluster.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from ..._optional import require
from ...runtime import available_cores
from ..job import Shard
from ..worker import ShardWorker, per_worker
from .base import IN_FLIGHT, Executor, Progress


class RayExecutor(Executor):
    def run(self, shards: Iterable[Shard], progress: Progress) -> Iterator[dict[str, Any]]:
        ray = require("ray", feature="the ray executor")
        job = self.job
        address = os.environ.get("RAY_ADDRESS")
        if not ray.is_initialized():
            ray.init(address=address, num_cpus=None if address else available_cores(), include_dashboard=False,
                     log_to_driver=False)  # fmt: skip
        cores = 1 if address else max(1, available_cores() // job.workers)
        actor = ray.remote(num_cpus=cores)(ShardWorker)
        settings = per_worker(job.settings, job.workers)
        run_pid = None if address else os.getpid()  # a local runtime: its actors die with us
        actors = [actor.remote(job.out, settings, job.only, job.skip, run_pid) for _ in range(job.workers)]
        pending: list[Any] = []
        for n, shard in enumerate(shards):
            if len(pending) >= IN_FLIGHT * len(actors):
                yield from self._first_done(ray, pending, progress)
            pending.append(actors[n % len(actors)].analyze.remote(shard))
        while pending:
            yield from self._first_done(ray, pending, progress)

    def _first_done(self, ray, pending: list[Any], progress: Progress) -> Iterator[dict[str, Any]]:
        ready, _ = ray.wait(pending, num_returns=1)
        for ref in ready:
            pending.remove(ref)
            yield self.finished(ray.get(ref), progress)
