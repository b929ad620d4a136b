"""The library of stored analyses: one SQLite file (WAL) with FTS5 full-text search over title and text, facet
rows for the filters, MinHash signatures for near-duplicates, and the reviewers' corrections.

Each analysis is its JSON record under a stable id of its own (the input's id moves to `meta.input_id`). Every
write is one transaction, committed and synced (`synchronous=FULL`) before it returns, so an acknowledged
analysis survives a crash of the server. Several threads and several server processes may use one file: one
connection per thread, WAL, a busy timeout. The text is kept once, beside the record's JSON rather than in it,
and the full-text index reads it from there.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from ..casebank.store import fts_query
from ..corpus.dedup import BANDS, ROWS, SHINGLE, THRESHOLD, containment
from ..corpus.query import outlet as outlet_of
from ..errors import Errors, InputError, LibraryError
from ..minhash import minhash_of, shingles
from ..runner.cancel import Cancellation
from ..utils import data_file, sqlite_errors
from .review import checked, effective
from .security import Refused

SCHEMA = 1
FILE_NAME = "library.sqlite"
DOCUMENT_FACETS = ("language", "outlet")  # filters of the document itself; the record fields add theirs
SUMMARY = ("id", "title", "source", "date", "language", "outlet", "stored_at", "n_techniques", "snippet")
SNIPPET_CHARS = 200  # the start of the text stands for a summary's snippet when no words were searched
SNIPPET_TOKENS = 24  # else FTS5's snippet around the words searched
BUSY_SECONDS = 30.0  # how long a write waits while another connection writes
PROGRESS_STEPS = 10_000  # SQLite steps between two looks at a search's cancellation
_SIGNATURE = np.dtype("<u8")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stored_at TEXT NOT NULL, title TEXT, source TEXT, date TEXT,
    day TEXT NOT NULL, language TEXT, outlet TEXT, n_techniques INTEGER NOT NULL, text TEXT NOT NULL,
    record TEXT NOT NULL, signature BLOB, shingles INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_day ON documents (day);
CREATE TABLE IF NOT EXISTS facets (
    document INTEGER NOT NULL REFERENCES documents (n) ON DELETE CASCADE, kind TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (kind, value, document)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS facets_document ON facets (document);
CREATE TABLE IF NOT EXISTS bands (
    document INTEGER NOT NULL REFERENCES documents (n) ON DELETE CASCADE, band INTEGER NOT NULL, hash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS bands_hash ON bands (band, hash);
CREATE INDEX IF NOT EXISTS bands_document ON bands (document);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY, document INTEGER NOT NULL REFERENCES documents (n) ON DELETE CASCADE,
    saved_at TEXT NOT NULL, reviewer TEXT NOT NULL, corrections TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_document ON reviews (document, id);
CREATE TABLE IF NOT EXISTS requests (
    key TEXT NOT NULL, document INTEGER NOT NULL REFERENCES documents (n) ON DELETE CASCADE,
    PRIMARY KEY (key, document)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS requests_document ON requests (document);
CREATE VIRTUAL TABLE IF NOT EXISTS fulltext USING fts5 (title, text, content='documents', content_rowid='n');
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO fulltext (rowid, title, text) VALUES (new.n, coalesce(new.title, ''), new.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO fulltext (fulltext, rowid, title, text) VALUES ('delete', old.n, coalesce(old.title, ''), old.text);
END;
CREATE TRIGGER IF NOT EXISTS documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO fulltext (fulltext, rowid, title, text) VALUES ('delete', old.n, coalesce(old.title, ''), old.text);
    INSERT INTO fulltext (rowid, title, text) VALUES (new.n, coalesce(new.title, ''), new.text);
END;
"""
_ADDED = """
CREATE TABLE IF NOT EXISTS request_bodies (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (digest TEXT PRIMARY KEY, expires_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pictures (
    document INTEGER NOT NULL REFERENCES documents (n) ON DELETE CASCADE, page INTEGER NOT NULL,
    png BLOB NOT NULL, PRIMARY KEY (document, page)
);
"""  # tables added after schema 1 was released: made when missing, so older libraries gain them
_COLUMNS = (  # those `_values` fills; id and stored_at are set once, by `add`
    "title",
    "source",
    "date",
    "day",
    "language",
    "outlet",
    "n_techniques",
    "text",
    "record",
    "signature",
    "shingles",
)


