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

from .._optional import require
from ..runtime import available_cores
from .run import Job, Shard, ShardWorker, per_worker


def execute_on_ray(job: Job, shards: Iterable[Shard], progress) -> Iterator[dict[str, Any]]:
    """Markers of the shards as the actors finish them; at most two shards per actor in flight."""
    ray = require("ray", feature="the ray executor")
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        cpus = None if address else available_cores()
        ray.init(address=address, num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    cores = 1 if os.environ.get("RAY_ADDRESS") else max(1, available_cores() // job.workers)
    actor = ray.remote(num_cpus=cores)(ShardWorker)
    settings = per_worker(job.settings, job.workers)
    run_pid = None if os.environ.get("RAY_ADDRESS") else os.getpid()  # a local runtime: its actors die with us
    actors = [actor.remote(job.out, settings, job.only, job.skip, run_pid) for _ in range(job.workers)]
    pending: dict[Any, Any] = {}
    for n, shard in enumerate(shards):
        if len(pending) >= 2 * len(actors):
            yield from _finished(ray, pending, progress)
        pending[actors[n % len(actors)].analyze.remote(shard)] = n
    while pending:
        yield from _finished(ray, pending, progress)


def _finished(ray, pending: dict[Any, Any], progress) -> Iterator[dict[str, Any]]:
    ready, _ = ray.wait(list(pending), num_returns=1)
    for ref in ready:
        del pending[ref]
        marker = ray.get(ref)
        if progress is not None:
            progress(marker["documents"] + marker["rejected"])
        yield marker
