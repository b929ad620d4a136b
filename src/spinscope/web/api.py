"""The JSON API under `/api/` (OpenAPI docs at `/docs`). Records are the CLI's JSON records (`docs/schema.md`)
with `id` the stored analysis' id; errors are `{"error": {"code", "message"}}` with the CLI's codes."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .. import __version__
from ..casebank.store import open_default
from ..errors import Errors, InputError
from ..writers.record import SCHEMA_VERSION
from .app import State, state_of
from .review import export_corrections
from .security import guard_write
from .service import Analysis

router = APIRouter(prefix="/api", tags=["api"])
T = TypeVar("T")
MAX_KEY = 200  # characters of an Idempotency-Key


class Options(BaseModel):
    only: list[str] = Field(default_factory=list, description="Run only these components (and what they need).")
    skip: list[str] = Field(default_factory=list, description="Switch these components off.")


class AnalyzeRequest(BaseModel):
    text: str | None = Field(None, description="The article text, verbatim.")
    url: str | None = Field(None, description="An http(s) page to fetch (private addresses are refused).")
    title: str = Field("", description="A title for pasted text.")
    options: Options = Field(default_factory=Options)


class Correction(BaseModel):
    action: str = Field(description="accept | reject | relabel | add")
    start: int
    end: int
    technique: str
    new_technique: str = ""
    text: str = Field("", description="The span's text as the reviewer saw it; used to re-anchor offsets.")


class ReviewRequest(BaseModel):
    corrections: list[Correction]
    reviewer: str = ""


def openapi_with_bodies(app: Any) -> Callable[[], dict[str, Any]]:
    """`app.openapi` with the request bodies that the routes parse themselves (JSON or a form) documented."""
    from fastapi.openapi.utils import get_openapi

    upload = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "txt, html, jsonl, csv or warc (.gz too)"},
            **{k: {"type": "string"} for k in ("text", "url", "title")},
            **{k: {"type": "array", "items": {"type": "string"}} for k in ("only", "skip")},
        },
    }
    bodies = {"/api/analyze": (AnalyzeRequest, upload), "/api/documents/{doc_id}/review": (ReviewRequest, None)}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            known = schema.setdefault("components", {}).setdefault("schemas", {})
            for path, (model, form) in bodies.items():
                body = model.model_json_schema(ref_template="#/components/schemas/{model}")
                known.update(body.pop("$defs", {}))
                known[model.__name__] = body
                content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}
                if form is not None:
                    content["multipart/form-data"] = {"schema": form}
                schema["paths"][path]["post"]["requestBody"] = {"required": True, "content": content}
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi


async def within_limit(state: State, work: Callable[..., T], what: str = "The analysis") -> T:
    """Run `work(deadline=...)` off the event loop within `web.request_timeout` (504 E1025 after it). The thread
    cannot be stopped, so `deadline` (a `time.monotonic()` value) lets the work skip what nobody waits for."""
    limit = float(state.settings["web"]["request_timeout"])
    deadline = time.monotonic() + limit
    try:
        return await asyncio.wait_for(run_in_threadpool(work, deadline=deadline), timeout=limit)
    except TimeoutError as exc:
        raise InputError(Errors.E1025(what=what, limit=limit)) from exc


def stored(state: State, analysis: Analysis, key: str = "") -> list[dict[str, Any]]:
    """Store every analysed record in one commit, durable before the response leaves (see `Library.add_all`
    for `key`)."""
    if not analysis.records and analysis.rejected:
        raise InputError(analysis.rejected[0])
    return state.library.add_all(analysis.records, key)


def idempotency_key(request: Request) -> str:
    """The request's `Idempotency-Key` header ("" without one); 1 to 200 visible ASCII characters."""
    key = request.headers.get("idempotency-key", "")
    if key and not (len(key) <= MAX_KEY and key.isascii() and key.isprintable() and key.strip() == key):
        raise InputError(Errors.E1029(detail=f"Idempotency-Key must be 1 to {MAX_KEY} visible ASCII characters"))
    return key


