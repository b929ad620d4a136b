"""Write protection: the API token (when `SPINSCOPE_TOKEN` is set), sign-in sessions, throttling of wrong
tokens, CSRF tokens on form posts, same-origin checks on API writes.

* API token: with `SPINSCOPE_TOKEN` set, every write (POST, DELETE) needs `Authorization: Bearer TOKEN`, or
  the `spinscope_session` cookie the sign-in page sets (so the browser pages work too). Reads stay open.
* Sessions: the cookie holds a random session id, never the token; the library keeps a keyed digest of it
  (keyed with the token, so a new token ends every session), sign-out deletes it, and it expires after
  `web.session_days`. It is HttpOnly, SameSite=Strict, and Secure when the request came over https.
* Throttling: a client (by address) that sends `web.auth_failures` wrong tokens within a minute gets 429
  (E1033) for every token it sends until that minute is over, right or wrong.
* CSRF: every page sets a random `spinscope_csrf` cookie (SameSite=Strict) and puts the same value in its
  forms and in a `<meta name="csrf">` for the page's script; a form post or a browser's API write must send
  it back (form field `csrf`, header `X-CSRF-Token`). Requests without cookies and without an `Origin`
  header (curl, scripts) are not browser requests and need no CSRF token; nor does a request with a bearer
  token (a page of another site cannot set that header), but any other `Authorization` (Basic, which
  browsers replay by themselves) does.
* A write whose `Origin` names another site is refused outright.
* The browser extension (`extension/`): its requests carry `Origin: chrome-extension://ID` or
  `moz-extension://ID`. On `/api/` they are let in (`app.ExtensionGuard`, with CORS for exactly that origin)
  only when the server has a token and the request carries it as a bearer token: no token on the server is
  403 E1039 (start serve with SPINSCOPE_TOKEN), a missing or wrong one 401 E1021 (throttled as above), an id
  outside a non-empty `web.extension_ids` 403 E1040. Anywhere else an extension origin is another site.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

from fastapi import Request

from ..errors import Errors, SpinscopeError

CSRF_COOKIE = "spinscope_csrf"
SESSION_COOKIE = "spinscope_session"
CSRF_HEADER = "x-csrf-token"
WINDOW_SECONDS = 60.0  # the throttle's window


class Refused(SpinscopeError):
    """A request refused with a coded message; its HTTP status is its code's (`errors.HTTP_STATUS`), or the
    one given (Starlette's own refusals)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.given = status

    @property
    def status(self) -> int:
        return self.given or super().status


def api_token() -> str:
    return os.environ.get("SPINSCOPE_TOKEN", "")


def csrf_value(request: Request) -> str:
    """The request's CSRF cookie value, or a new one (the page response sets it, see `set_csrf`)."""
    value = request.cookies.get(CSRF_COOKIE, "")
    if len(value) != 43:
        value = getattr(request.state, "csrf", "") or secrets.token_urlsafe(32)
    request.state.csrf = value
    return value


def _same(a: str, b: str) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())


def token_matches(given: str) -> bool:
    return _same(given, api_token())


def bearer(request: Request) -> str | None:
    """The bearer token of the request's `Authorization` header; None without one (or with another scheme)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def session_digest(session: str) -> str:
    """What the library keeps of a session id: keyed with the token, so a new token ends every session."""
    return hmac.new(api_token().encode(), session.encode(), hashlib.sha256).hexdigest()


class Throttle:
    """Wrong tokens per client address within WINDOW_SECONDS; at `limit` of them the client is refused (429)
    until the oldest leaves the window. One per server process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.setdefault(client, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        return times

    def check(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            times = self._recent(client, now)
            if len(times) >= self.limit:
                wait = math.ceil(times[0] + WINDOW_SECONDS - now)
                raise Refused(Errors.E1033(seconds=wait))
            if not times:
                del self._failures[client]  # the table keeps only clients with recent failures

    def failed(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def verified(request: Request, given: str) -> bool:
    """Whether `given` is the token, counted by the throttle when it is not (429 E1033 once over the limit)."""
    throttle = request.app.state.spinscope.throttle
    throttle.check(client_of(request))
    if token_matches(given):
        return True
    throttle.failed(client_of(request))
    return False


def signed_in(request: Request) -> bool:
    """Whether writes are allowed: no token is set, or the request carries it (bearer header) or a session."""
    if not api_token():
        return True
    if (token := bearer(request)) is not None:
        return verified(request, token)
    return in_session(request)


def in_session(request: Request) -> bool:
    """Whether the request carries the cookie of an open sign-in session."""
    session = request.cookies.get(SESSION_COOKIE, "")
    return bool(session) and request.app.state.spinscope.library.session_open(session_digest(session))


def check_token(request: Request) -> None:
    """With SPINSCOPE_TOKEN set, the bearer token or a sign-in session must be there (401 E1021)."""
    if not signed_in(request):
        raise Refused(Errors.E1021())


EXTENSION_SCHEMES = ("chrome-extension", "moz-extension")


def extension_id(origin: str) -> str:
    """The extension id of a browser extension's origin (`chrome-extension://ID`, `moz-extension://ID`); ""
    for any other origin (a web page's, `null`, one with a path, port or user part)."""
    scheme, sep, rest = origin.partition("://")
    if scheme not in EXTENSION_SCHEMES or not sep:
        return ""
    ok = rest and all(c.isascii() and (c.isalnum() or c == "-") for c in rest)
    return rest if ok else ""


def check_extension(request: Request, origin: str) -> None:
    """What an extension's API request must pass once its id is accepted (`app.ExtensionGuard`, 403 E1040): a
    token set on the server (403 E1039) and that token as the bearer token (401 E1021; wrong ones count toward
    the throttle, 429 E1033). A sign-in cookie does not do: the extension always sends the token."""
    if not api_token():
        raise Refused(Errors.E1039(origin=origin))
    given = bearer(request)
    if given is None or not verified(request, given):
        raise Refused(Errors.E1021())


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin", "")
    if extension_id(origin):  # let in on /api/ by app.ExtensionGuard, which checked the token; else refused
        if getattr(request.state, "extension", "") != origin:
            raise Refused(Errors.E1022(origin=origin))
        return
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise Refused(Errors.E1022(origin=origin))
    if origin == "null":
        raise Refused(Errors.E1022(origin=origin))


def is_browser(request: Request) -> bool:
    return bool(request.cookies) or "origin" in request.headers


def check_csrf(request: Request, submitted: str) -> None:
    if not _same(submitted, request.cookies.get(CSRF_COOKIE, "")):
        raise Refused(Errors.E1023())


def guard_write(request: Request, submitted: str = "") -> None:
    """Everything a write must pass: origin, token, and (for browsers) the CSRF token."""
    check_origin(request)
    check_token(request)
    if bearer(request) is not None:  # a page of another site cannot send this header: no CSRF risk
        return
    if is_browser(request):
        check_csrf(request, submitted or request.headers.get(CSRF_HEADER, ""))
