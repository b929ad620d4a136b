"""CPU facts training adapts to: native bfloat16, and cores that other processes keep busy."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import torch

logger = logging.getLogger(__name__)


def cpu_has_bf16() -> bool:
    """The CPU multiplies bfloat16 natively (AVX512-BF16 or AMX): autocast is then ~2.5x faster than fp32.

    Measured on the 2-core AMD EPYC (Zen 4) machine: a batch of 8 x 256 tokens, e5-small with frozen word
    embeddings, took 1.4 s per step with bf16 autocast against 3.5 s in fp32. Without native support bf16 is
    emulated and slower, so it stays off.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def autocast(enabled: bool):
    """bfloat16 autocast on the CPU, or a no-op context when `enabled` is false."""
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=enabled)


class ThreadGovernor:
    """Drop to one intra-op thread while other processes keep a core busy, go back to `max_threads` after.

    On a shared 2-core machine two torch threads that compete with another busy process lose far more than
    half their speed (each op waits for its descheduled half); one thread then is faster.
    """

    def __init__(self, max_threads: int, adaptive: bool, every: int = 5) -> None:
        self.max, self.adaptive, self.every = max_threads, adaptive and max_threads > 1, every
        self.current = max_threads
        torch.set_num_threads(max_threads)
        self.last = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:  # noqa: PTH123
                f = [int(x) for x in fh.readline().split()[1:9]]
        except OSError:
            return None
        busy = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")
        return time.time(), busy, time.process_time()

    def update(self, step: int) -> None:
        if not self.adaptive or step % self.every:
            return
        now = self._sample()
        if now is None or self.last is None:
            return
        dt = now[0] - self.last[0]
        if dt <= 0:
            return
        others = ((now[1] - self.last[1]) - (now[2] - self.last[2])) / dt  # cores used by other processes
        self.last = now
        # A competitor squeezed by our two threads shows up as ~0.5-0.7 cores, hence the low bar to drop;
        # back to max_threads only when the other core is close to idle.
        want = self.current
        if self.current > 1 and others > 0.4:
            want = 1
        elif self.current == 1 and others < 0.25:
            want = self.max
        if want != self.current:
            torch.set_num_threads(want)
            logger.info("other processes use %.1f cores: %d torch thread(s)", others, want)
            self.current = want
