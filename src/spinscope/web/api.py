"""The JSON API under `/api/` (OpenAPI docs at `/docs`). Records are the CLI's JSON records (`docs/schema.md`)
with `id` the stored analysis' id; errors are `{"error": {"code", "message"}}` with the CLI's codes."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import json
import tempfile
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from .. import __version__
from ..casebank import CaseBank, bank_path
from ..casebank.store import Case, open_default
from ..corpus.query import outlet as outlet_of
from ..errors import Errors, InputError
from ..interop.claimreview import SCALE, claimreview, newsroom_case
from ..labels import PTC14, TECHNIQUES, colour, definition, human_name, tint
from ..registry import writers
from ..runner.cancel import Cancellation, Cancelled
from ..writers.record import SCHEMA_VERSION
from .app import State, state_of
from .review import export_corrections
from .security import guard_write
from .service import Analysis, Analyzer
from .store import facet_kinds

router = APIRouter(prefix="/api", tags=["api"])
T = TypeVar("T")
MAX_KEY = 200  # characters of an Idempotency-Key
MAX_FORM_FIELDS = 20  # fields a form may have (text, url, title, csrf, only and skip repeated)
POLL_SECONDS = 0.25  # how often a waiting request looks for its timeout and for a client that went away


class Options(BaseModel):
    only: list[str] = Field(default_factory=list, description="Run only these components (and what they need).")
    skip: list[str] = Field(default_factory=list, description="Switch these components off.")


class AnalyzeRequest(BaseModel):
    text: str | None = Field(None, description="The article text, verbatim.")
    url: str | None = Field(None, description="An http(s) page to fetch (private addresses are refused).")
    title: str = Field("", description="A title for pasted text.")
    source: str = Field(
        "",
        max_length=2000,
        description="Where pasted text came from (the browser extension sends the page's "
        "address): the record's `source`, shown as text; nothing is fetched from it.",
    )
    options: Options = Field(default_factory=Options)


class Correction(BaseModel):
    action: str = Field(description="accept | reject | relabel | add")
    start: int = Field(ge=0, strict=True, description="A JSON integer: not a boolean, a string or a float.")
    end: int = Field(ge=0, strict=True)
    technique: str
    new_technique: str = ""
    text: str = Field("", description="The span's text as the reviewer saw it; used to re-anchor offsets.")


M = TypeVar("M", bound=BaseModel)


def parsed(model: type[M], data: str | bytes | Mapping[str, Any]) -> M:
    """A request body (JSON, or a form's fields) as `model`; E1029 with the first problem when it is not."""
    try:
        return model.model_validate(data) if isinstance(data, Mapping) else model.model_validate_json(data)
    except ValueError as exc:
        raise InputError(Errors.E1029(detail=str(exc).splitlines()[0])) from exc


async def written(request: Request, model: type[M]) -> M:
    """The JSON body of a write (`guard_write` first) as `model`."""
    guard_write(request)
    return parsed(model, await request.body())


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


async def within_limit(
    state: State,
    work: Callable[..., T],
    what: str = "The analysis",
    request: Request | None = None,
    setting: str = "request_timeout",
) -> T:
    """Run `work(cancel=...)` off the event loop within the seconds of `web.<setting>` (504 E1025 after them).
    The `Cancellation` is set at the timeout, when the client of `request` goes away, or when this coroutine is
    cancelled: the work stops at its next check (between documents and batches; a DuckDB query is interrupted,
    a library search aborted), so nothing keeps a core busy for a caller who is gone."""
    limit = float(state.settings["web"][setting])
    timed_out = Errors.E1025(what=what, limit=limit, setting=setting)
    cancel = Cancellation(deadline=time.monotonic() + limit)
    task = asyncio.ensure_future(run_in_threadpool(_stoppable, work, cancel, timed_out))
    task.add_done_callback(lambda done: done.cancelled() or done.exception())  # a late failure is nobody's
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=POLL_SECONDS)
            if task.done():
                break
            if cancel.cancelled:
                raise InputError(timed_out)
            if request is not None and await request.is_disconnected():
                raise InputError(Errors.E1031(what=what.lower()))
        return task.result()
    finally:
        if not task.done():
            cancel.cancel()


def _stoppable(work: Callable[..., T], cancel: Cancellation, timed_out: str) -> T:
    try:
        return work(cancel=cancel)
    except Cancelled:
        raise InputError(timed_out) from None


