"""Small helpers shared across modules."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TypeVar

import platformdirs

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to `size` items (itertools.batched arrives only in Python 3.12)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def data_file(configured: str, name: str) -> Path:
    """A user's data file: `configured` if set, else $SPINSCOPE_HOME/`name`, else one in the user data folder."""
    if configured:
        return Path(configured).expanduser()
    if home := os.environ.get("SPINSCOPE_HOME"):
        return Path(home).expanduser() / name
    return Path(platformdirs.user_data_dir("spinscope")) / name
