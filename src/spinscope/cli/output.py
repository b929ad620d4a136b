"""The `-o/--output` file of a command: never one of its inputs (E604), written whole or not at all (E605).

A regular file is written to a temporary file beside it and renamed over it only when the command succeeds,
so a failed run leaves no half-written output and an existing file keeps its content until the end. A device
or descriptor (/dev/null, /dev/full, /dev/stdout, a FIFO) cannot be renamed over: it is written in place.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from ..errors import Errors, OutputError


def check_output(path: Path | None, inputs: Iterable[str | Path | None]) -> None:
    """Before anything is read or written: E605 for an output that is a folder or whose folder is missing, E604
    for one that is the same file as one of `inputs` (None, "-" and URLs never are)."""
    if path is None or _in_place(path):
        return
    if path.is_dir():
        raise OutputError(Errors.E605(path=path, reason="it is a folder"))
    if not path.absolute().parent.is_dir():
        raise OutputError(Errors.E605(path=path, reason=f"no folder {path.absolute().parent}"))
    for source in inputs:
        if source is not None and str(source) != "-" and _same_file(path, Path(source)):
            raise OutputError(Errors.E604(path=path, source=source))


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """stdout for None, else `path` as UTF-8 text (newlines as written), in place or replaced on success."""
    if path is None:
        yield sys.stdout
        return
    if _in_place(path):
        with _failing_as_e605(path):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with _text(fd, path) as out:
            yield out
        return
    target = path.resolve()  # through a symlink to its file, not over the link
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    with _failing_as_e605(path):
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies, as to any new file
    try:
        with _text(fd, path) as out:
            with _failing_as_e605(path):
                if target.exists():
                    os.fchmod(fd, stat.S_IMODE(target.stat().st_mode))
            yield out
            out.flush()
            with _failing_as_e605(path):
                os.fsync(fd)
        with _failing_as_e605(path):
            temp.replace(target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _in_place(path: Path) -> bool:
    """Whether an existing `path` is no regular file or folder, or is reached through /dev or /proc (a
    descriptor the shell opened, such as /dev/stdout): written directly, with no temporary file."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return path.absolute().parts[1:2] in (("dev",), ("proc",)) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _same_file(path: Path, source: Path) -> bool:
    try:
        return path.samefile(source)
    except OSError:  # either is missing (a URL is): not the same file
        return False


@contextlib.contextmanager
def _failing_as_e605(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(Errors.E605(path=path, reason=exc.strerror or exc)) from None


class _RawOutput(io.FileIO):
    """The output's file descriptor; a failed write (a full disk, /dev/full) is E605, not an internal error."""

    def __init__(self, fd: int, shown: Path) -> None:
        super().__init__(fd, "w")
        self.shown = shown

    def write(self, data) -> int | None:  # type: ignore[override]
        with _failing_as_e605(self.shown):
            return super().write(data)


def _text(fd: int, shown: Path) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BufferedWriter(_RawOutput(fd, shown)), encoding="utf-8", newline="")
