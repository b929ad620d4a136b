"""Workers that die with their run: a shard worker ends when the process that started the run is gone.

A run killed with SIGKILL cannot stop its workers, and without this they live on as orphans, redoing shards
beside the resumed run and holding a pipeline's memory each. On Linux the kernel sends the worker SIGKILL when
its parent dies (`prctl(PR_SET_PDEATHSIG)`); everywhere (also for a Ray actor, whose parent is the raylet) a
watchdog thread checks every CHECK_SECONDS that the run's process still exists and ends the worker otherwise.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from pathlib import Path

CHECK_SECONDS = 1.0
_PR_SET_PDEATHSIG = 1


def die_with(pid: int) -> None:
    """End this process (exit code 1, no cleanup: the run that needed it has gone) once process `pid` is gone."""
    if sys.platform.startswith("linux") and pid == os.getppid():
        with contextlib.suppress(OSError, AttributeError):  # no prctl: the watchdog below still works
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if not alive(pid):  # gone before the signal was set up
        os._exit(1)
    threading.Thread(target=_watch, args=(pid,), name="spinscope-lifeline", daemon=True).start()


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (a parent killed under a non-reaping init stays one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return stat.rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:  # no /proc (macOS): kill(0) said it exists
        return True


def _watch(pid: int) -> None:
    while alive(pid):
        time.sleep(CHECK_SECONDS)
    os._exit(1)