def _answer(records: list[dict[str, Any]], rejected: list[str], status: int) -> JSONResponse:
    """One record alone; several (or any rejected input of a file) as `{"documents", "rejected"}`."""
    if len(records) != 1 or rejected:
        return JSONResponse({"documents": records, "rejected": rejected}, status_code=status)
    return JSONResponse(records[0], status_code=status)


async def analyse_request(request: Request) -> Analysis:
    """The analysis a JSON body or a multipart form asks for."""
    state = state_of(request)
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        upload = form.get("file")
        options = {k: [v for v in form.getlist(k) if v] for k in ("only", "skip")}
        if upload is None or isinstance(upload, str) or form.get("text") or form.get("url"):
            return await _analyse_fields(state, form.get("text"), form.get("url"), str(form.get("title", "")), options)
        data = await upload.read()
        name = upload.filename or "upload.txt"
        return await within_limit(state, partial(state.analyzer.upload, name, data, **options))
    if not kind.startswith("application/json"):
        raise InputError(Errors.E1029(detail="send application/json or a form"))
    try:
        body = AnalyzeRequest.model_validate_json(await request.body())
    except ValueError as exc:
        raise InputError(Errors.E1029(detail=str(exc).splitlines()[0])) from exc
    options = body.options.model_dump()
    return await _analyse_fields(state, body.text, body.url, body.title, options)


async def _analyse_fields(state: State, text: Any, url: Any, title: str, options: dict[str, Any]) -> Analysis:
    text, url = (v if isinstance(v, str) and v.strip() else None for v in (text, url))
    if (text is None) == (url is None):
        raise InputError(Errors.E1027())
    if url is not None:
        return await within_limit(state, partial(state.analyzer.url, url.strip(), **options))
    return await within_limit(state, partial(state.analyzer.text, text, title=title, **options))


@router.post("/analyze", status_code=201, summary="Analyse text, a URL or an uploaded file and store it")
async def analyze(request: Request) -> JSONResponse:
    """JSON `{text | url, title, options: {only, skip}}` or a multipart form with `file` (txt, html, jsonl,
    csv, warc). One document: its record (with the stored `id`). A file with several documents:
    `{"documents": [records], "rejected": [messages]}`. With an `Idempotency-Key` header that an earlier
    request stored documents under, those come back (200) and nothing is analysed or stored again."""
    guard_write(request)
    state = state_of(request)
    key = idempotency_key(request)
    if key and (done := state.library.requested(key)):
        return _answer(done, [], 200)
    analysis = await analyse_request(request)
    return _answer(stored(state, analysis, key), analysis.rejected, 201)


def _record(state: State, doc_id: str) -> dict[str, Any]:
    record = state.library.get(doc_id)
    if record is None:
        raise InputError(Errors.E1026(doc_id=doc_id))
    return record


def _listing(state: State, limit: int, offset: int, **filters: str) -> dict[str, Any]:
    rows, total = state.library.search(limit=limit, offset=offset, **filters)
    return {"total": total, "limit": limit, "offset": offset, "documents": rows}


@dataclass
class Filters:
    """The library's filters, as query parameters (`GET /api/documents`, the library page)."""

    q: str = ""
    technique: str = ""
    narrative: str = ""
    actor: str = ""
    language: str = ""
    outlet: str = ""
    since: str = ""
    until: str = ""


