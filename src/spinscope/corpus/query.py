"""SQL over a corpus run: DuckDB views on the finished shards (`docs/corpus.md` lists their columns).

`documents` has one row per document; `techniques`, `paragraphs`, `frames`, `claims`, `entities`,
`narratives` and `matches` one row per item, each with the document's `id`, `outlet`, `language` and `day`
so that counts over time or by outlet need no join; `clusters` one row per member of a syndication cluster.
`outlet` is the Telegram channel, a record's `outlet` or `site` field, the site name or host an HTML page
gave, or the domain of the document's URL (null for local files without one).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CorpusError, Errors
from ..runner.cancel import Cancellation
from .shards import RunFolder

CLUSTERS_FILE = "clusters.parquet"

URL_HOST = r"^[a-z]+://(?:www\.)?([^/:?#]+)"  # group 1: the host of a URL, without "www."
OUTLET_FIELDS = ("channel", "fields.outlet", "fields.site", "sitename", "hostname")  # meta keys, first set wins
OUTLET_URLS = ("url", "fields.url")  # else the host of the first of these meta URLs, else of the source
_HOST_OF = "NULLIF(regexp_extract({}, '" + URL_HOST + "', 1), '')"
_OUTLET = "COALESCE({})".format(
    ", ".join(
        [f"json_extract_string(meta, '$.{key}')" for key in OUTLET_FIELDS]
        + [_HOST_OF.format(f"json_extract_string(meta, '$.{key}')") for key in OUTLET_URLS]
        + [_HOST_OF.format("source")]
    )
)
_DOC = "id, outlet, language, day"
_DOC_TYPES = (("id", "VARCHAR"), ("outlet", "VARCHAR"), ("language", "VARCHAR"), ("day", "DATE"))
BASE = f"SELECT *, {_OUTLET} AS outlet, TRY_CAST(substr(date, 1, 10) AS DATE) AS day FROM shards"


def views() -> dict[str, tuple[str, tuple[str, str] | None]]:
    """View name -> (its SQL, None or (a query that fails over shards that lack what the view `needs`, the view
    instead over those)): `base`, `documents` with the columns the record fields add, then each field's
    tables (plugins' included)."""
    from ..writers.record import record_fields

    fields = record_fields()
    columns = ", ".join(c for f in fields for c in f.columns)
    out: dict[str, tuple[str, tuple[str, str] | None]] = {
        "base": (BASE, None),
        "documents": (
            f"""SELECT id, source, outlet, title, date, day, language, len(text) AS chars, {columns},
            COALESCE(TRY_CAST(json_extract(meta, '$.duplicate_id') AS BOOLEAN), false) AS duplicate_id, meta, warnings
            FROM base""",
            None,
        ),
    }
    for table in (t for f in fields for t in f.tables):
        fallback = None
        if table.needs:
            names = ", ".join(name for name, _ in (*_DOC_TYPES, *table.columns))
            nulls = ", ".join(f"NULL::{kind}" for _, kind in (*_DOC_TYPES, *table.columns))
            empty = f"SELECT * FROM (VALUES ({nulls})) AS r({names}) WHERE false"
            fallback = (f"SELECT {table.needs} FROM shards LIMIT 0", empty)
        out[table.name] = (table.select.replace("{doc}", _DOC), fallback)
    return out


_NO_CLUSTERS = (
    "SELECT * FROM (VALUES (NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::DOUBLE, NULL::VARCHAR)) "
    "AS c(cluster, member, kind, similarity, earliest) WHERE false"
)


def outlet(meta: Mapping[str, Any], source: str | None) -> str | None:
    """The `outlet` column's rule for one record's meta and source (the web app's library files by it)."""
    for key in OUTLET_FIELDS:
        if (value := _meta_value(meta, key)) not in (None, ""):
            return str(value)
    for url in [*(_meta_value(meta, key) for key in OUTLET_URLS), source]:
        if isinstance(url, str) and (match := re.match(URL_HOST, url)):
            return match.group(1)
    return None


def _meta_value(meta: Mapping[str, Any], dotted: str) -> Any:
    value: Any = meta
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


@dataclass(frozen=True)
class QueryLimits:
    """What one DuckDB connection may use: `memory` (DuckDB's memory_limit) and `threads` (0: every core)."""

    memory: str = "2GB"
    threads: int = 0

    @classmethod
    def of(cls, settings: Mapping[str, Any], *, web: bool = False) -> QueryLimits:
        """`corpus.query_memory` and `corpus.query_threads`, or `web.query_threads` for the web app."""
        threads = settings["web" if web else "corpus"]["query_threads"]
        return cls(str(settings["corpus"]["query_memory"]), int(threads))


# Set on every connection: no extension is ever installed or loaded (an unknown function must not download one).
_ALWAYS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def connect(
    root: Path,
    since: str | None = None,
    until: str | None = None,
    *,
    trusted: bool = False,
    limits: QueryLimits = QueryLimits(),
):
    """An in-memory DuckDB connection with the views over the run's finished shards (E906: no run there);
    with `since`/`until` (ISO dates, inclusive) only the documents dated inside that period. Unless `trusted`
    (`corpus query --trusted`), the connection reads the run's shard and cluster files and nothing else, and
    its configuration is locked; no connection installs or loads an extension."""
    import duckdb

    folder = RunFolder(root)
    folder.require()
    files = [str(p) for p in folder.shard_files() if p.is_file()]
    clusters = root / CLUSTERS_FILE
    con = duckdb.connect(config={**_ALWAYS, "memory_limit": limits.memory, **_threads(limits)})
    if not trusted:
        readable = [str(Path(f).resolve()) for f in [*files, *([clusters] if clusters.is_file() else [])]]
        con.execute("SET allowed_paths = ?", [readable])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    if files:
        con.execute(f"CREATE VIEW shards AS SELECT * FROM read_parquet({files!r}, union_by_name = true)")
    else:  # a run with no finished shard yet: the same columns, no rows
        from .arrow import record_schema

        con.register("empty_shards", record_schema().empty_table())
        con.execute("CREATE VIEW shards AS SELECT * FROM empty_shards")
    period = [f"day >= DATE '{d}'" for d in [_iso(since)] if d] + [f"day <= DATE '{d}'" for d in [_iso(until)] if d]
    for name, (sql, fallback) in views().items():
        where = f"SELECT * FROM ({sql}) WHERE {' AND '.join(period)}" if name == "base" and period else sql
        if fallback is not None and not _has(con, fallback[0]):  # shards from before the view's field
            where = fallback[1]
        con.execute(f"CREATE VIEW {name} AS {where}")
    source = f"SELECT * FROM read_parquet({str(clusters)!r})" if clusters.is_file() else _NO_CLUSTERS
    con.execute(f"CREATE VIEW clusters AS {source}")
    return con


def _has(con, probe: str) -> bool:
    """Whether the shards hold what `probe` reads (a Binder error says they do not)."""
    import duckdb

    try:
        con.execute(probe)
    except duckdb.BinderException:
        return False
    return True


def _threads(limits: QueryLimits) -> dict[str, int]:
    return {"threads": limits.threads} if limits.threads > 0 else {}


def run_query(
    root: Path,
    sql: str,
    *,
    trusted: bool = False,
    limit: int | None = None,
    limits: QueryLimits = QueryLimits(),
    cancel: Cancellation | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of one SQL statement over the views; a bad statement is E905 with DuckDB's reason.
    Unless `trusted`: only one SELECT (WITH, FROM, DESCRIBE, SUMMARIZE, ...) on a sandboxed connection (see
    `connect`); `limit`: at most that many rows are fetched; `cancel` interrupts the query when it is set."""
    import duckdb

    con = connect(root, trusted=trusted, limits=limits)
    try:
        if not trusted and not _one_select(con, sql):
            raise CorpusError(
                Errors.E905(path=root, detail="only one statement that reads (SELECT, WITH, ...) runs here")
            )
        with interruptible(con, cancel):
            result = con.execute(sql)
            rows = result.fetchall() if limit is None else result.fetchmany(limit)
        return [d[0] for d in result.description or []], rows
    except duckdb.Error as exc:
        raise CorpusError(Errors.E905(path=root, detail=str(exc).splitlines()[0])) from None
    finally:
        con.close()


@contextlib.contextmanager
def interruptible(con, cancel: Cancellation | None) -> Iterator[None]:
    """The connection's queries in this block are interrupted when `cancel` is set, and the error DuckDB then
    raises leaves as `Cancelled` (the caller has gone), not as a failed query."""
    import duckdb

    if cancel is None:
        yield
        return
    try:
        with cancel.hook(con.interrupt):
            yield
    except duckdb.Error:
        cancel.check()
        raise


def _one_select(con, sql: str) -> bool:
    """One statement, a SELECT: EXPLAIN is not one (EXPLAIN ANALYZE runs the statement it explains, a COPY too)."""
    import duckdb

    statements = con.extract_statements(sql)
    return len(statements) == 1 and statements[0].type == duckdb.StatementType.SELECT


def _iso(day: str | None) -> str | None:
    """A checked YYYY-MM-DD date (E905 otherwise), so it can go into SQL as it is."""
    import datetime as dt

    if day is None:
        return None
    try:
        return dt.date.fromisoformat(day).isoformat()
    except ValueError:
        raise CorpusError(Errors.E905(path=day, detail="not a date (YYYY-MM-DD)")) from None
