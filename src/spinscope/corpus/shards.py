"""The layout of a corpus run's output folder, and durable writes: a shard is done only once it is on disk.

    DIR/manifest.json              inputs, settings, versions, counts, timings
    DIR/shards/shard-000042.parquet one row per analysed document (`corpus.arrow.record_schema`)
    DIR/errors/shard-000042.jsonl   the documents of that shard that were rejected, with the reason
    DIR/done/shard-000042.json      completion marker, written last: counts and seconds, each step's too

Every file is written to a temporary name, flushed and fsynced, then renamed into place (and the folder
fsynced), so after a crash at any moment a file is either whole or absent. A shard counts as done only when
its marker exists; a shard without one is analysed again and its files replaced.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import CorpusError, Errors


def shard_name(index: int) -> str:
    return f"shard-{index:06d}"


class RunFolder:
    """The output folder of one corpus run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.shards, self.errors, self.done = root / "shards", root / "errors", root / "done"
        self.manifest = root / "manifest.json"

    def require(self) -> None:
        """E906 unless a run was started here (its manifest is there)."""
        if not self.manifest.is_file():
            raise CorpusError(Errors.E906(path=self.root))

    def create(self) -> None:
        try:
            for folder in (self.shards, self.errors, self.done):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CorpusError(Errors.E901(path=self.root, detail=exc.strerror or exc)) from None

    def completed(self) -> dict[int, dict[str, Any]]:
        """Shard index -> its marker, for every shard that is done."""
        out = {}
        for path in sorted(self.done.glob("shard-*.json")) if self.done.is_dir() else ():
            try:
                out[int(path.stem.removeprefix("shard-"))] = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, OSError):  # an unreadable marker: the shard is done again
                continue
        return out

    def shard_files(self) -> list[Path]:
        """The Parquet files of the done shards (a shard file without its marker is left out)."""
        return [self.shards / f"{shard_name(i)}.parquet" for i in sorted(self.completed())]

    def read_manifest(self) -> dict[str, Any] | None:
        if not self.manifest.is_file():
            return None
        try:
            return json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(Errors.E902(path=self.manifest, detail=exc)) from None

    def write_manifest(self, manifest: Mapping[str, Any]) -> None:
        durable_write(self.manifest, lambda fh: fh.write(json.dumps(manifest, indent=1, default=str).encode()))

    def finish_shard(self, index: int, table, rejected: Iterable[Mapping[str, Any]], marker: Mapping[str, Any]):
        """Write the shard's rows, then its errors, then its marker (each durably, in that order)."""
        import pyarrow.parquet as pq

        name = shard_name(index)
        durable_write(self.shards / f"{name}.parquet", lambda fh: pq.write_table(table, fh, compression="zstd"))
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rejected)
        durable_write(self.errors / f"{name}.jsonl", lambda fh: fh.write(lines.encode("utf-8")))
        durable_write(self.done / f"{name}.json", lambda fh: fh.write(json.dumps(marker).encode()))


def durable_write(path: Path, write: Callable[[IO[bytes]], Any]) -> None:
    """`write(fh)` into a temporary file beside `path`, fsync, rename over `path`, fsync the folder."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CorpusError(Errors.E901(path=path, detail=exc.strerror or exc)) from None
