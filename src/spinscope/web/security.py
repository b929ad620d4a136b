"""Write protection: the API token (when `SPINSCOPE_TOKEN` is set), CSRF tokens on form posts, same-origin
checks on API writes.

* API token: with `SPINSCOPE_TOKEN` set, every write (POST, DELETE) needs `Authorization: Bearer TOKEN`, or
  the `spinscope_token` cookie the sign-in page sets (so the browser pages work too). Reads stay open.
* CSRF: every page sets a random `spinscope_csrf` cookie (SameSite=Strict) and puts the same value in its
  forms and in a `<meta name="csrf">` for the page's script; a form post or a browser's API write must send
  it back (form field `csrf`, header `X-CSRF-Token`). Requests without cookies and without an `Origin`
  header (curl, scripts) are not browser requests and need no CSRF token.
* A write whose `Origin` names another site is refused outright.
"""

from __future__ import annotations

import hmac
import os
import secrets
from urllib.parse import urlsplit

from fastapi import Request

from ..errors import Errors

CSRF_COOKIE = "spinscope_csrf"
TOKEN_COOKIE = "spinscope_token"
CSRF_HEADER = "x-csrf-token"


class Refused(Exception):
    """A request refused with an HTTP status and a coded message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


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


def signed_in(request: Request) -> bool:
    """Whether writes are allowed: no token is set, or the request carries it (bearer header or sign-in cookie)."""
    if not api_token():
        return True
    header = request.headers.get("authorization", "")
    return token_matches(header[7:] if header.lower().startswith("bearer ") else request.cookies.get(TOKEN_COOKIE, ""))


def check_token(request: Request) -> None:
    """With SPINSCOPE_TOKEN set, the bearer token or the sign-in cookie must carry it (401 E1021)."""
    if not signed_in(request):
        raise Refused(401, Errors.E1021())


def check_origin(request: Request) -> None:
    origin = request.headers.get("origin", "")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise Refused(403, Errors.E1022(origin=origin))
    if origin == "null":
        raise Refused(403, Errors.E1022(origin=origin))


def is_browser(request: Request) -> bool:
    return bool(request.cookies) or "origin" in request.headers


def check_csrf(request: Request, submitted: str) -> None:
    if not _same(submitted, request.cookies.get(CSRF_COOKIE, "")):
        raise Refused(403, Errors.E1023())


def guard_write(request: Request, submitted: str = "") -> None:
    """Everything a write must pass: origin, token, and (for browsers) the CSRF token."""
    check_origin(request)
    check_token(request)
    if request.headers.get("authorization"):  # a page of another site cannot send this header: no CSRF risk
        return
    if is_browser(request):
        check_csrf(request, submitted or request.headers.get(CSRF_HEADER, ""))
