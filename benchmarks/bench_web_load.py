"""Web app under load: latency percentiles, throughput and durability of `POST /api/analyze` on a real server.

    python benchmarks/bench_web_load.py [--n 2000] [--concurrency 16] [--workers 1] [--restart-n 300]
                                        [--no-restart | --restart-only]

Starts `spinscope serve` on 127.0.0.1 (a free port) as a subprocess with SPINSCOPE_HOME a fresh temp folder,
waits for /api/health, then sends `--n` analyses (JSON text, no cookies, no Origin: no CSRF token needed) at
`--concurrency` with httpx. Every 2xx id is read back with GET /api/documents/{id} and its text compared.
The restart phase (`--restart-n` more requests) kills the server's process group with SIGKILL midway through
its load, starts it again on the same port and home, and lets the clients carry on: a request that fails while
the server is down counts as refused (not acknowledged) and is retried once the server is back; at the end
every request acknowledged before or after the kill must be retrievable. Texts are our own invented prose
(below), one numbered variant per request, about 1.3 KB each. The server's own log is printed on errors.
Exits 1 if the main phase had an error or an acknowledged document was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
SERVERS: list[Server] = []  # killed at exit, whatever happens

# Invented news-like prose written for this benchmark (not from any data set).
SENTENCES = [
    "The regional council of Vellmark voted late on Tuesday to postpone the new harbour levy until spring.",
    "Officials said the delay would give shipping firms time to adjust, but critics called it a gift to "
    "the largest operators.",
    "According to the council's own figures, the levy would have raised about 14 million crowns a year for "
    "dredging and repairs.",
    "Opposition members accused the ruling coalition of bowing to pressure from a handful of wealthy owners "
    "who, they said, always get their way.",
    "A spokesperson for the harbour authority insisted that no decision had been taken behind closed doors.",
    "Everyone knows the real reason, one dock worker told reporters, and it has nothing to do with dredging.",
    "The national transport ministry declined to comment, saying the matter was for local authorities alone.",
    "Environmental groups warned that every month of delay leaves the silted channels more dangerous for "
    "smaller boats.",
    "If nothing is done now, they argued, the town will face a disaster that no levy will be able to fix.",
    "The council is expected to return to the question at its March session, after an independent review of "
    "the harbour's accounts.",
    "Local newspapers have been divided, with one calling the vote prudent and another a shameful surrender.",
]


def article(i: int) -> tuple[str, str]:
    """The i-th request's (title, text): the sentences rotated by i, with a numbered sentence of its own."""
    k = i % len(SENTENCES)
    body = SENTENCES[k:] + SENTENCES[:k]
    numbered = f"Update {i}: the council clerk confirmed that objection number {i} had been filed on day {i % 28 + 1}."
    paragraphs = [" ".join(body[:4]), numbered + " " + " ".join(body[4:8]), " ".join(body[8:])]
    return f"Harbour levy postponed (report {i})", "\n\n".join(paragraphs) + "\n"


def kill_servers() -> None:
    for server in SERVERS:
        server.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`spinscope serve` in its own process group (killed on `stop`), logging to a file in its home."""

    def __init__(self, home: Path, port: int, workers: int) -> None:
        self.home, self.port, self.workers = home, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.log = home / "server.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        SERVERS.append(self)

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SPINSCOPE_TOKEN"}
        env["SPINSCOPE_HOME"] = str(self.home)
        # serve the checkout this script belongs to, whatever is installed
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p)
        command = [sys.executable, "-m", "spinscope", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        self.starts += 1
        with self.log.open("a") as log:
            log.write(f"\n===== start {self.starts} at {time.strftime('%H:%M:%S')} =====\n")
            log.flush()
            self.proc = subprocess.Popen(
                command, cwd=self.home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill(self) -> None:
        """SIGKILL to the whole process group (uvicorn and its workers), then reap it."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    async def ready(self, limit: float = 600.0) -> float:
        """Seconds until /api/health answers 200; SystemExit if the process dies or `limit` passes."""
        t0 = time.perf_counter()
        async with httpx.AsyncClient(timeout=5.0) as client:
            while time.perf_counter() - t0 < limit:
                if self.proc is None or self.proc.poll() is not None:
                    raise SystemExit(f"the server exited before it was ready:\n{self.tail()}")
                try:
                    if (await client.get(f"{self.url}/api/health")).status_code == 200:
                        return time.perf_counter() - t0
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.25)
        raise SystemExit(f"the server was not ready after {limit:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


@dataclass
class Phase:
    """What one phase's requests came to."""

    latencies: list[float] = field(default_factory=list)  # seconds, of the 2xx responses
    acked: dict[int, str] = field(default_factory=dict)  # request number -> stored id
    acked_after_kill: set[int] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)  # non-2xx or exceptions (outside a restart)
    refused: int = 0  # attempts that failed while the server was down (restart phase)
    retried: int = 0  # requests that succeeded on a retry after the restart
    seconds: float = 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


