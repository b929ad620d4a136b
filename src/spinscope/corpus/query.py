"""SQL over a corpus run: DuckDB views on the finished shards (`docs/corpus.md` lists their columns).

`documents` has one row per document; `techniques`, `paragraphs`, `frames`, `claims`, `entities`,
`narratives` and `matches` one row per item, each with the document's `id`, `outlet`, `language` and `day`
so that counts over time or by outlet need no join; `clusters` one row per member of a syndication cluster.
`outlet` is the Telegram channel, a record's `outlet` or `site` field, the site name or host an HTML page
gave, or the domain of the document's URL (null for local files without one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import CorpusError, Errors
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

VIEWS = {
    "base": f"SELECT *, {_OUTLET} AS outlet, TRY_CAST(substr(date, 1, 10) AS DATE) AS day FROM shards",
    "documents": """SELECT id, source, outlet, title, date, day, language, genre.label AS genre,
        len(text) AS chars, len(techniques) AS n_techniques, len(claims) AS n_claims, len(entities) AS n_entities,
        len(narratives) AS n_narratives, len(matches) AS n_matches,
        COALESCE(TRY_CAST(json_extract(meta, '$.duplicate_id') AS BOOLEAN), false) AS duplicate_id, meta, warnings
        FROM base""",
    "techniques": f"""SELECT {_DOC}, t.technique, t.start, t."end", t.text, t.score
        FROM base, unnest(techniques) AS u(t)""",
    "paragraphs": f"""SELECT {_DOC}, p.line, p.start, p."end", unnest(p.techniques) AS technique
        FROM base, unnest(paragraphs) AS u(p)""",
    "frames": f"SELECT {_DOC}, f.frame, f.score, f.predicted FROM base, unnest(frames) AS u(f)",
    "claims": f"""SELECT {_DOC}, c.start, c."end", c.text, c.checkworthiness, c.attribution.kind AS attribution,
        c.attribution.speaker AS speaker, c.attribution.name AS speaker_actor FROM base, unnest(claims) AS u(c)""",
    "entities": f"""SELECT {_DOC}, e.name, e.type, len(e.mentions) AS mentions, len(e.targeted_by) AS targeted,
        len(e.claims) AS claims FROM base, unnest(entities) AS u(e)""",
    "narratives": f"""SELECT {_DOC}, n.narrative, n.subnarrative, n.score, n.source
        FROM base, unnest(narratives) AS u(n)""",
    "matches": f"""SELECT {_DOC}, m.start, m."end", m.text, m.case_id, m.bank, m.title, m.similarity, m.score,
        m.via, m.url FROM base, unnest(matches) AS u(m)""",
}
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


def connect(root: Path, since: str | None = None, until: str | None = None, *, sandbox: bool = False):
    """An in-memory DuckDB connection with the views over the run's finished shards (E906: no run there);
    with `since`/`until` (ISO dates, inclusive) only the documents dated inside that period. `sandbox`
    (the web app) leaves the connection no file access outside the run folder, for SQL from strangers."""
    import duckdb

    folder = RunFolder(root)
    folder.require()
    files = [str(p) for p in folder.shard_files() if p.is_file()]
    con = duckdb.connect()
    if sandbox:
        con.execute("SET allowed_directories = ?", [[f"{Path(root).resolve()}/"]])
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    if files:
        con.execute(f"CREATE VIEW shards AS SELECT * FROM read_parquet({files!r}, union_by_name = true)")
    else:  # a run with no finished shard yet: the same columns, no rows
        from .arrow import record_schema

        con.register("empty_shards", record_schema().empty_table())
        con.execute("CREATE VIEW shards AS SELECT * FROM empty_shards")
    period = [f"day >= DATE '{d}'" for d in [_iso(since)] if d] + [f"day <= DATE '{d}'" for d in [_iso(until)] if d]
    for name, sql in VIEWS.items():
        where = f"SELECT * FROM ({sql}) WHERE {' AND '.join(period)}" if name == "base" and period else sql
        con.execute(f"CREATE VIEW {name} AS {where}")
    clusters = root / CLUSTERS_FILE
    source = f"SELECT * FROM read_parquet({str(clusters)!r})" if clusters.is_file() else _NO_CLUSTERS
    con.execute(f"CREATE VIEW clusters AS {source}")
    return con


def run_query(
    root: Path, sql: str, *, sandbox: bool = False, limit: int | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(column names, rows) of one SQL statement over the views; a bad statement is E905 with DuckDB's reason.
    `sandbox`: also only statements that read (SELECT, WITH, DESCRIBE, ...), on a sandboxed connection;
    `limit`: at most that many rows are fetched."""
    import duckdb

    con = connect(root, sandbox=sandbox)
    try:
        if sandbox and not _one_read(con, sql):
            raise CorpusError(
                Errors.E905(path=root, detail="only one statement that reads (SELECT, WITH, ...) runs here")
            )
        result = con.execute(sql)
        rows = result.fetchall() if limit is None else result.fetchmany(limit)
        return [d[0] for d in result.description or []], rows
    except duckdb.Error as exc:
        raise CorpusError(Errors.E905(path=root, detail=str(exc).splitlines()[0])) from None
    finally:
        con.close()


def _one_read(con, sql: str) -> bool:
    import duckdb

    statements = con.extract_statements(sql)
    return len(statements) == 1 and statements[0].type in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)


def _iso(day: str | None) -> str | None:
    """A checked YYYY-MM-DD date (E905 otherwise), so it can go into SQL as it is."""
    import datetime as dt

    if day is None:
        return None
    try:
        return dt.date.fromisoformat(day).isoformat()
    except ValueError:
        raise CorpusError(Errors.E905(path=day, detail="not a date (YYYY-MM-DD)")) from None
