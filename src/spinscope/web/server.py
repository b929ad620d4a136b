"""The HTTP protocol `spinscope serve` runs: uvicorn's h11 protocol with a deadline for each request's head.

uvicorn closes an idle keep-alive connection, but any byte resets that timer and nothing bounds the time a
client takes to send its headers, so a client that trickles them holds a connection (and its memory) for as
long as it likes. Here the head of each request must be complete within `web.header_timeout` seconds of the
connection or of the previous response; the body has its own deadline (`app.BodyGuard`, `web.body_timeout`).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_ENV = "SPINSCOPE_SERVE_HEADER_TIMEOUT"  # set by `spinscope serve` from web.header_timeout
DEFAULT_HEADER_TIMEOUT = 10.0


class GuardedH11Protocol(H11Protocol):
    """Closes a connection whose client has not sent a whole request head in time (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = float(os.environ.get(HEADER_TIMEOUT_ENV) or DEFAULT_HEADER_TIMEOUT)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:  # the head is in (or the connection is done with)
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm()  # the next request's head has the same time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
