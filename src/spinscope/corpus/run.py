"""`corpus run`: stream inputs through the pipeline into Parquet shards, resumable after a crash at any moment.

Documents are numbered in input order (readers list folders sorted, so the order is stable) and shard k holds
numbers [k * shard_size, (k + 1) * shard_size). A rerun of the same job reads the inputs again, skips the
documents of shards whose completion marker exists and analyses the rest, so every input document ends up
in exactly one finished shard. Each shard is analysed by the one run loop (`runner.process`) in a worker
that loaded the pipeline once; bad documents and bad records go to the shard's errors file. A document whose
id was seen earlier in the run is kept and flagged (`meta.duplicate_id`).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .. import __version__
from ..data import Document
from ..errors import CorpusError, Errors
from ..models import model_path
from ..pipeline.base import select
from ..readers import Rejected
from ..runner import read_inputs
from ..runtime import available_cores
from ..writers.record import SCHEMA_VERSION
from .shards import RunFolder

SHARD_SIZE = 250  # documents per shard: the unit of work, of durability and of a resume
EXECUTORS = ("local", "ray")


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


@dataclass
class Summary:
    documents: int = 0
    rejected: int = 0
    shards: int = 0
    skipped_shards: int = 0
    duplicate_ids: int = 0
    clusters: int | None = None
    seconds: float = 0.0


def run_corpus(job: Job, progress: Callable[[int], None] | None = None) -> Summary:
    """Analyse every document of the job not yet in a finished shard; returns this invocation's counts.

    `progress(n)` is called as documents finish (per document with one worker, per shard with several).
    """
    if job.executor not in EXECUTORS:
        raise CorpusError(Errors.E904(name=job.executor))
    folder = RunFolder(job.out)
    folder.create()
    manifest = folder.read_manifest()
    if manifest is not None and manifest.get("job") != job.key():
        theirs = manifest.get("job", {})
        differs = ", ".join(k for k in job.key() if theirs.get(k) != job.key()[k]) or "layout"
        raise CorpusError(Errors.E903(path=job.out, detail=differs))
    manifest = manifest or _new_manifest(job)
    manifest["status"] = "running"
    folder.write_manifest(manifest)
    done = folder.completed()
    summary = Summary(skipped_shards=len(done))
    t0 = time.perf_counter()
    shards = _shards(job, set(done), _ids_of(folder), summary)
    for marker in execute(job, shards, progress):
        summary.documents += marker["documents"]
        summary.rejected += marker["rejected"]
        summary.shards += 1
    if job.dedup:
        from .clusters import cluster_run

        summary.clusters = cluster_run(job.out, job.translations)
    summary.seconds = time.perf_counter() - t0
    _close_manifest(folder, manifest, job, summary)
    return summary


def _shards(job: Job, done: set[int], seen: set[str], summary: Summary) -> Iterator[Shard]:
    """The shards still to analyse, in order, each with the bad records met while reading it."""
    filling = [Shard(0, [], [])]  # the shard being filled; a bad record belongs to the shard of the next document
    for n, doc in enumerate(read_inputs(job.inputs, job.settings, lambda r: filling[0].rejected.append(r)), start=1):
        shard = filling[0]
        if shard.index not in done:
            if doc.id in seen:
                doc.meta["duplicate_id"] = True
                summary.duplicate_ids += 1
            seen.add(doc.id)
            shard.docs.append(doc)
        if n % job.shard_size == 0:
            if shard.index not in done:
                yield shard
            filling[0] = Shard(shard.index + 1, [], [])
    shard = filling[0]
    if (shard.docs or shard.rejected) and shard.index not in done:
        yield shard


def _ids_of(folder: RunFolder) -> set[str]:
    """Ids of the documents in finished shards (so duplicates are flagged the same way after a resume)."""
    import pyarrow.parquet as pq

    return {
        i
        for path in folder.shard_files()
        if path.is_file()
        for i in pq.read_table(path, columns=["id"])["id"].to_pylist()
    }


# --- executors: each turns shards into written shards and yields their markers -------------------------------


def execute(job: Job, shards: Iterable[Shard], progress) -> Iterator[dict[str, Any]]:
    if job.executor == "ray":
        from .ray_executor import execute_on_ray

        yield from execute_on_ray(job, shards, progress)
        return
    if job.workers <= 1:
        worker = ShardWorker(job.out, job.settings, job.only, job.skip)
        for shard in shards:
            yield worker.analyze(shard, progress)
        return
    yield from _in_processes(job, shards, progress)


def _in_processes(job: Job, shards: Iterable[Shard], progress) -> Iterator[dict[str, Any]]:
    """Shards on `workers` processes (spawned: nothing of the parent's threads or models is inherited), at most
    two shards per worker in flight, so memory stays bounded whatever the corpus size."""
    settings = per_worker(job.settings, job.workers)
    context = get_context("spawn")
    args = (str(job.out), settings, job.only, job.skip, os.getpid())
    with ProcessPoolExecutor(job.workers, mp_context=context, initializer=_init_worker, initargs=args) as pool:
        pending = set()
        for shard in shards:
            pending.add(pool.submit(_work, shard))
            if len(pending) >= 2 * job.workers:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from _markers(finished, progress)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from _markers(finished, progress)


def _markers(futures, progress) -> Iterator[dict[str, Any]]:
    for future in futures:
        marker = future.result()
        if progress is not None:
            progress(marker["documents"] + marker["rejected"])
        yield marker


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
        marker = {
            "shard": shard.index,
            "documents": len(rows),
            "rejected": len(rejected),
            "seconds": round(time.perf_counter() - t0, 3),
            "pid": os.getpid(),
        }
        self.folder.finish_shard(shard.index, records_table(rows), rejected, marker)
        return marker


_WORKER: ShardWorker | None = None


def _init_worker(out: str, settings: dict[str, Any], only: list[str], skip: list[str], run_pid: int) -> None:
    global _WORKER
    _WORKER = ShardWorker(Path(out), settings, only, skip, run_pid)


def _work(shard: Shard) -> dict[str, Any]:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER.analyze(shard)


# --- the manifest -----------------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _new_manifest(job: Job) -> dict[str, Any]:
    return {
        "spinscope": __version__,
        "schema_version": SCHEMA_VERSION,
        "job": job.key(),
        "settings": job.settings,
        "models": model_versions(job.settings),
        "created": _now(),
        "invocations": [],
    }


def model_versions(settings: dict[str, Any]) -> dict[str, Any]:
    """Each configured model folder: its path and a digest of its files, so a rerun with another model shows."""
    out = {}
    for name, config in sorted(settings.get("components", {}).items()):
        for key in ("model", "embedder"):
            if isinstance(config, dict) and isinstance(config.get(key), str):
                folder = model_path(config[key])
                files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
                digest = hashlib.sha1()
                for path in files:
                    digest.update(path.name.encode() + str(path.stat().st_size).encode())
                    if path.stat().st_size < 1_000_000:
                        digest.update(path.read_bytes())
                out[f"{name}.{key}"] = {"path": str(folder), "files": len(files), "digest": digest.hexdigest()[:16]}
    return out


def _close_manifest(folder: RunFolder, manifest: dict[str, Any], job: Job, summary: Summary) -> None:
    done = folder.completed()
    manifest["status"] = "complete"
    manifest["updated"] = _now()
    manifest["counts"] = {
        "documents": sum(m["documents"] for m in done.values()),
        "rejected": sum(m["rejected"] for m in done.values()),
        "shards": len(done),
        "clusters": summary.clusters,
    }
    manifest["invocations"].append(
        {
            "finished": manifest["updated"],
            "executor": job.executor,
            "workers": job.workers,
            "documents": summary.documents,
            "rejected": summary.rejected,
            "shards": summary.shards,
            "resumed_after_shards": summary.skipped_shards,
            "duplicate_ids": summary.duplicate_ids,
            "seconds": round(summary.seconds, 2),
            "documents_per_s": round(summary.documents / summary.seconds, 3) if summary.seconds else None,
        }
    )
    folder.write_manifest(manifest)
