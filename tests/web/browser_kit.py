"""What the real-browser tests share (tests/web/test_browser.py, tests/web/test_extension.py): Debian's Chromium,
`spinscope serve` as a subprocess on a free loopback port, and `Watch`, which records what a page must not do
(console errors, uncaught exceptions, CSP violations, requests to other hosts)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from shutil import which
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
STARTUP_S = 120  # model loading takes 10-20 s on a laptop; a slow CI runner gets more

# Records every CSP violation; init scripts run whatever the page's CSP says, and the binding survives
# navigations.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation([e.violatedDirective, e.blockedURI, e.sourceFile || "", String(e.lineNumber)].join(" | "));
});
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def spinscope_command() -> str:
    beside = Path(sys.executable).with_name("spinscope")
    found = str(beside) if beside.is_file() else which("spinscope")
    if not found:
        pytest.skip("the spinscope command is not installed")
    return found


@dataclass
class Server:
    url: str
    log: Path

    def tail(self, n: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


@contextmanager
def serve(root: Path, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """`spinscope serve` on a free loopback port, run in `root` with a fresh SPINSCOPE_HOME there and none of
    this process's SPINSCOPE_* variables (`env` adds some, SPINSCOPE_TOKEN say); stopped on exit."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SPINSCOPE_")}
    environ["SPINSCOPE_HOME"] = str(root / "home")
    environ.update(env or {})
    (root / "home").mkdir()
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [spinscope_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=root,  # no ./spinscope.toml of the checkout is read
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed whole at teardown
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"spinscope serve exited with {proc.returncode}:\n{server.tail()}")
            try:
                if httpx.get(f"{server.url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"spinscope serve did not answer /api/health within {STARTUP_S} s:\n{server.tail()}")
            time.sleep(0.25)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class Watch:
    """What the browser did that a test must not see: console errors, uncaught exceptions, CSP violations,
    requests to any host but the server (those are aborted, so nothing leaves the machine). `also`: further
    origins requests may go to."""

    origin: str
    also: tuple[str, ...] = ()
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.expose_function("__cspViolation", self._csp)
        context.add_init_script(CSP_LISTENER)
        context.route("**/*", self._route)
        context.on("page", self.attach_page)

    def attach_page(self, page: Page) -> None:
        page.on("console", lambda msg: self._console(msg.type, msg.text, msg.location))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _csp(self, report: str) -> None:
        self.csp.append(report)

    def _console(self, kind: str, text: str, where: dict[str, Any]) -> None:
        url = where.get("url", "")
        if kind == "error" or "Content Security Policy" in text:
            self.console.append(f"{text} ({url}:{where.get('lineNumber', '')})")

    def _route(self, route: Route) -> None:
        url = route.request.url
        if any(url == origin or url.startswith(origin + "/") for origin in (self.origin, *self.also)):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def reset(self) -> None:
        for items in (self.console, self.errors, self.csp, self.external):
            items.clear()

    def assert_clean(self) -> None:
        problems = {
            "console errors": self.console,
            "uncaught exceptions": self.errors,
            "CSP violations": self.csp,
            "requests to other hosts": self.external,
        }
        found = {k: list(v) for k, v in problems.items() if v}
        self.reset()
        assert not found, f"the browser saw: {found}"
