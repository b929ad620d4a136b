"""`create_app`: the FastAPI app of `spinscope serve`, a thin layer over the public API and the JSON schema.

The pages (`pages.py`) and the JSON API under `/api/` (`api.py`) share one `Analyzer` (the pipeline, loaded
once per process) and one `Library` (stored analyses in SQLite). Errors leave as JSON (`{"error": {"code",
"message"}}`, the CLI's codes) on the API and as an error page elsewhere; a traceback never does.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from .. import __version__
from ..config import load_settings
from ..errors import HTTP_STATUS, Errors, InputError, SpinscopeError, code_of, internal
from ..writers._common import neutral
from .security import (
    CSRF_COOKIE,
    Refused,
    Throttle,
    api_token,
    check_extension,
    csrf_value,
    extension_id,
    in_session,
)
from .service import Analyzer
from .store import Library, library_path

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent


@dataclass
class State:
    """What every route needs: the settings, the analyser, the library of stored analyses and the throttle of
    wrong tokens."""

    settings: dict[str, Any]
    analyzer: Analyzer
    library: Library
    throttle: Throttle


def error_body(message: str) -> dict[str, Any]:
    return {"error": {"code": code_of(message), "message": str(message)}}


templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html templates
templates.env.globals["version"] = __version__
# every value a template prints (titles, file names, outlets ...) with its bidi controls shown, not obeyed;
# rendered HTML (the article, whose offsets the review panel counts) and JSON for scripts arrive as Markup
templates.env.finalize = lambda value: neutral(value) if type(value) is str else value


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, exc: Exception) -> Response:
    status = exc.status if isinstance(exc, SpinscopeError) else 500
    message = exc.args[0] if isinstance(exc, SpinscopeError) else internal(exc, hint="", detail=False)
    if status >= 500:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    if _wants_json(request):
        return JSONResponse(error_body(message), status_code=status)
    return page(request, "error.html", {"message": message, "status": status}, status=status)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    """A template rendered with the CSRF token, and the CSRF cookie set (SameSite=Strict)."""
    csrf = csrf_value(request)
    access = {"csrf": csrf, "token_required": bool(api_token()), "signed_in": not api_token() or in_session(request)}
    access["corpus_runs"] = len(state_of(request).settings["web"]["corpus"])
    response = templates.TemplateResponse(request, name, {**access, **context}, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(CSRF_COOKIE, csrf, samesite="strict", httponly=False, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


class BodyGuard:
    """ASGI middleware: a request body over `limit` bytes is refused with 413 before it is read whole (by its
    Content-Length, or as it arrives when chunked), and one that does not arrive within `timeout` seconds with
    408. Once the body is in, the app's later reads (waiting for a disconnect) pass untouched."""

    def __init__(self, app: Any, limit: int, timeout: float) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            return await _refuse(scope, send, Errors.E1024(limit=self.limit))
        seen, complete, started, refusal = 0, False, False, None
        deadline = asyncio.get_running_loop().time() + self.timeout

        async def guarded() -> dict:
            nonlocal seen, complete, refusal
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), deadline - asyncio.get_running_loop().time())
            except TimeoutError:
                refusal = Errors.E1035(limit=self.timeout)
                raise InputError(refusal) from None
            seen += len(message.get("body", b""))
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            if seen > self.limit:
                refusal = Errors.E1024(limit=self.limit)
                raise InputError(refusal)
            return message

        async def sending(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, guarded, sending)
        except BaseException:  # raised through the app (an ExceptionGroup, say): answer for it if we can
            if refusal is None:
                raise
            if not started:
                await _refuse(scope, send, refusal)


