"""Executors: each turns the shards of a corpus run into written shards and yields their markers, with the
same `ShardWorker` (`local`: this process or a pool of spawned processes; `ray`: Ray actors)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...errors import CorpusError, Errors
from ..job import Job, Shard
from .base import Executor

EXECUTORS = ("local", "ray")


def executor_for(job: Job) -> Executor:
    """The executor `job.executor` names (E904 for another name)."""
    if job.executor == "local":
        from .local import LocalExecutor

        return LocalExecutor(job)
    if job.executor == "ray":
        from .ray import RayExecutor

        return RayExecutor(job)
    raise CorpusError(Errors.E904(name=job.executor))


def execute(job: Job, shards: Iterable[Shard], progress: Callable[[int], None] | None) -> Iterator[dict[str, Any]]:
    """The markers of the shards as the job's executor finishes them."""
    yield from executor_for(job).run(shards, progress)