@router.get("/documents", summary="Stored analyses, newest first, with filters")
def documents(
    request: Request,
    filters: Annotated[Filters, Depends()],
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    return _listing(state_of(request), limit, offset, **dataclasses.asdict(filters))


@router.get("/search", summary="Full-text search over stored titles and texts")
def search(request: Request, q: str, limit: int = Query(20, ge=1, le=500), offset: int = Query(0, ge=0)):
    return _listing(state_of(request), limit, offset, q=q)


@router.get("/documents/{doc_id}", summary="One stored analysis (its JSON record)")
def document(request: Request, doc_id: str) -> dict[str, Any]:
    return _record(state_of(request), doc_id)


@router.delete("/documents/{doc_id}", summary="Delete a stored analysis")
def delete(request: Request, doc_id: str) -> dict[str, Any]:
    guard_write(request)
    state = state_of(request)
    if not state.library.delete(doc_id):
        raise InputError(Errors.E1026(doc_id=doc_id))
    return {"deleted": doc_id}


async def reanalysed(state: State, doc_id: str) -> dict[str, Any]:
    """The stored document analysed again with the current model, under the same id."""
    old = _record(state, doc_id)
    analysis = await within_limit(state, partial(state.analyzer.text, old["text"], title=old["title"] or ""))
    record = analysis.records[0]
    for key in ("source", "date", "language"):
        record[key] = old[key] if key != "language" or not record[key] else record[key]
    record["meta"] = {**old["meta"], **{k: v for k, v in record["meta"].items() if k not in old["meta"]}}
    return state.library.replace(doc_id, record)


@router.post("/documents/{doc_id}/reanalyze", summary="Analyse a stored document again with the current model")
async def reanalyze(request: Request, doc_id: str) -> dict[str, Any]:
    guard_write(request)
    return await reanalysed(state_of(request), doc_id)


@router.get("/documents/{doc_id}/similar", summary="Near-duplicates of a document among the stored ones")
def similar(request: Request, doc_id: str, limit: int = Query(10, ge=1, le=100)) -> dict[str, Any]:
    state = state_of(request)
    _record(state, doc_id)
    return {"id": doc_id, "similar": state.library.similar(doc_id, limit)}


@router.post("/documents/{doc_id}/review", status_code=201, summary="Save a reviewer's corrections")
async def review(request: Request, doc_id: str) -> dict[str, Any]:
    guard_write(request)
    try:
        body = ReviewRequest.model_validate_json(await request.body())
    except ValueError as exc:
        raise InputError(Errors.E1029(detail=str(exc).splitlines()[0])) from exc
    state = state_of(request)
    _record(state, doc_id)
    corrections = [c.model_dump() for c in body.corrections]
    return state.library.save_review(doc_id, corrections, reviewer=body.reviewer)


@router.get("/documents/{doc_id}/reviews", summary="The saved reviews of a document")
def reviews(request: Request, doc_id: str) -> dict[str, Any]:
    state = state_of(request)
    _record(state, doc_id)
    return {"id": doc_id, "reviews": state.library.reviews(doc_id)}


@router.get("/corrections", summary="Every reviewed document's corrected spans, as training data")
def corrections(request: Request, format: str = Query("jsonl", pattern="^(jsonl|semeval)$")) -> Response:
    """`jsonl`: one line per reviewed document; `semeval`: a zip of article<ID>.txt files and a span labels
    file, which `spinscope train techniques --extra` reads (unzipped)."""
    return corrections_download(state_of(request), format)


def corrections_download(state: State, fmt: str) -> Response:
    with tempfile.TemporaryDirectory(prefix="spinscope-corrections-") as tmp:
        out = Path(tmp) / ("corrections.jsonl" if fmt == "jsonl" else "corrections")
        export_corrections(state.library, out, fmt)
        if fmt == "jsonl":
            body, kind, name = out.read_bytes(), "application/x-ndjson", "corrections.jsonl"
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(out.rglob("*")):
                    if path.is_file():
                        archive.write(path, path.relative_to(out.parent).as_posix())
            body, kind, name = buffer.getvalue(), "application/zip", "corrections.zip"
    return Response(body, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/casebank/search", summary="Cases of the local case bank whose text holds these words")
def casebank_search(request: Request, q: str, limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    bank = open_default(state_of(request).settings)
    if bank is None:
        return {"cases": [], "message": Errors.E701(path=state_of(request).settings["casebank"]["path"] or "default")}
    with bank:
        return {"cases": [dataclasses.asdict(case) for case in bank.search(q, limit=limit)]}


@router.get("/health", summary="Liveness, versions and what is loaded")
def health(request: Request) -> dict[str, Any]:
    state = state_of(request)
    bank = open_default(state.settings)
    cases = 0
    if bank is not None:
        with bank:
            cases = bank.count()
    _, stored_count = state.library.search(limit=1)
    return {
        "status": "ok",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "documents": stored_count,
        "casebank_cases": cases,
    }