def stored(state: State, analysis: Analysis, key: str = "", fingerprint: str = "") -> list[dict[str, Any]]:
    """Store every analysed record in one commit, durable before the response leaves (see `Library.add_all`
    for `key` and `fingerprint`)."""
    if not analysis.records and analysis.rejected:
        raise InputError(analysis.rejected[0])
    return state.library.add_all(analysis.records, key, fingerprint, analysis.pictures)


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


async def read_form(request: Request) -> FormData:
    """The request's form (parsed once, then cached by Starlette), within field and file counts (a pasted text
    may fill the whole body); a malformed one is E1029 in the documented error format."""
    size = int(state_of(request).settings["web"]["max_request_bytes"])
    try:
        return await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=size)
    except HTTPException as exc:
        raise InputError(Errors.E1029(detail=exc.detail)) from None


@dataclass
class Job:
    """What a request asks to analyse: `work` (an Analyzer call, run by `within_limit`) and a digest of the
    request's content (text or URL or file, title, options) that an Idempotency-Key is kept with."""

    work: Callable[..., Analysis]
    fingerprint: str

    async def run(self, request: Request) -> Analysis:
        return await within_limit(state_of(request), self.work, request=request)


def _job(method: Callable[..., Analysis], content: Any, options: dict[str, Any], **given: Any) -> Job:
    digest = hashlib.sha256(content if isinstance(content, bytes) else str(content).encode()).hexdigest()
    asked = {"method": method.__name__, "content": digest, **given, **{k: sorted(v) for k, v in options.items()}}
    return Job(partial(method, content, **given, **options), hashlib.sha256(json.dumps(asked).encode()).hexdigest())


async def analysis_job(request: Request) -> Job:
    """The analysis a JSON body or a form (fields `text`, `url` or `file`: exactly one) asks for."""
    analyzer = state_of(request).analyzer
    kind = request.headers.get("content-type", "")
    if kind.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await read_form(request)
        upload = form.get("file")
        options = {k: [v for v in form.getlist(k) if v] for k in ("only", "skip")}
        if not isinstance(upload, UploadFile) or not upload.filename:  # a form without a chosen file sends ""
            return _fields_job(analyzer, form.get("text"), form.get("url"), str(form.get("title", "")), options)
        if any(isinstance(form.get(k), str) and form[k].strip() for k in ("text", "url")):
            raise InputError(Errors.E1027())
        data = await upload.read()
        return _job(analyzer.upload, data, options, name=upload.filename)
    if not kind.startswith("application/json"):
        raise InputError(Errors.E1029(detail="send application/json or a form"))
    body = parsed(AnalyzeRequest, await request.body())
    return _fields_job(analyzer, body.text, body.url, body.title, body.options.model_dump(), body.source.strip())


def _fields_job(analyzer: Analyzer, text: Any, url: Any, title: str, options: dict[str, Any], source: str = "") -> Job:
    text, url = (v if isinstance(v, str) and v.strip() else None for v in (text, url))
    if (text is None) == (url is None):
        raise InputError(Errors.E1027())
    if url is not None:
        return _job(analyzer.url, url.strip(), options)
    return _job(analyzer.text, text, options, title=title, **({"source": source} if source else {}))


async def analyze_request(request: Request) -> Analysis:
    return await (await analysis_job(request)).run(request)


@router.post("/analyze", status_code=201, summary="Analyse text, a URL or an uploaded file and store it")
async def analyze(request: Request) -> JSONResponse:
    """JSON `{text | url, title, options: {only, skip}}` or a multipart form with `file` (txt, html, jsonl,
    csv, warc). One document: its record (with the stored `id`). A file with several documents:
    `{"documents": [records], "rejected": [messages]}`. With an `Idempotency-Key` header that an earlier
    request stored documents under, those come back (200) and nothing is analysed or stored again."""
    guard_write(request)
    state = state_of(request)
    key = idempotency_key(request)
    job = await analysis_job(request)
    if key and (done := state.library.requested(key, job.fingerprint)):
        return _answer(done, [], 200)
    analysis = await job.run(request)
    return _answer(stored(state, analysis, key, job.fingerprint), analysis.rejected, 201)


def _record(state: State, doc_id: str) -> dict[str, Any]:
    record = state.library.get(doc_id)
    if record is None:
        raise InputError(Errors.E1026(doc_id=doc_id))
    return record