def library_path(settings: Mapping[str, Any]) -> Path:
    """`web.library` if set, else $SPINSCOPE_HOME/library.sqlite, else one in the user data folder."""
    return data_file(settings.get("web", {}).get("library", ""), FILE_NAME)


def facet_kinds() -> tuple[str, ...]:
    """Every filter of the library, in order: those the record fields offer (`Field.facets`: technique,
    narrative, actor, role, and plugins' ones), then language and outlet."""
    from ..writers.record import record_fields

    return tuple(dict.fromkeys([*(facet.kind for f in record_fields() for facet in f.facets), *DOCUMENT_FACETS]))


def _facet_rows(record: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, value) pairs a document is found by: those its record fields' facets give (techniques, narratives
    and sub-narratives, actors, how it casts them: "Vladimir Putin: Antagonist"), its language and outlet."""
    from ..writers.record import record_fields

    rows = {
        (facet.kind, value)
        for f in record_fields()
        if f.name in record
        for facet in f.facets
        for value in facet.values(record[f.name])
        if value
    }
    outlet = outlet_of(record.get("meta") or {}, record.get("source"))
    named = (("language", record.get("language")), ("outlet", outlet))
    return rows | {(kind, value) for kind, value in named if value}


def _signature(record: Mapping[str, Any]) -> tuple[np.ndarray | None, int]:
    """The MinHash values of the body's shingles (after a date header, as the corpus dedup reads it) and
    their number; None for a text without words."""
    body = record["text"][int((record.get("meta") or {}).get("header_end") or 0) :]
    grams = shingles(body, SHINGLE)
    return (minhash_of(grams).hashvalues.astype(_SIGNATURE) if grams else None), len(grams)


def _bands(signature: np.ndarray) -> list[tuple[int, bytes]]:
    """The LSH bands of the corpus dedup (`BANDS` of `ROWS` values), so both find the same candidates."""
    return [(b, signature[b * ROWS : (b + 1) * ROWS].tobytes()) for b in range(BANDS)]


def _day(record: Mapping[str, Any]) -> str:
    """The publication day the date filters compare, else the day the analysis was stored."""
    with contextlib.suppress(TypeError, ValueError):
        return date.fromisoformat((record.get("date") or "")[:10]).isoformat()
    return record["meta"]["stored_at"][:10]


def _bound(name: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(Errors.E1108(what=name, kind=f"a date (YYYY-MM-DD), not {value!r}")) from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _values(record: Mapping[str, Any]) -> tuple[tuple[Any, ...], np.ndarray | None]:
    """The `_COLUMNS` of a record (its JSON without the text, which has a column of its own), and its signature."""
    signature, size = _signature(record)
    source = record.get("source")
    values = (
        record.get("title"),
        source,
        record.get("date"),
        _day(record),
        record.get("language"),
        outlet_of(record.get("meta") or {}, source),
        len(record.get("techniques", [])),
        record["text"],
        json.dumps({**record, "text": ""}, ensure_ascii=False),
        None if signature is None else signature.tobytes(),
        size,
    )
    return values, signature


def _unpacked(packed: str, text: str) -> dict[str, Any]:
    record = json.loads(packed)
    record["text"] = text  # back in its place: the key order is the record's own
    return record


class Library:
    """One open library file; `Library.open(path)` creates it (and its folder) when missing."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> Library:
        """The library at `path`, made when missing; a file that is not one is E1107, one that cannot be
        read or created E1101."""
        library = cls(path)
        try:
            library._check_or_create()
        except BaseException:
            library.close()
            raise
        return library

    def _check_or_create(self) -> None:
        with self._errors("opened"):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self._db()
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:  # IF NOT EXISTS throughout: two processes may create the same new file at once
                schema = f"INSERT OR IGNORE INTO meta VALUES ('schema', '{SCHEMA}');"
                db.executescript(f"BEGIN IMMEDIATE; {_DDL} {schema} COMMIT;")
            elif not {"meta", "documents"} <= tables:
                raise LibraryError(Errors.E1107(path=self.path, detail="it has no documents and meta tables"))
            found = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if found is not None and found[0] == str(SCHEMA):
                db.executescript(f"BEGIN IMMEDIATE; {_ADDED} COMMIT;")
        if found is None or found[0] != str(SCHEMA):
            detail = f"schema version {found and found[0]}, but this spinscope reads version {SCHEMA}"
            raise LibraryError(Errors.E1107(path=self.path, detail=detail))

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared between threads), opened on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
            with self._lock:
                self._connections.append(db)
            self._local.db = db
            for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
                db.execute(f"PRAGMA {pragma}")
        return db

    def _errors(self, action: str) -> contextlib.AbstractContextManager[None]:
        """SQLite and OS errors as coded ones: a locked, read-only or missing file (E1101), a foreign one (E1107)."""
        return sqlite_errors(self.path, action, LibraryError, Errors.E1101, Errors.E1107)

    @contextlib.contextmanager
    def _transaction(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction: a write takes the write lock first (BEGIN IMMEDIATE), so what it read cannot change
        before it commits; a read sees one snapshot. Any exception rolls back."""
        with self._errors("written" if write else "read"):
            db = self._db()
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                if db.in_transaction:  # SQLite may have rolled back already (a full disk, say)
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def close(self) -> None:
        """Close the connections of every thread."""
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a record under a new id, its own id kept as `meta.input_id`; durable once this returns."""
        return self.add_all([record])[0]

    def add_all(
        self,
        records: Sequence[dict[str, Any]],
        key: str = "",
        fingerprint: str = "",
        pictures: Mapping[str, Mapping[int, bytes]] | None = None,
    ) -> list[dict[str, Any]]:
        """Store the records of one request in one transaction (all or none), each under a new id, with the
        pictures (PNG, by page number) a record's text was read from by OCR (`pictures`, by the record's own
        id). With a `key`
        (a client's Idempotency-Key) that stored records already carry, those come back and nothing is added,
        so a client may retry a request whose answer it lost without storing a second copy; `fingerprint` (a
        digest of what the request asked for) is kept with the key, and a later request with the same key and
        another fingerprint is E1034."""
        with self._transaction(write=True) as db:
            if key and (done := self._requested(db, key, fingerprint)):
                return done
            if key and fingerprint:
                db.execute("INSERT OR REPLACE INTO request_bodies VALUES (?, ?)", (key, fingerprint))
            columns = ", ".join(("id", "stored_at", *_COLUMNS))
            sql = f"INSERT INTO documents ({columns}) VALUES ({', '.join('?' * (len(_COLUMNS) + 2))})"
            out = []
            for record in records:
                meta = {**(record.get("meta") or {}), "input_id": record["id"], "stored_at": _now()}
                stored = {**record, "id": secrets.token_hex(8), "meta": meta}
                values, signature = _values(stored)
                n = db.execute(sql, (stored["id"], meta["stored_at"], *values)).lastrowid
                self._index(db, n, stored, signature)
                if key:
                    db.execute("INSERT INTO requests VALUES (?, ?)", (key, n))
                pages = (pictures or {}).get(record["id"], {})
                db.executemany("INSERT INTO pictures VALUES (?, ?, ?)", [(n, page, png) for page, png in pages.items()])
                out.append(stored)
        return out

    def requested(self, key: str, fingerprint: str = "") -> list[dict[str, Any]]:
        """The records stored by the request with this Idempotency-Key (none when there was none); E1034 when
        that request asked for something else (another `fingerprint`)."""
        with self._transaction() as db:
            return self._requested(db, key, fingerprint)

    def _requested(self, db: sqlite3.Connection, key: str, fingerprint: str) -> list[dict[str, Any]]:
        known = db.execute("SELECT fingerprint FROM request_bodies WHERE key = ?", (key,)).fetchone()
        if known is not None and fingerprint and not secrets.compare_digest(known[0], fingerprint):
            raise Refused(Errors.E1034(key=key))
        sql = (
            "SELECT d.record, d.text FROM requests r JOIN documents d ON d.n = r.document WHERE r.key = ? ORDER BY d.n"
        )
        return [_unpacked(record, text) for record, text in db.execute(sql, (key,))]

    def _index(self, db: sqlite3.Connection, n: int, record: Mapping[str, Any], signature: np.ndarray | None) -> None:
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)", [(n, kind, v) for kind, v in _facet_rows(record)])
        if signature is not None:
            db.executemany("INSERT INTO bands VALUES (?, ?, ?)", [(n, *band) for band in _bands(signature)])

    def _load(self, db: sqlite3.Connection, doc_id: str) -> tuple[int, dict[str, Any]] | None:
        row = db.execute("SELECT n, record, text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else (row[0], _unpacked(row[1], row[2]))

    def _stored(self, db: sqlite3.Connection, doc_id: str) -> tuple[int, dict[str, Any]]:
        if (found := self._load(db, doc_id)) is None:
            raise InputError(Errors.E1026(doc_id=doc_id))
        return found

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with self._transaction() as db:
            found = self._load(db, doc_id)
        return None if found is None else found[1]

    def picture_pages(self, doc_id: str) -> list[int]:
        """The pages of a stored document that have a picture (an OCR'd screenshot or scanned page)."""
        with self._transaction() as db:
            sql = "SELECT p.page FROM pictures p JOIN documents d ON d.n = p.document WHERE d.id = ? ORDER BY p.page"
            return [row[0] for row in db.execute(sql, (doc_id,))]

    def picture(self, doc_id: str, page: int = 1) -> bytes | None:
        """The PNG one page of a stored document was read from by OCR; None where there is none."""
        with self._transaction() as db:
            sql = "SELECT p.png FROM pictures p JOIN documents d ON d.n = p.document WHERE d.id = ? AND p.page = ?"
            row = db.execute(sql, (doc_id, page)).fetchone()
        return None if row is None else bytes(row[0])

    def replace(self, doc_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """A new analysis of a stored document: the same id, stored_at and input id; facets, full-text index and
        signature renewed; its reviews kept. An unknown id is E1026."""
        with self._transaction(write=True) as db:
            n, old = self._stored(db, doc_id)
            keep = {k: old["meta"][k] for k in ("input_id", "stored_at") if k in old["meta"]}
            stored = {**record, "id": doc_id, "meta": {**(record.get("meta") or {}), **keep}}
            values, signature = _values(stored)
            db.execute(f"UPDATE documents SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE n = ?", (*values, n))
            db.execute("DELETE FROM facets WHERE document = ?", (n,))
            db.execute("DELETE FROM bands WHERE document = ?", (n,))
            self._index(db, n, stored, signature)
        return stored

    def delete(self, doc_id: str) -> bool:
        """Remove a document with its facets, signature and reviews; False when there was none."""
        with self._transaction(write=True) as db:
            return db.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount > 0

    def search(
        self,
        *,
        q: str = "",
        since: str = "",
        until: str = "",
        limit: int = 50,
        offset: int = 0,
        max_terms: int | None = None,
        cancel: Cancellation | None = None,
        **facets: str,
    ) -> tuple[list[dict[str, Any]], int]:
        """Summaries (`SUMMARY`) of the documents that hold every word of `q` and match every filter given
        (`facets`: kind -> value, of `facet_kinds`), newest first, and how many match in all. Words are taken
        literally (no FTS5 syntax), at most `max_terms` distinct ones (E1036); `since` and `until` are days
        (YYYY-MM-DD, inclusive) of the publication date, else of the storing. A set `cancel` aborts the search
        (`Cancelled`)."""
        chosen = [(kind, value) for kind, value in facets.items() if value]
        where = ["d.n IN (SELECT document FROM facets WHERE kind = ? AND value = ?)"] * len(chosen)
        args: list[Any] = [x for pair in chosen for x in pair]
        for name, value, op in (("since", since, ">="), ("until", until, "<=")):
            if value:
                where.append(f"d.day {op} ?")
                args.append(_bound(name, value))
        source, snippet = "documents d", f"substr(d.text, 1, {SNIPPET_CHARS})"
        if q.strip():
            if not (query := fts_query(q, max_terms)):
                return [], 0  # punctuation only: no word to look for
            source = "fulltext JOIN documents d ON d.n = fulltext.rowid"
            snippet = f"snippet(fulltext, 1, '', '', '…', {SNIPPET_TOKENS})"
            where.insert(0, "fulltext MATCH ?")
            args.insert(0, query)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        columns = "d.id, d.title, d.source, d.date, d.language, d.outlet, d.stored_at, d.n_techniques"
        with self._transaction() as db, self._abortable(db, cancel):
            total = db.execute(f"SELECT count(*) FROM {source} {condition}", args).fetchone()[0]
            sql = f"SELECT {columns}, {snippet} FROM {source} {condition} ORDER BY d.n DESC LIMIT ? OFFSET ?"
            rows = db.execute(sql, (*args, max(limit, 0), max(offset, 0))).fetchall()
        summaries = [dict(zip(SUMMARY, row, strict=True)) for row in rows]
        for summary in summaries:
            summary["snippet"] = " ".join(summary["snippet"].split())
        return summaries, total

    @staticmethod
    @contextlib.contextmanager
    def _abortable(db: sqlite3.Connection, cancel: Cancellation | None) -> Iterator[None]:
        """SQLite stops the statement running when `cancel` is set (checked every PROGRESS_STEPS steps)."""
        if cancel is None:
            yield
            return
        cancel.check()
        db.set_progress_handler(lambda: cancel.cancelled, PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError:
            cancel.check()  # interrupted: Cancelled, not a broken library
            raise
        finally:
            db.set_progress_handler(None, PROGRESS_STEPS)

    def open_session(self, digest: str, days: float) -> None:
        """Remember a signed-in browser's session (by the digest of its cookie) for `days`; expired ones go."""
        expires = (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
        with self._transaction(write=True) as db:
            db.execute("DELETE FROM sessions WHERE expires_at < ?", (_now(),))
            db.execute("INSERT OR REPLACE INTO sessions VALUES (?, ?)", (digest, expires))

    def session_open(self, digest: str) -> bool:
        with self._transaction() as db:
            found = db.execute("SELECT expires_at FROM sessions WHERE digest = ?", (digest,)).fetchone()
        return found is not None and found[0] >= _now()

    def close_session(self, digest: str) -> None:
        with self._transaction(write=True) as db:
            db.execute("DELETE FROM sessions WHERE digest = ?", (digest,))

    def facets(self) -> dict[str, list[tuple[str, int]]]:
        """Every filter's values with their document counts, most common first (for the filter menus)."""
        out: dict[str, list[tuple[str, int]]] = {kind: [] for kind in facet_kinds()}
        with self._transaction() as db:
            rows = db.execute("SELECT kind, value, count(*) FROM facets GROUP BY kind, value ORDER BY 1, 3 DESC, 2")
            for kind, value, count in rows:
                if kind in out:  # not a kind a plugin no longer installed gave
                    out[kind].append((value, count))
        return out

    def similar(self, doc_id: str, limit: int = 10) -> list[dict[str, Any]]:
        """Stored near-duplicates of a document, most similar first: the candidates its LSH bands share,
        kept when the estimated containment (as the corpus dedup computes it) reaches its threshold."""
        with self._transaction() as db:
            row = db.execute("SELECT n, signature, shingles FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if row is None or row[1] is None:
                return []
            sql = (
                "SELECT id, title, signature, shingles FROM documents WHERE n IN (SELECT other.document FROM bands"
                " mine JOIN bands other USING (band, hash) WHERE mine.document = ? AND other.document != ?)"
            )
            candidates = db.execute(sql, (row[0], row[0])).fetchall()
        mine = np.frombuffer(row[1], _SIGNATURE)
        scored = [
            (float(containment(mine, row[2], np.frombuffer(signature, _SIGNATURE), size)), other, title)
            for other, title, signature, size in candidates
        ]
        best = sorted((s for s in scored if s[0] >= THRESHOLD), key=lambda s: (-s[0], s[1]))[: max(limit, 0)]
        return [{"id": other, "title": title, "similarity": round(score, 4)} for score, other, title in best]

    def _reviews(self, db: sqlite3.Connection, n: int) -> list[dict[str, Any]]:
        sql = "SELECT id, saved_at, reviewer, corrections FROM reviews WHERE document = ? ORDER BY id"
        keys = ("id", "saved_at", "reviewer")
        rows = db.execute(sql, (n,))
        return [{**dict(zip(keys, row[:3], strict=True)), "corrections": json.loads(row[3])} for row in rows]

    def save_review(self, doc_id: str, corrections: list[dict[str, Any]], reviewer: str = "") -> dict[str, Any]:
        """Check the corrections against the document's spans as reviewed so far and store them as one review
        (coded InputErrors: E1102-E1105, E1108, E1109; an unknown document E1026). Returns the review with its
        id and the document's effective spans after it."""
        if not isinstance(reviewer, str):
            raise InputError(Errors.E1108(what="reviewer", kind="a string"))
        with self._transaction(write=True) as db:
            n, record = self._stored(db, doc_id)
            past = [review["corrections"] for review in self._reviews(db, n)]
            fixed = checked(record["text"], effective(record["text"], record["techniques"], past), corrections)
            saved_at = _now()
            row = (n, saved_at, reviewer, json.dumps(fixed))
            sql = "INSERT INTO reviews (document, saved_at, reviewer, corrections) VALUES (?, ?, ?, ?)"
            review_id = db.execute(sql, row).lastrowid
        spans = effective(record["text"], record["techniques"], [*past, fixed])
        return {"id": review_id, "saved_at": saved_at, "reviewer": reviewer, "corrections": fixed, "spans": spans}

    def reviews(self, doc_id: str) -> list[dict[str, Any]]:
        """The document's reviews in the order they were saved; none for an unknown id."""
        with self._transaction() as db:
            found = db.execute("SELECT n FROM documents WHERE id = ?", (doc_id,)).fetchone()
            return [] if found is None else self._reviews(db, found[0])

    def reviewed_documents(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """(record, effective spans) of every reviewed document, in the order they were stored; each read on
        its own, so a long export does not hold a transaction open."""
        with self._transaction() as db:
            sql = "SELECT id FROM documents d WHERE EXISTS (SELECT 1 FROM reviews WHERE document = d.n) ORDER BY n"
            ids = [row[0] for row in db.execute(sql)]
        for doc_id in ids:
            with self._transaction() as db:
                found = self._load(db, doc_id)
                past = [] if found is None else [r["corrections"] for r in self._reviews(db, found[0])]
            if found is not None:
                record = found[1]
                yield record, effective(record["text"], record["techniques"], past)
