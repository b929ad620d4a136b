"""Workers die with their run: after a SIGKILL of `corpus run`, none of its worker processes is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spinscope.corpus.lifeline import alive

from .test_run import write_corpus

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the workers through /proc")


def children(pid: int) -> list[int]:
    """Live processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_workers_of_a_killed_run_end_within_seconds(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 40, paragraphs=3)
    command = [sys.executable, "-m", "spinscope", "corpus", "run", str(tmp_path / "in"), "-o", str(tmp_path / "out")]
    command += ["--workers", "2", "--shard-size", "1", "--skip", "matching", "--no-dedup"]
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # the pool's two workers (a resource tracker may be a third child): wait until they work on shards
        assert wait_for(lambda: len(children(run.pid)) >= 2, 60), "the workers never started"
        assert wait_for(lambda: any((tmp_path / "out").rglob("*.parquet")), 90), "no shard was ever written"
        workers = children(run.pid)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        assert wait_for(lambda: not any(alive(p) for p in workers), 10), [p for p in workers if alive(p)]
    finally:
        if run.poll() is None:
            run.kill()
