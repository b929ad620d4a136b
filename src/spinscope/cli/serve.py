"""`spinscope serve`: the web app and HTTP API (needs the `web` extra)."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
from pathlib import Path

import typer

from .analyze import err_console

KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _hosts(host: str) -> list[str]:
    """The Host names a server listening on `host` answers to: the loopback names and `host`; for every
    address (0.0.0.0, ::) also this machine's names and addresses (more: `web.allowed_hosts`)."""
    names = ["localhost", "127.0.0.1", "::1", host]
    if host in ("0.0.0.0", "::", ""):
        machine = {socket.gethostname(), socket.getfqdn()}
        for name in list(machine):
            with contextlib.suppress(OSError):
                machine |= {info[4][0] for info in socket.getaddrinfo(name, None)}
        names += sorted(machine)
    return list(dict.fromkeys(n for n in names if n and n not in ("0.0.0.0", "::")))


def _runs(folders: list[Path]) -> list[Path]:
    """The folders, each checked to hold a corpus run (E906 otherwise) before the server starts."""
    from ..corpus.shards import RunFolder

    for folder in folders:
        RunFolder(folder).require()
    return folders


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", help="Server processes (each loads the models once)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file (default ./spinscope.toml)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
    corpus: list[Path] = typer.Option(
        [], "--corpus", help="A `corpus run` --out folder to browse (report and SQL) in the app; repeatable."
    ),
) -> None:
    """Serve the web app and the JSON API (docs at /docs); analyses are stored in the library."""
    import os

    from .._optional import require

    require("fastapi", feature="spinscope serve")
    require("uvicorn", feature="spinscope serve")
    import uvicorn

    from ..config import load_settings
    from ..web.server import HEADER_TIMEOUT_ENV

    if corpus:
        overrides = [*overrides, f"web.corpus={json.dumps([str(p.resolve()) for p in _runs(corpus)])}"]
    settings = load_settings(config, overrides)  # a bad setting is a one-line error before the server starts
    if not settings["web"]["allowed_hosts"]:
        overrides = [*overrides, f"web.allowed_hosts={json.dumps(_hosts(host))}"]
    if not _loopback(host) and not os.environ.get("SPINSCOPE_TOKEN"):
        err_console.print(
            f"[bold yellow]spinscope: warning:[/] serving on {host} without SPINSCOPE_TOKEN: anyone who can "
            "reach it can analyse, store and delete documents."
        )
    os.environ["SPINSCOPE_SERVE_CONFIG"] = str(config or "")
    os.environ["SPINSCOPE_SERVE_SET"] = "\n".join(overrides)
    os.environ[HEADER_TIMEOUT_ENV] = str(settings["web"]["header_timeout"])
    uvicorn.run(
        "spinscope.web.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http="spinscope.web.server:GuardedH11Protocol",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
