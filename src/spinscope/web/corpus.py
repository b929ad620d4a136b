"""Corpus runs in the app: the `corpus run` output folders named by `web.corpus` (`serve --corpus DIR`), each
with its report (plots and tables, as `corpus report` makes them) and a SQL form over its views.

Queries come from whoever can reach the server, so they run sandboxed (`corpus.query.run_query`: one SELECT,
reading the run's shard files and nothing else, no extensions, `corpus.query_memory`, `web.query_threads`),
are interrupted at `web.request_timeout` or when the client goes away, and return at most
`web.max_query_rows` rows. Reading needs no token: like the library, a run the server shows is public to
its users.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..corpus.query import QueryLimits, run_query
from ..corpus.report import GROUPS, build_report, section_html, table_html
from ..corpus.shards import RunFolder
from ..errors import Errors, InputError, SpinscopeError
from .api import within_limit
from .app import State, page, state_of

router = APIRouter()
EXAMPLE_SQL = "SELECT technique, count(*) AS spans FROM techniques GROUP BY 1 ORDER BY 2 DESC LIMIT 20"


def runs(state: State) -> list[Path]:
    return [Path(p) for p in state.settings["web"]["corpus"]]


def run_folder(state: State, n: int) -> Path:
    """The n-th (1-based) configured run (404 E1030 for another number)."""
    folders = runs(state)
    if not 1 <= n <= len(folders):
        raise InputError(Errors.E1030(n=n, count=len(folders)))
    return folders[n - 1]


def summary(n: int, root: Path) -> dict[str, Any]:
    """A run's number, name, folder and progress (its manifest's counts; None when there is no run there)."""
    folder = RunFolder(root)
    manifest = folder.read_manifest()
    return {
        "n": n,
        "name": root.name,
        "path": str(root),
        "shards_done": len(folder.completed()) if manifest else 0,
        "manifest": manifest,
    }


async def query(request: Request, n: int, sql: str) -> dict[str, Any]:
    state = state_of(request)
    limit = int(state.settings["web"]["max_query_rows"])
    root = run_folder(state, n)
    limits = QueryLimits.of(state.settings, web=True)
    columns, rows = await within_limit(
        state,
        lambda cancel: run_query(root, sql, limit=limit + 1, limits=limits, cancel=cancel),
        what="The query",
        request=request,
    )
    return {"columns": columns, "rows": rows[:limit], "truncated": len(rows) > limit, "limit": limit}


@router.get("/api/corpus", tags=["corpus"], summary="The corpus runs this server shows")
def api_runs(request: Request) -> dict[str, Any]:
    return {"runs": [summary(n, root) for n, root in enumerate(runs(state_of(request)), start=1)]}


@router.get("/api/corpus/{n}/query", tags=["corpus"], summary="One read-only SQL statement over a run's views")
async def api_query(request: Request, n: int, sql: str = Query(..., max_length=20_000)) -> dict[str, Any]:
    return await query(request, n, sql)


@router.get("/corpus", response_class=HTMLResponse, include_in_schema=False)
def corpus_list(request: Request) -> Response:
    listed = [summary(n, root) for n, root in enumerate(runs(state_of(request)), start=1)]
    return page(request, "corpus.html", {"runs": listed})


@router.get("/corpus/{n}", response_class=HTMLResponse, include_in_schema=False)
async def corpus_run(
    request: Request,
    n: int,
    by: str = "outlet",
    since: str = "",
    until: str = "",
    sql: str = Query("", max_length=20_000),
) -> Response:
    """The run's report, grouped `by` outlet or language, and, when `sql` is given, its result."""
    state = state_of(request)
    root = run_folder(state, n)
    if by not in GROUPS:
        raise InputError(Errors.E504(key="by", what="grouping", name=by, hint=f"; known: {', '.join(GROUPS)}"))
    limits = QueryLimits.of(state.settings, web=True)
    sections = await within_limit(
        state,
        lambda cancel: build_report(root, by, since or None, until or None, limits, cancel),
        what="The report",
        request=request,
    )
    result, problem = None, ""
    if sql.strip():
        try:
            answer = await query(request, n, sql)
            result = {**answer, "table": table_html(answer["columns"], answer["rows"])}
        except SpinscopeError as exc:  # the report still shows; the query's error sits under its form
            problem = str(exc)
    context = {
        "run": summary(n, root),
        "sections": [section_html(s) for s in sections],
        "by": by,
        "groups": list(GROUPS),
        "since": since,
        "until": until,
        "sql": sql or EXAMPLE_SQL,
        "result": result,
        "problem": problem,
    }
    return page(request, "corpus_run.html", context)
