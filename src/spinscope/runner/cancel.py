"""Stopping work whose caller has gone: a `Cancellation` that long work checks between steps (documents,
batches, SQL progress callbacks) and that interrupts what it cannot check (a DuckDB query) through hooks.

The web app gives each request's work one, cancelled at the request's timeout or when the client leaves, so
no analysis, query or search keeps a core busy after its 504.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator


class Cancelled(BaseException):  # like asyncio.CancelledError: no `except Exception` swallows it
    """Raised in work whose `Cancellation` was set; it passes every `except Exception` on its way out."""


class Cancellation:
    """A flag set once (`cancel()`, or by passing `deadline`, a `time.monotonic()` value); `check()` raises
    `Cancelled` after that, and the callbacks registered with `hook` run when it is set."""

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = deadline
        self._set = threading.Event()
        self._hooks: list[Callable[[], object]] = []
        self._lock = threading.Lock()

    @property
    def cancelled(self) -> bool:
        if not self._set.is_set() and self.deadline is not None and time.monotonic() >= self.deadline:
            self.cancel()
        return self._set.is_set()

    def cancel(self) -> None:
        """Set the flag and run every hook (once); later hooks run as soon as they are registered."""
        with self._lock:
            if self._set.is_set():
                return
            self._set.set()
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            hook()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled

    @contextlib.contextmanager
    def hook(self, callback: Callable[[], object]) -> Iterator[None]:
        """Run `callback` if the work is cancelled while this block runs (at once if it already is)."""
        with self._lock:
            now = self._set.is_set()
            if not now:
                self._hooks.append(callback)
        if now:
            callback()
        try:
            yield
        finally:
            with self._lock, contextlib.suppress(ValueError):
                self._hooks.remove(callback)
