"""The library of stored analyses: SQLite (WAL) with FTS5 full-text search and facet rows for the filters.

Each analysis is its JSON record under a stable id of its own (the input's id moves to `meta.input_id`).
An `add` is committed before it returns, so an acknowledged analysis survives a crash of the server. Several
threads and several server processes may use one file (WAL, a busy timeout, one connection per thread).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from ..errors import Errors, LibraryError
from .review import apply, checked

FILE_NAME = "library.sqlite"
SCHEMA_VERSION = "1"
FACETS = ("technique", "narrative", "actor", "language", "outlet")
_URL_HOST = re.compile(r"^[a-z]+://(?:www\.)?([^/:?#]+)", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, stored_at TEXT NOT NULL, title TEXT, source TEXT, date TEXT, language TEXT,
    outlet TEXT, n_techniques INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS documents_stored ON documents (stored_at);
CREATE TABLE IF NOT EXISTS facets (
    document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS facets_value ON facets (kind, value, document);
CREATE INDEX IF NOT EXISTS facets_document ON facets (document);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, document TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    saved_at TEXT NOT NULL, reviewer TEXT NOT NULL, corrections TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS reviews_document ON reviews (document, id);
CREATE VIRTUAL TABLE IF NOT EXISTS fulltext USING fts5 (id UNINDEXED, title, text, tokenize = 'unicode61');
"""


def library_path(settings: Mapping[str, Any]) -> Path:
    """`web.library` if set, else $SPINSCOPE_HOME/library.sqlite, else one in the user data folder."""
    if configured := settings.get("web", {}).get("library", ""):
        return Path(configured).expanduser()
    if home := os.environ.get("SPINSCOPE_HOME"):
        return Path(home).expanduser() / FILE_NAME
    return Path(platformdirs.user_data_dir("spinscope")) / FILE_NAME


def outlet_of(record: Mapping[str, Any]) -> str | None:
    """The rule of the corpus views' `outlet` column: channel, outlet or site field, site name, host, URL host."""
    meta = record.get("meta") or {}
    fields = meta.get("fields") or {}
    for value in (
        meta.get("channel"),
        fields.get("outlet"),
        fields.get("site"),
        meta.get("sitename"),
        meta.get("hostname"),
    ):
        if value:
            return str(value)
    for url in (meta.get("url"), fields.get("url"), record.get("source")):
        if isinstance(url, str) and (match := _URL_HOST.match(url)):
            return match.group(1)
    return None


def facet_rows(record: Mapping[str, Any]) -> set[tuple[str, str]]:
    rows = {("technique", t["technique"]) for t in record.get("techniques", [])}
    for n in record.get("narratives", []):
        rows.add(("narrative", n["narrative"]))
        if n.get("subnarrative"):
            rows.add(("narrative", n["subnarrative"]))
    rows |= {("actor", e["name"]) for e in record.get("entities", [])}
    rows |= {
        (kind, value) for kind, value in (("language", record.get("language")), ("outlet", outlet_of(record))) if value
    }
    return rows


def fts_query(text: str) -> str:
    """User words as an FTS5 query that cannot be a syntax error: every word quoted, all of them required."""
    return " ".join(f'"{word}"' for word in _WORD.findall(text))


