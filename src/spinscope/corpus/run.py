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
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .. import __version__
from ..errors import CorpusError, Errors
from ..models import model_path
from ..runner import read_inputs
from ..writers.record import SCHEMA_VERSION
from .executors import executor_for
from .job import Job, Shard
from .shards import RunFolder


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
    executor = executor_for(job)  # E904 before anything is written
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
    for marker in executor.run(shards, progress):
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


def step_totals(markers: Iterable[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Each pipeline step's documents and seconds over the finished shards (those written before the markers
    carried them are left out), in pipeline order."""
    totals: dict[str, dict[str, float]] = {}
    for marker in markers:
        for name, counts in marker.get("steps", {}).items():
            total = totals.setdefault(name, {"documents": 0, "seconds": 0.0})
            total["documents"] += counts["documents"]
            total["seconds"] = round(total["seconds"] + counts["seconds"], 3)
    return totals


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
    manifest["steps"] = step_totals(done.values())
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