async def load(server: Server, first: int, n: int, concurrency: int, timeout: float, kill_at: int = 0) -> Phase:
    """Requests `first`..`first + n - 1` from `concurrency` clients. With `kill_at`, the server is killed once
    that many are acknowledged and started again; failures while it is down are refused and retried."""
    phase = Phase()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(first, first + n):
        queue.put_nowait(i)
    down = asyncio.Event()  # set from the kill until the new server answers /api/health
    up = asyncio.Event()
    up.set()
    killed = asyncio.Event()
    restart = asyncio.Event()  # set when `kill_at` acknowledgements are in

    async def client_loop(client: httpx.AsyncClient) -> None:
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            title, text = article(i)
            key = {"Idempotency-Key": f"bench-{i}"}  # a retry after the kill must not store a second copy
            attempt = 0
            while True:
                attempt += 1
                await up.wait()
                was_down = down.is_set()
                t0 = time.perf_counter()
                try:
                    response = await client.post(
                        f"{server.url}/api/analyze", json={"text": text, "title": title}, headers=key
                    )
                    failure = None if response.is_success else f"HTTP {response.status_code}: {response.text[:300]}"
                except httpx.HTTPError as exc:
                    response, failure = None, f"{type(exc).__name__}: {exc}"
                took = time.perf_counter() - t0
                if failure is None:
                    phase.latencies.append(took)
                    phase.acked[i] = response.json()["id"]
                    if killed.is_set():
                        phase.acked_after_kill.add(i)
                    phase.retried += attempt > 1
                    if kill_at and len(phase.acked) >= kill_at:
                        restart.set()
                    break
                if kill_at and (was_down or down.is_set()):
                    phase.refused += 1  # retried once the server is back
                    continue
                phase.errors.append(f"request {i}: {failure}")
                break

    async def restarter() -> None:
        await restart.wait()
        down.set()
        up.clear()
        killed.set()
        await asyncio.to_thread(server.kill)
        print(f"  killed the server (SIGKILL, process group) after {len(phase.acked)} acknowledged", flush=True)
        server.start()
        took = await server.ready()
        print(f"  restarted on the same port and home, ready after {took:.1f} s", flush=True)
        down.clear()
        up.set()

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:
        t0 = time.perf_counter()
        helper = asyncio.create_task(restarter()) if kill_at else None
        await asyncio.gather(*(client_loop(client) for _ in range(concurrency)))
        phase.seconds = time.perf_counter() - t0
        if helper is not None:
            if not helper.done():
                helper.cancel()  # the kill point was never reached (too many errors)
            else:
                helper.result()
    return phase


async def lost(server: Server, phase: Phase, concurrency: int, timeout: float) -> list[str]:
    """The acknowledged documents that GET /api/documents/{id} does not return with the text that was sent."""
    missing: list[str] = []
    sem = asyncio.Semaphore(concurrency)

    async def check(client: httpx.AsyncClient, i: int, doc_id: str) -> None:
        async with sem:
            try:
                response = await client.get(f"{server.url}/api/documents/{doc_id}")
            except httpx.HTTPError as exc:
                missing.append(f"request {i} id {doc_id}: {type(exc).__name__}: {exc}")
                return
        if response.status_code != 200:
            missing.append(f"request {i} id {doc_id}: HTTP {response.status_code}: {response.text[:200]}")
        elif response.json().get("text") != article(i)[1]:
            missing.append(f"request {i} id {doc_id}: stored text differs")

    async with httpx.AsyncClient(timeout=timeout) as client:
        await asyncio.gather(*(check(client, i, d) for i, d in phase.acked.items()))
    return missing


async def stored_total(server: Server, timeout: float) -> int:
    async with httpx.AsyncClient(timeout=timeout) as client:
        return (await client.get(f"{server.url}/api/documents", params={"limit": 1})).json()["total"]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def show_errors(title: str, items: list[str], server: Server) -> None:
    print(f"{title}: {len(items)}", file=sys.stderr)
    for item in items[:10]:
        print(f"  {item}", file=sys.stderr)
    print(f"server log (last lines of {server.log}):\n{server.tail()}", file=sys.stderr)