async def listing(request: Request, limit: int, offset: int, **filters: str) -> dict[str, Any]:
    """A page of the library (`Library.search`) within `web.search_timeout` and `web.max_search_terms`."""
    state = state_of(request)
    search = partial(state.library.search, limit=limit, offset=offset, **filters)
    terms = int(state.settings["web"]["max_search_terms"])
    rows, total = await within_limit(
        state, partial(search, max_terms=terms), what="The search", request=request, setting="search_timeout"
    )
    return {"total": total, "limit": limit, "offset": offset, "documents": rows}


MAX_QUERY_CHARS = 1000  # characters of a search or filter value
MAX_VERDICT_CHARS = 10_000  # characters of a verdict's rebuttal
FACET_HELP = "technique, narrative, actor, role as `<actor>: <main role>`, language, outlet, and plugins' own"
MAX_OFFSET = 1_000_000_000  # the furthest a listing pages (SQLite takes offsets below 2**63 only)
Text = Annotated[str, Query(max_length=MAX_QUERY_CHARS)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


@dataclass
class Filters:
    """The library's filters, as query parameters (`GET /api/documents`, the library page): the words `q`,
    the days `since` and `until`, and one value per facet kind (`store.facet_kinds`: technique, narrative,
    actor, role as "<actor>: <main role>", language, outlet, and those plugins' fields offer)."""

    q: str = ""
    since: str = ""
    until: str = ""
    facets: dict[str, str] = dataclasses.field(default_factory=dict)

    def chosen(self) -> dict[str, str]:
        """Every filter by name, facets included (the keyword arguments of `Library.search`)."""
        return {"q": self.q, **self.facets, "since": self.since, "until": self.until}


def filters_of(request: Request, q: Text = "", since: Text = "", until: Text = "") -> Filters:
    """The filters of a request; a facet value over `MAX_QUERY_CHARS` characters is refused (422)."""
    facets = {kind: request.query_params.get(kind, "") for kind in facet_kinds()}
    if long := [kind for kind, value in facets.items() if len(value) > MAX_QUERY_CHARS]:
        raise HTTPException(422, f"The filter {long[0]} is longer than {MAX_QUERY_CHARS} characters.")
    return Filters(q, since, until, facets)


@router.get(
    "/documents",
    summary="Stored analyses, newest first, with filters",
    description="Filters: `q`, `since`, `until` and one query parameter per facet kind (" + FACET_HELP + ").",
)
async def documents(
    request: Request,
    filters: Annotated[Filters, Depends(filters_of)],
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> dict[str, Any]:
    return await listing(request, limit, offset, **filters.chosen())


@router.get("/search", summary="Full-text search over stored titles and texts")
async def search(request: Request, q: Text, limit: int = Query(20, ge=1, le=500), offset: Offset = 0):
    return await listing(request, limit, offset, q=q)


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


async def reanalyzed(state: State, doc_id: str) -> dict[str, Any]:
    """The stored document analysed again with the current model, under the same id."""
    old = _record(state, doc_id)
    analysis = await within_limit(state, partial(state.analyzer.text, old["text"], title=old["title"] or ""))
    record = analysis.records[0]
    for key in ("source", "date", "language"):
        record[key] = old[key] if key != "language" or not record[key] else record[key]
    record["meta"] = {**old["meta"], **{k: v for k, v in record["meta"].items() if k not in old["meta"]}}
    return state.library.replace(doc_id, record)


EXPORTS = {"stix": "application/stix+json", "misp": "application/json", "labelstudio": "application/json"}


def exported(state: State, record: dict[str, Any], fmt: str) -> Response:
    """A stored analysis in one of the analysts' formats (docs/interop.md), as a download."""
    out = io.StringIO()
    writers.get(fmt)(state.settings).write_records(iter([record]), out)
    headers = {"Content-Disposition": f'attachment; filename="{record["id"]}.{fmt}.json"'}
    return Response(out.getvalue(), media_type=EXPORTS[fmt], headers=headers)


@router.get("/documents/{doc_id}/export/{fmt}", summary="One stored analysis as STIX 2.1, MISP or Label Studio")
def export(request: Request, doc_id: str, fmt: str) -> Response:
    if fmt not in EXPORTS:
        raise InputError(Errors.E602(fmt=fmt, known=", ".join(EXPORTS)))
    state = state_of(request)
    return exported(state, _record(state, doc_id), fmt)


@router.get(
    "/documents/{doc_id}/picture",
    summary="The picture (PNG) of one page a stored document's text was read from by OCR",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
)
def picture(request: Request, doc_id: str, page: int = Query(1, ge=1, le=100_000)) -> Response:
    png = state_of(request).library.picture(doc_id, page)
    if png is None:
        raise InputError(Errors.E1026(doc_id=doc_id))
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.post("/documents/{doc_id}/reanalyze", summary="Analyse a stored document again with the current model")
async def reanalyze(request: Request, doc_id: str) -> dict[str, Any]:
    guard_write(request)
    return await reanalyzed(state_of(request), doc_id)


@router.get("/documents/{doc_id}/similar", summary="Near-duplicates of a document among the stored ones")
def similar(request: Request, doc_id: str, limit: int = Query(10, ge=1, le=100)) -> dict[str, Any]:
    state = state_of(request)
    _record(state, doc_id)
    return {"id": doc_id, "similar": state.library.similar(doc_id, limit)}


@router.post("/documents/{doc_id}/review", status_code=201, summary="Save a reviewer's corrections")
async def review(request: Request, doc_id: str) -> dict[str, Any]:
    body = await written(request, ReviewRequest)
    state = state_of(request)
    web = state.settings["web"]
    if len(body.corrections) > int(web["max_corrections"]):
        raise InputError(Errors.E1108(what="corrections", kind=f"at most {web['max_corrections']} in one review"))
    if len(body.reviewer) > int(web["max_reviewer_chars"]):
        raise InputError(Errors.E1108(what="reviewer", kind=f"at most {web['max_reviewer_chars']} characters"))
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


class VerdictRequest(BaseModel):
    """A newsroom's verdict on one of a stored document's claims (`claim`: its index in the record's claims)."""

    claim: int = Field(ge=0)
    rating: str = Field(description="one of " + ", ".join(SCALE))
    rebuttal: str = Field("", max_length=MAX_VERDICT_CHARS)
    link: str = Field("", max_length=MAX_QUERY_CHARS)
    author: str = Field("", max_length=MAX_QUERY_CHARS)


def record_verdict(state: State, doc_id: str, verdict: VerdictRequest) -> Case:
    """The verdict as a case of the `newsroom` bank of the local case bank (made when there is none yet), so
    later articles that restate the claim match it."""
    record = _record(state, doc_id)
    if verdict.claim >= len(record["claims"]):
        raise InputError(Errors.E1108(what="claim", kind=f"the index of one of the {len(record['claims'])} claims"))
    source = record.get("source") or ""
    appeared = source if source.startswith(("http://", "https://")) else outlet_of(record["meta"] or {}, source)
    case = newsroom_case(
        record["claims"][verdict.claim]["text"], rating=verdict.rating, rebuttal=verdict.rebuttal.strip(),
        link=verdict.link.strip(), author=verdict.author.strip(), appeared=appeared, language=record["language"],
    )  # fmt: skip
    with CaseBank(bank_path(state.settings), create=True) as bank:
        bank.upsert([case])
    return case


@router.post("/documents/{doc_id}/verdicts", status_code=201, summary="Record a verdict on a claim (newsroom bank)")
async def verdict(request: Request, doc_id: str) -> dict[str, Any]:
    body = await written(request, VerdictRequest)
    return dataclasses.asdict(record_verdict(state_of(request), doc_id, body))


@router.get("/casebank/claimreview", summary="A bank of the local case bank as ClaimReview JSON-LD")
def casebank_claimreview(request: Request, bank: Text = "newsroom") -> Response:
    settings = state_of(request).settings
    store = open_default(settings)
    document = claimreview([])
    if store is not None:
        with store:
            document = claimreview(store.iter_cases(bank or None))
    return JSONResponse(document, media_type="application/ld+json")


@router.get("/casebank/search", summary="Cases of the local case bank whose text holds these words")
def casebank_search(request: Request, q: Text, limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    settings = state_of(request).settings
    bank = open_default(settings)
    if bank is None:
        return {"cases": [], "message": Errors.E701(path=settings["casebank"]["path"] or "default")}
    with bank:
        found = bank.search(q, limit=limit, max_terms=int(settings["web"]["max_search_terms"]))
        return {"cases": [dataclasses.asdict(case) for case in found]}


@router.get("/labels", summary="How the reports name and colour each technique label")
def technique_labels() -> dict[str, Any]:
    """Every technique label of both schemes with the name, definition and colours the reports show (the
    browser extension's highlights and tooltips use them)."""
    return {
        "labels": {
            label: {
                "name": human_name(label),
                "definition": definition(label),
                "colour": colour(label),
                "tint": tint(label),
            }
            for label in (*TECHNIQUES, *PTC14)
        }
    }


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
