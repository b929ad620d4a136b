"""The protocol `spinscope serve` runs: a client that trickles its request head is cut off; others are served."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytest.importorskip("uvicorn")

import uvicorn

from spinscope.web.server import HEADER_TIMEOUT_ENV, GuardedH11Protocol


async def hello(scope, receive, send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
    await send({"type": "http.response.body", "body": b"hello"})


@pytest.fixture
def port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv(HEADER_TIMEOUT_ENV, "0.5")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    config = uvicorn.Config(hello, host="127.0.0.1", port=free, http=GuardedH11Protocol, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield free
    server.should_exit = True
    thread.join(timeout=10)


def closed(conn: socket.socket) -> bool:
    """Whether the server closed the connection (a read that waits 2 s for nothing says it did not)."""
    conn.settimeout(2)
    try:
        return conn.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_trickled_request_head_is_cut_off(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
        started = time.monotonic()
        try:
            for _ in range(20):  # one header line every 0.2 s: each resets uvicorn's own keep-alive timer
                time.sleep(0.2)
                conn.sendall(b"X-Slow: 1\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed(conn)
        assert time.monotonic() - started < 3


def test_a_silent_connection_is_cut_off_and_a_normal_request_served(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        time.sleep(1.0)
        assert closed(conn)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert response(conn).startswith(b"HTTP/1.1 200")
        conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")  # the next request on the same connection
        assert response(conn).startswith(b"HTTP/1.1 200")


def response(conn: socket.socket) -> bytes:
    answer = b""
    while not answer.endswith(b"hello"):
        answer += conn.recv(1024)
    return answer