async def run(args: argparse.Namespace, home: Path) -> int:
    server = Server(home, args.port or free_port(), args.workers)
    lines: list[str] = []
    restart_line = ""
    failed = False
    warm = float("nan")
    loads: list[str] = []
    try:
        server.start()
        warm = await server.ready()
        print(f"server ready after {warm:.1f} s on {server.url} (workers {args.workers}, home {home})", flush=True)
        loads.append(load_average())
        if not args.restart_only:
            print(f"main phase: {args.n} requests at concurrency {args.concurrency} ...", flush=True)
            main = await load(server, 0, args.n, args.concurrency, args.timeout)
            loads.append(load_average())
            gone = await lost(server, main, args.concurrency, args.timeout)
            lat = main.latencies
            lines.append(
                f"| {args.n} | {args.concurrency} | {args.workers} | {len(main.acked)} | {len(main.errors)} | "
                f"{percentile(lat, 50):.2f} s | {percentile(lat, 90):.2f} s | {percentile(lat, 99):.2f} s | "
                f"{max(lat, default=float('nan')):.2f} s | {args.n / main.seconds:.2f} ({main.seconds:.0f} s) | "
                f"{len(main.acked) - len(gone)} of {len(main.acked)} |"
            )
            print(lines[-1], flush=True)
            if main.errors:
                show_errors("errors in the main phase", main.errors, server)
            if gone:
                show_errors("acknowledged but not retrievable (main phase)", gone, server)
            failed |= bool(main.errors or gone)
        if args.restart_n and not args.no_restart:
            print(f"restart phase: {args.restart_n} requests, kill midway ...", flush=True)
            first = 0 if args.restart_only else args.n
            rest = await load(server, first, args.restart_n, args.concurrency, args.timeout, args.restart_n // 2)
            loads.append(load_average())
            gone = await lost(server, rest, args.concurrency, args.timeout)
            copies = await stored_total(server, args.timeout) - len(rest.acked) - (0 if args.restart_only else args.n)
            before = len(rest.acked) - len(rest.acked_after_kill)
            restart_line = (
                f"- Restart: {args.restart_n} requests at concurrency {args.concurrency}, the server's process group "
                f"SIGKILLed after {args.restart_n // 2} acknowledgements and started again on the same port and "
                f"home: **{len(rest.acked)} acknowledged** ({before} before the kill, {len(rest.acked_after_kill)} "
                f"after, {rest.retried} of those on a retry), **{len(gone)} lost**, {rest.refused} attempts refused "
                f"during the restart (each retried once the server was back, with its Idempotency-Key), "
                f"**{copies} stored twice**, {len(rest.errors)} other errors."
            )
            print(restart_line, flush=True)
            if rest.errors:
                show_errors("errors in the restart phase (outside the restart)", rest.errors, server)
            if gone:
                show_errors("acknowledged but not retrievable (restart phase)", gone, server)
            failed |= bool(gone) or copies != 0
    finally:
        server.kill()
    print()
    print(
        f"date: {date.today()}  machine: nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, "
        f"Python {platform.python_version()}, load average {' -> '.join(loads)}  "
    )
    print(
        f"`python benchmarks/bench_web_load.py --n {args.n} --concurrency {args.concurrency} --workers "
        f"{args.workers} --restart-n {args.restart_n}`; texts {len(article(0)[1]):,} characters, invented prose "
        f"with a numbered sentence each; a fresh SPINSCOPE_HOME (no case bank); server ready after {warm:.0f} s.\n"
    )
    if lines:
        print("| requests | concurrency | workers | 2xx | errors | p50 | p90 | p99 | max | requests/s | read back |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        print(*lines, sep="\n")
        print()
    if restart_line:
        print(restart_line)
    return 1 if failed else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="requests of the main phase")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--workers", type=int, default=1, help="spinscope serve --workers")
    ap.add_argument("--restart-n", type=int, default=300, help="requests of the restart phase (0: none)")
    ap.add_argument("--no-restart", action="store_true", help="skip the restart phase")
    ap.add_argument("--restart-only", action="store_true", help="skip the main phase")
    ap.add_argument("--timeout", type=float, default=600.0, help="client timeout per request, seconds")
    ap.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    ap.add_argument("--keep", action="store_true", help="keep the temp SPINSCOPE_HOME (library and server log)")
    args = ap.parse_args()
    atexit.register(kill_servers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the finally blocks and atexit run
    home = Path(tempfile.mkdtemp(prefix="spinscope-webload-"))
    try:
        code = asyncio.run(run(args, home))
    finally:
        if args.keep:
            print(f"kept {home}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(home, ignore_errors=True)
    raise SystemExit(code)


if __name__ == "__main__":
    main()
