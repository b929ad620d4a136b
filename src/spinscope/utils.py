"""Small helpers shared across modules."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

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


@contextlib.contextmanager
def sqlite_errors(path: Path, action: str, error: type[Exception], unusable: Any, foreign: Any) -> Iterator[None]:
    """SQLite and OS errors of the database at `path` as one coded `error`: the template `unusable` (fields
    path, action, detail) for a locked, read-only or missing file, `foreign` (path, detail) for one that is not
    a database of ours."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise error(unusable(path=path, action=action, detail=exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise error(foreign(path=path, detail=exc)) from exc
    except OSError as exc:
        raise error(unusable(path=path, action=action, detail=exc.strerror or exc)) from exc