class HostGuard:
    """ASGI middleware: requests whose `Host` is not one the server answers to are refused (400 E1032), so a
    page on a name that an attacker re-points at this machine (DNS rebinding) cannot reach the server."""

    def __init__(self, app: Any, hosts: frozenset[str]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and "*" not in self.hosts:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if host_name(host) not in self.hosts:
                return await _refuse(scope, send, Errors.E1032(host=host))
        await self.app(scope, receive, send)


class ExtensionGuard:
    """ASGI middleware: requests from the browser extension (`Origin: chrome-extension://ID` or
    `moz-extension://ID`) to `/api/`. A CORS preflight is answered here (that origin exactly, never `*`;
    GET and POST; the Authorization and Content-Type headers); any other request must pass
    `security.check_extension` (the server's token as bearer token) before the app sees it,
    and is marked in `scope["state"]` so that `guard_write` lets that origin write. The answers, refusals
    included, carry `Access-Control-Allow-Origin` for that origin, so the extension can show the coded
    message; an id outside `web.extension_ids` gets no CORS header. Web pages' origins pass untouched (their
    writes stay refused by `guard_write`, and no CORS header is ever sent for them)."""

    def __init__(self, app: Any, ids: frozenset[str]) -> None:
        self.app, self.ids = app, ids

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        origin = headers.get(b"origin", b"").decode("latin-1")
        if not scope.get("path", "").startswith("/api/") or not extension_id(origin):
            return await self.app(scope, receive, send)
        if self.ids and extension_id(origin) not in self.ids:
            return await _refuse(scope, send, Errors.E1040(origin=origin))
        cors = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]

        async def with_cors(message: dict) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *cors]
            await send(message)

        if scope["method"] == "OPTIONS" and b"access-control-request-method" in headers:
            allow = {
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": "Authorization, Content-Type",
                "Access-Control-Max-Age": "600",
            }
            return await Response(status_code=204, headers=allow)(scope, receive, with_cors)
        try:
            check_extension(Request(scope), origin)
        except Refused as exc:
            return await _refuse(scope, with_cors, exc.args[0])
        scope.setdefault("state", {})["extension"] = origin
        await self.app(scope, receive, with_cors)


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def host_name(host: str) -> str:
    """A Host header's name without its port, lower case, IPv6 in brackets: `[::1]:8000` -> `[::1]`."""
    host = host.strip().lower()
    name = host.partition("]")[0] + "]" if host.startswith("[") else host.partition(":")[0]
    return name.rstrip(".")


def allowed_hosts(settings: dict[str, Any]) -> frozenset[str]:
    """`web.allowed_hosts`, names as `host_name` writes them; the loopback names when it is empty."""
    names = settings["web"]["allowed_hosts"] or LOOPBACK_HOSTS
    bare_ipv6 = lambda name: name.count(":") > 1 and not name.startswith("[")  # noqa: E731
    return frozenset("*" if n == "*" else host_name(f"[{n}]" if bare_ipv6(n) else n) for n in names)


async def _refuse(scope: dict, send: Any, message: str) -> None:
    await JSONResponse(error_body(message), status_code=HTTP_STATUS[code_of(message)])(scope, None, send)


SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # no-referrer would make browsers send `Origin: null` on form posts
    "X-Frame-Options": "DENY",
}


def create_app(
    settings: dict[str, Any] | None = None,
    *,
    library: Library | None = None,
    analyzer: Analyzer | None = None,
    warm: bool = False,
) -> FastAPI:
    """The app; `warm` loads the default pipeline now instead of on the first analysis."""
    from . import api, corpus, pages

    settings = settings or load_settings()
    web = settings["web"]
    library = library or Library.open(library_path(settings))
    state = State(settings, analyzer or Analyzer(settings), library, Throttle(int(web["auth_failures"])))
    if warm:
        state.analyzer.warm()
    app = FastAPI(
        title="spinscope",
        version=__version__,
        description="Persuasion techniques, frames, claims, actors, narratives and known debunked claims in news "
        "articles, with character offsets into the verbatim text. Responses follow the CLI's JSON schema.",
        docs_url=None,  # pages.api_docs serves Swagger UI from the package, not from a CDN
        redoc_url=None,
    )
    app.state.spinscope = state
    app.openapi = api.openapi_with_bodies(app)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(corpus.router)
    for kind in (SpinscopeError, Exception):
        app.add_exception_handler(kind, error_response)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        """Starlette's own refusals (no such route, a method it does not take) in the documented format."""
        detail = Errors.E1037(method=request.method, path=request.url.path, detail=exc.detail)
        return error_response(request, Refused(detail, exc.status_code))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return error_response(request, InputError(Errors.E1029(detail=detail)))

    @app.middleware("http")
    async def headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    app.add_middleware(BodyGuard, limit=int(web["max_request_bytes"]), timeout=float(web["body_timeout"]))
    app.add_middleware(ExtensionGuard, ids=frozenset(web["extension_ids"]))  # its CORS headers on BodyGuard's 413
    app.add_middleware(HostGuard, hosts=allowed_hosts(settings))  # added last: it runs first
    return app


def state_of(request: Request) -> State:
    return request.app.state.spinscope


def from_environment() -> FastAPI:
    """The app `spinscope serve` starts in each uvicorn worker, with the command's --config and --set."""
    import os

    config = os.environ.get("SPINSCOPE_SERVE_CONFIG") or None
    overrides = [line for line in os.environ.get("SPINSCOPE_SERVE_SET", "").splitlines() if line]
    return create_app(load_settings(Path(config) if config else None, overrides), warm=True)
