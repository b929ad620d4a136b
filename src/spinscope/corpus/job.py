"""What a corpus run analyses (`Job`) and the unit its executors hand out (`Shard`)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import Document
from ..pipeline.base import select
from ..readers import Rejected

SHARD_SIZE = 250  # documents per shard: the unit of work, of durability and of a resume


@dataclass
class Job:
    """What a corpus run analyses and how; `key()` says whether a folder holds the same job."""

    inputs: list[str]
    out: Path
    settings: dict[str, Any]
    only: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)
    shard_size: int = SHARD_SIZE
    workers: int = 1
    executor: str = "local"
    dedup: bool = True  # syndication clusters over all finished shards at the end (`corpus.clusters`)
    translations: bool = True  # ... including translated copies (multilingual embeddings of a few paragraphs)

    def key(self) -> dict[str, Any]:
        settings = json.dumps(self.settings, sort_keys=True, default=str)
        return {
            "inputs": [i if i == "-" or "://" in i else str(Path(i).resolve()) for i in self.inputs],
            "shard_size": self.shard_size,
            "components": select(self.settings["pipeline"]["components"], self.only, self.skip),
            "settings_sha1": hashlib.sha1(settings.encode()).hexdigest(),
        }


@dataclass
class Shard:
    index: int
    docs: list[Document]
    rejected: list[Rejected]
