"""What every executor does: run the job's shards on `ShardWorker`s, at most `IN_FLIGHT` shards a worker at a
time (memory stays bounded whatever the corpus size), and report each finished shard's documents."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..job import Job, Shard

IN_FLIGHT = 2  # shards handed to one worker before its first is done
Progress = Callable[[int], None] | None


class Executor(ABC):
    def __init__(self, job: Job) -> None:
        self.job = job

    @abstractmethod
    def run(self, shards: Iterable[Shard], progress: Progress) -> Iterator[dict[str, Any]]:
        """The markers of the shards as they are written (in any order)."""

    @staticmethod
    def finished(marker: dict[str, Any], progress: Progress) -> dict[str, Any]:
        """A shard's marker, its documents and rejects counted on `progress`."""
        if progress is not None:
            progress(marker["documents"] + marker["rejected"])
        return marker
