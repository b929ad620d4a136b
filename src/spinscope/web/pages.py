"""The HTML pages: analyse (paste, upload, URL), a result page per stored analysis, the library with search
and filters. Forms post with the CSRF token; every value from a document is escaped by Jinja2."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import Errors, InputError
from ..interop.claimreview import SCALE
from ..labels import TECHNIQUES, human_name
from ..writers.boxes import span_boxes
from ..writers.html import CSS, JS, render_document, render_report
from ..writers.semeval import paragraph_lines, span_lines
from .api import (
    EXPORTS,
    Filters,
    Offset,
    VerdictRequest,
    analyze_request,
    exported,
    filters_of,
    listing,
    parsed,
    read_form,
    reanalyzed,
    record_verdict,
    stored,
)
from .app import page, state_of
from .review import effective
from .security import SESSION_COOKIE, check_csrf, check_origin, guard_write, session_digest, verified

router = APIRouter(include_in_schema=False)
PAGE = 50  # documents a library page lists
DOWNLOADS = {
    "json": "application/json",
    "html": "text/html",
    "semeval-spans": "text/plain",
    "semeval-paragraphs": "text/plain",
    **EXPORTS,
}


@router.get("/assets/report.css")
def report_css() -> Response:
    """The HTML report's own styles, so a result page looks like `analyze -f html`."""
    return Response(CSS, media_type="text/css")


@router.get("/assets/report.js")
def report_js() -> Response:
    """The HTML report's script (tooltips, actor highlighting), served as a file for the page's CSP."""
    return Response(JS, media_type="text/javascript")


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The OpenAPI page: the vendored Swagger UI, started by a script file (the CSP allows no inline script)."""
    return page(request, "docs.html", {})


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    return page(request, "index.html", {"recent": state_of(request).library.search(limit=5)[0]})


async def _form_csrf(request: Request) -> None:
    form = await read_form(request)
    guard_write(request, str(form.get("csrf", "")))


@router.post("/analyze")
async def analyze_form(request: Request) -> Response:
    await _form_csrf(request)
    analysis = await analyze_request(request)
    records = stored(state_of(request), analysis)
    target = f"/documents/{records[0]['id']}" if len(records) == 1 else "/library"
    return RedirectResponse(target, status_code=303)


def _record(request: Request, doc_id: str) -> dict[str, Any]:
    record = state_of(request).library.get(doc_id)
    if record is None:
        raise InputError(Errors.E1026(doc_id=doc_id))
    return record


def review_data(library: Any, record: dict[str, Any]) -> dict[str, Any]:
    """What the page's review panel starts from: the spans as reviewed so far and the labels to pick from."""
    past = [review["corrections"] for review in library.reviews(record["id"])]
    spans = effective(record["text"], record["techniques"], past)
    labels = [*TECHNIQUES, *sorted({s["technique"] for s in spans} - set(TECHNIQUES))]
    return {
        "id": record["id"],
        "spans": spans,
        "labels": [{"label": label, "name": human_name(label)} for label in labels],
        "reviews": len(past),
    }


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> Response:
    record = _record(request, doc_id)
    library = state_of(request).library
    context = {
        "similar": library.similar(doc_id),
        "record": record,
        "body": render_document(record, "doc"),
        "downloads": list(DOWNLOADS),
        "review": review_data(library, record),
        "scale": SCALE,
        "verdict": request.query_params.get("verdict") == "saved",
        "pictures": [(page, span_boxes(record, page)) for page in library.picture_pages(doc_id)],
    }
    return page(request, "document.html", context)


@router.post("/documents/{doc_id}/verdict")
async def verdict_form(request: Request, doc_id: str) -> Response:
    """A reviewer's verdict on a claim, into the newsroom bank of the local case bank."""
    await _form_csrf(request)
    form = await read_form(request)
    fields = {k: str(form.get(k, "")) for k in ("claim", "rating", "rebuttal", "link", "author")}
    record_verdict(state_of(request), doc_id, parsed(VerdictRequest, fields))
    return RedirectResponse(f"/documents/{doc_id}?verdict=saved", status_code=303)


@router.get("/documents/{doc_id}/download/{fmt}")
def download(request: Request, doc_id: str, fmt: str) -> Response:
    import json

    record = _record(request, doc_id)
    if fmt not in DOWNLOADS:
        raise InputError(Errors.E602(fmt=fmt, known=", ".join(DOWNLOADS)))
    if fmt in EXPORTS:
        return exported(state_of(request), record, fmt)
    body = {
        "json": lambda: json.dumps(record, ensure_ascii=False, indent=2),
        "html": lambda: render_report([record]),
        "semeval-spans": lambda: "".join(span_lines(record)),
        "semeval-paragraphs": lambda: "".join(paragraph_lines(record)),
    }[fmt]()
    name = f"{doc_id}.{'json' if fmt == 'json' else 'html' if fmt == 'html' else 'txt'}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=DOWNLOADS[fmt], headers=headers)


@router.post("/documents/{doc_id}/delete")
async def delete(request: Request, doc_id: str) -> Response:
    await _form_csrf(request)
    state_of(request).library.delete(doc_id)
    return RedirectResponse("/library", status_code=303)


@router.post("/documents/{doc_id}/reanalyze")
async def reanalyze(request: Request, doc_id: str) -> Response:
    await _form_csrf(request)
    await reanalyzed(state_of(request), doc_id)
    return RedirectResponse(f"/documents/{doc_id}", status_code=303)


@router.get("/library", response_class=HTMLResponse)
async def library(request: Request, filters: Annotated[Filters, Depends(filters_of)], offset: Offset = 0) -> Response:
    state = state_of(request)
    chosen = filters.chosen()
    found = await listing(request, PAGE, offset, **chosen)
    rows, total = found["documents"], found["total"]
    context = {"rows": rows, "total": total, "q": filters.q, "since": filters.since, "until": filters.until}
    context |= {"offset": offset, "newer": None, "older": None}
    kept = {k: v for k, v in chosen.items() if v}
    if offset:
        context["newer"] = urlencode({**kept, "offset": max(0, offset - PAGE)})
    if offset + len(rows) < total:
        context["older"] = urlencode({**kept, "offset": offset + PAGE})
    context["filters"] = filters.facets
    context["facets"] = state.library.facets()
    name = "library_rows.html" if request.headers.get("hx-request") else "library.html"
    return page(request, name, context)


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request) -> Response:
    return page(request, "signin.html", {"wrong": False})


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Check the token once and open a session: its random id goes in an HttpOnly, SameSite=Strict cookie
    (Secure over https) that the write guard reads; the token itself is never stored in the browser."""
    form = await read_form(request)
    check_origin(request)
    check_csrf(request, str(form.get("csrf", "")))
    if not verified(request, str(form.get("token", ""))):
        return page(request, "signin.html", {"wrong": True}, status=401)
    session = secrets.token_urlsafe(32)
    days = float(state_of(request).settings["web"]["session_days"])
    state_of(request).library.open_session(session_digest(session), days)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session,
        max_age=int(days * 86400),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    """End the session on the server (its cookie no longer signs anyone in) and drop the cookie."""
    form = await read_form(request)
    check_origin(request)
    check_csrf(request, str(form.get("csrf", "")))
    if session := request.cookies.get(SESSION_COOKIE, ""):
        state_of(request).library.close_session(session_digest(session))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
