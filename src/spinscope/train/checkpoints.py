"""Checkpoints of a training run: everything needed to resume (weights, optimizer, scheduler, RNG states,
step and the epoch's batch order), written atomically, the newest KEEP_CHECKPOINTS kept."""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import numpy as np
import torch

logger = logging.getLogger(__name__)

KEEP_CHECKPOINTS = 2


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def rng_state() -> dict[str, Any]:
    return {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}


def set_rng_state(s: dict[str, Any]) -> None:
    random.setstate(s["python"])
    np.random.set_state(s["numpy"])
    torch.set_rng_state(s["torch"])


def checkpoints(run: Path) -> list[Path]:
    return sorted(run.glob("ckpt-*.pt"))


def latest_checkpoint(run: Path) -> Path | None:
    c = checkpoints(run)
    return c[-1] if c else None


def save_checkpoint(run: Path, step: int, state: dict[str, Any], tag: str = "") -> Path:
    """Write `run/ckpt-<step>.pt` through a temporary file (a crash never leaves half a checkpoint) and
    drop all but the newest KEEP_CHECKPOINTS."""
    path = run / f"ckpt-{step:07d}.pt"
    tmp = path.with_suffix(".tmp")
    torch.save({**state, "rng": rng_state()}, tmp)
    tmp.replace(path)
    for old in checkpoints(run)[:-KEEP_CHECKPOINTS]:
        old.unlink(missing_ok=True)
    logger.info("checkpoint %s%s", path.name, f" ({tag})" if tag else "")
    return path


def load_checkpoint(path: Path) -> dict[str, Any]:
    return torch.load(path, map_location="cpu", weights_only=False)