class Library:
    """Stored analyses; see the module docstring."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()

    @classmethod
    def open(cls, path: Path) -> Library:
        library = cls(path)
        try:
            library.path.parent.mkdir(parents=True, exist_ok=True)
            db = library._db()
            db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA}; COMMIT;")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        except (OSError, sqlite3.DatabaseError) as exc:
            raise LibraryError(Errors.E1101(path=path, action="opened", detail=exc)) from exc
        return library

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA busy_timeout = 30000")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        if (db := getattr(self._local, "db", None)) is not None:
            db.close()
            self._local.db = None

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a record under a new id (returned in the record); durable when this returns."""
        stored = {**record, "meta": {**record.get("meta", {}), "input_id": record["id"]}}
        stored["id"] = secrets.token_hex(8)
        stored["meta"]["stored_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as db:
            self._insert(db, stored)
        return stored

    def _insert(self, db: sqlite3.Connection, record: dict[str, Any]) -> None:
        row = (record["id"], record["meta"]["stored_at"], record.get("title"), record.get("source"), record.get("date"))
        row += (record.get("language"), outlet_of(record), len(record.get("techniques", [])))
        db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*row, json.dumps(record)))
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)", [(record["id"], k, v) for k, v in facet_rows(record)])
        db.execute("INSERT INTO fulltext VALUES (?, ?, ?)", (record["id"], record.get("title") or "", record["text"]))

    def _remove(self, db: sqlite3.Connection, doc_id: str) -> bool:
        db.execute("DELETE FROM fulltext WHERE id = ?", (doc_id,))
        return db.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount > 0

    def get(self, doc_id: str) -> dict[str, Any] | None:
        row = self._db().execute("SELECT record FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def replace(self, doc_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """A new analysis of a stored document under the same id (its stored_at and input id kept)."""
        old = self.get(doc_id)
        if old is None:
            raise KeyError(doc_id)
        keep = {k: old["meta"][k] for k in ("input_id", "stored_at") if k in old["meta"]}
        stored = {**record, "id": doc_id, "meta": {**record.get("meta", {}), **keep}}
        with self._write() as db:
            reviews = db.execute("SELECT * FROM reviews WHERE document = ?", (doc_id,)).fetchall()
            self._remove(db, doc_id)
            self._insert(db, stored)
            db.executemany("INSERT INTO reviews VALUES (?, ?, ?, ?, ?)", reviews)
        return stored

    def delete(self, doc_id: str) -> bool:
        with self._write() as db:
            return self._remove(db, doc_id)

    def search(
        self, *, q: str = "", limit: int = 50, offset: int = 0, since: str = "", until: str = "", **facets: str
    ) -> tuple[list[dict[str, Any]], int]:
        """Summaries of the stored documents that match, newest first, and how many match in all."""
        where, args = [], []
        if q.strip():
            where.append("id IN (SELECT id FROM fulltext WHERE fulltext MATCH ?)")
            args.append(fts_query(q) or '""')
        for kind, value in facets.items():
            if kind not in FACETS:
                raise TypeError(f"unknown filter {kind!r}")
            if value:
                where.append("id IN (SELECT document FROM facets WHERE kind = ? AND value = ?)")
                args += [kind, value]
        for bound, op in ((since, ">="), (until, "<=")):
            if bound:
                where.append(f"substr(coalesce(date, stored_at), 1, 10) {op} ?")
                args.append(bound[:10])
        sql_where = f"WHERE {' AND '.join(where)}" if where else ""
        db = self._db()
        total = db.execute(f"SELECT count(*) FROM documents {sql_where}", args).fetchone()[0]
        rows = db.execute(
            "SELECT id, title, source, date, language, outlet, stored_at, n_techniques FROM documents "
            f"{sql_where} ORDER BY stored_at DESC, rowid DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        keys = ("id", "title", "source", "date", "language", "outlet", "stored_at", "n_techniques")
        return [dict(zip(keys, row, strict=True)) for row in rows], total

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Each filter's values with their document counts, most common first."""
        rows = self._db().execute(
            "SELECT kind, value, count(*) FROM facets GROUP BY kind, value ORDER BY kind, 3 DESC, value"
        )
        out: dict[str, list[tuple[str, int]]] = {kind: [] for kind in FACETS}
        for kind, value, count in rows:
            out[kind].append((value, count))
        return out

    def reviews(self, doc_id: str) -> list[dict[str, Any]]:
        rows = self._db().execute(
            "SELECT id, saved_at, reviewer, corrections FROM reviews WHERE document = ? ORDER BY id", (doc_id,)
        )
        keys = ("review", "saved_at", "reviewer")
        return [{**dict(zip(keys, row[:3], strict=True)), "corrections": json.loads(row[3])} for row in rows]

    def spans(self, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The document's technique spans after all its reviews."""
        spans = record["techniques"]
        for review in self.reviews(record["id"]):
            spans = apply(record["text"], spans, review["corrections"])
        return spans

    def save_review(self, doc_id: str, corrections: list[dict[str, Any]], reviewer: str = "") -> dict[str, Any]:
        """Check the corrections against the spans as reviewed so far (coded errors) and store them."""
        record = self.get(doc_id)
        if record is None:
            raise KeyError(doc_id)
        fixed = checked(record["text"], self.spans(record), corrections)
        saved_at = datetime.now(UTC).isoformat(timespec="seconds")
        with self._write() as db:
            row = (doc_id, saved_at, reviewer, json.dumps(fixed))
            review = db.execute("INSERT INTO reviews VALUES (NULL, ?, ?, ?, ?)", row).lastrowid
        return {
            "review": review,
            "saved_at": saved_at,
            "reviewer": reviewer,
            "corrections": fixed,
            "spans": self.spans(record),
        }

    def reviewed_documents(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(record, spans after its reviews) of every reviewed document, oldest first."""
        ids = [row[0] for row in self._db().execute("SELECT DISTINCT document FROM reviews ORDER BY document")]
        for doc_id in ids:
            if (record := self.get(doc_id)) is not None:
                yield record, self.spans(record)
