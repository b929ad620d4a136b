"""The HTML pages: analyse (paste, upload, URL), a result page per stored analysis, the library with search
and filters. Forms post with the CSRF token; every value from a document is escaped by Jinja2."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import Errors, InputError
from ..writers.html import CSS, JS, render_document, render_report
from ..writers.semeval import paragraph_lines, span_lines
from .api import Filters, analyse_request, reanalysed, stored
from .app import page, state_of
from .security import guard_write

router = APIRouter(include_in_schema=False)
DOWNLOADS = {
    "json": "application/json",
    "html": "text/html",
    "semeval-spans": "text/plain",
    "semeval-paragraphs": "text/plain",
}


@router.get("/assets/report.css")
def report_css() -> Response:
    """The HTML report's own styles, so a result page looks like `analyze -f html`."""
    return Response(CSS, media_type="text/css")


@router.get("/assets/report.js")
def report_js() -> Response:
    """The HTML report's script (tooltips, actor highlighting), served as a file for the page's CSP."""
    return Response(JS, media_type="text/javascript")


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    return page(request, "index.html", {"recent": state_of(request).library.search(limit=5)[0]})


async def _form_csrf(request: Request) -> None:
    form = await request.form()
    guard_write(request, str(form.get("csrf", "")))


@router.post("/analyze")
async def analyze_form(request: Request) -> Response:
    await _form_csrf(request)
    analysis, _ = await analyse_request(request)
    records = stored(state_of(request), analysis)
    target = f"/documents/{records[0]['id']}" if len(records) == 1 else "/library"
    return RedirectResponse(target, status_code=303)


def _record(request: Request, doc_id: str) -> dict[str, Any]:
    record = state_of(request).library.get(doc_id)
    if record is None:
        raise InputError(Errors.E1026(doc_id=doc_id))
    return record


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document(request: Request, doc_id: str) -> Response:
    record = _record(request, doc_id)
    context = {
        "similar": state_of(request).library.similar(doc_id),
        "record": record,
        "body": render_document(record, "doc"),
        "downloads": list(DOWNLOADS),
    }
    return page(request, "document.html", context)


@router.get("/documents/{doc_id}/download/{fmt}")
def download(request: Request, doc_id: str, fmt: str) -> Response:
    import json

    record = _record(request, doc_id)
    if fmt not in DOWNLOADS:
        raise InputError(Errors.E602(fmt=fmt, known=", ".join(DOWNLOADS)))
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
    await reanalysed(state_of(request), doc_id)
    return RedirectResponse(f"/documents/{doc_id}", status_code=303)


@router.get("/library", response_class=HTMLResponse)
def library(request: Request, filters: Annotated[Filters, Depends()], offset: int = 0) -> Response:
    state = state_of(request)
    chosen = dataclasses.asdict(filters)
    rows, total = state.library.search(limit=50, offset=max(0, offset), **chosen)
    facets = {k: chosen[k] for k in ("technique", "narrative", "actor", "language", "outlet")}
    context = {"rows": rows, "total": total, "q": filters.q, "since": filters.since, "until": filters.until}
    context["filters"] = facets
    context["facets"] = state.library.facets()
    name = "library_rows.html" if request.headers.get("hx-request") else "library.html"
    return page(request, name, context)
