"""The case bank: debunked claims in one SQLite file (WAL mode) with FTS5 keyword search over title and claim.

`revision()` grows with every import or removal that changes a case, so the matching component can tell
whether embeddings it cached for the bank are still valid. An import is one transaction: a broken input
file leaves the bank exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, field, fields
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import CaseBankError, Errors, InputError
from ..utils import data_file, sqlite_errors

SCHEMA = 1
FILE_NAME = "casebank.sqlite"
UNKNOWN_LANGUAGE = "und"  # the BCP 47 code for "undetermined", the stats key for cases without a language
_EXAMPLES = 5  # skipped records an ImportReport names

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE cases (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, bank TEXT NOT NULL, title TEXT NOT NULL,
    claim TEXT NOT NULL, rebuttal TEXT, date TEXT, language TEXT, countries TEXT NOT NULL, outlet TEXT,
    url TEXT, rating TEXT, author TEXT, keywords TEXT NOT NULL, digest TEXT NOT NULL
);
CREATE INDEX cases_bank ON cases (bank);
CREATE VIRTUAL TABLE cases_fts USING fts5 (title, claim, content='cases', content_rowid='n');
CREATE TRIGGER cases_ai AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts (rowid, title, claim) VALUES (new.n, new.title, new.claim);
END;
CREATE TRIGGER cases_ad AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, title, claim) VALUES ('delete', old.n, old.title, old.claim);
END;
CREATE TRIGGER cases_au AFTER UPDATE ON cases BEGIN
    INSERT INTO cases_fts (cases_fts, rowid, title, claim) VALUES ('delete', old.n, old.title, old.claim);
    INSERT INTO cases_fts (rowid, title, claim) VALUES (new.n, new.title, new.claim);
END;
"""


@dataclass(slots=True)
class Case:
    """One debunked claim. `bank` names its source ("euvsdisinfo", "claimreview" or a user's name)."""

    id: str
    bank: str
    title: str
    claim: str
    rebuttal: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    language: str | None = None  # ISO 639-1 code
    countries: list[str] = field(default_factory=list)
    outlet: str | None = None  # where the claim appeared, or who made it
    url: str | None = None
    rating: str | None = None  # e.g. ClaimReview's alternateName "False"
    author: str | None = None  # the fact-checker
    keywords: list[str] = field(default_factory=list)


CASE_FIELDS = tuple(f.name for f in fields(Case))
_LIST_FIELDS = frozenset({"countries", "keywords"})
_COLUMNS = ", ".join(CASE_FIELDS)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record an importer read but could not use (no text, another @type); `where` is file:line or file#n."""

    where: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """Counts of one upsert: added + updated + unchanged is the number of distinct ids it saw."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # repeats of an id within this import (the last one wins)
    skipped: int = 0
    examples: list[str] = field(default_factory=list)  # the first few skipped records, "where: reason"
    revision: int = 0  # the bank's revision after the import

    def skip(self, item: Skipped) -> None:
        self.skipped += 1
        if len(self.examples) < _EXAMPLES:
            self.examples.append(f"{item.where}: {item.reason}")


@dataclass(frozen=True, slots=True)
class BankStats:
    path: Path
    cases: int
    revision: int
    banks: dict[str, int]
    languages: dict[str, int]  # cases without a language count under UNKNOWN_LANGUAGE
    first_date: str | None
    last_date: str | None
    size_bytes: int  # the database file plus its write-ahead log


def bank_path(settings: Mapping[str, Any]) -> Path:
    """`casebank.path` if set, else $SPINSCOPE_HOME/casebank.sqlite, else one in the user data folder."""
    return data_file(settings.get("casebank", {}).get("path", ""), FILE_NAME)


def open_default(settings: Mapping[str, Any]) -> CaseBank | None:
    """The bank the settings name, or None when there is none yet (analysis runs without one)."""
    return CaseBank.open_existing(bank_path(settings))


def _values(case: Case) -> tuple[Any, ...]:
    return tuple(
        json.dumps(value, ensure_ascii=False) if name in _LIST_FIELDS else value
        for name, value in zip(CASE_FIELDS, astuple(case), strict=True)
    )


def _case(row: Sequence[Any]) -> Case:
    return Case(*(json.loads(v) if n in _LIST_FIELDS else v for n, v in zip(CASE_FIELDS, row, strict=True)))


def _digest(values: tuple[Any, ...]) -> str:
    return hashlib.sha1(json.dumps(values, ensure_ascii=False).encode("utf-8")).hexdigest()


def fts_query(text: str, max_terms: int | None = None) -> str:
    """Every distinct word of `text` quoted, so FTS5 operators and punctuation in it are taken literally (AND);
    more than `max_terms` distinct words is E1036 (a search's cost grows with the words it looks for)."""
    words = list(dict.fromkeys(word.casefold() for word in re.findall(r"\w+", text)))
    if max_terms is not None and len(words) > max_terms:
        raise InputError(Errors.E1036(n=len(words), limit=max_terms))
    return " ".join(f'"{word}"' for word in words)


class CaseBank:
    """One open case bank file. `create=True` makes a new bank when the file is missing (imports do)."""

    def __init__(self, path: str | Path, *, create: bool = False) -> None:
        self.path = Path(path)
        fresh = not self.path.is_file() or self.path.stat().st_size == 0
        if fresh and not create:
            raise CaseBankError(Errors.E701(path=self.path))
        with self._errors("opened"):
            if fresh:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10.0)
        try:
            self._check_or_create(create)
        except BaseException:
            self._db.close()
            raise

    @classmethod
    def open_existing(cls, path: str | Path) -> CaseBank | None:
        """The bank at `path`, or None when it is missing or holds no case; a foreign file still raises."""
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            return None
        bank = cls(path)
        if bank.count():
            return bank
        bank.close()
        return None

    def _errors(self, action: str) -> contextlib.AbstractContextManager[None]:
        """SQLite and OS errors as coded ones: a locked or read-only file (E704), a foreign or corrupt one (E702)."""
        return sqlite_errors(self.path, action, CaseBankError, Errors.E704, Errors.E702)

    def _check_or_create(self, create: bool) -> None:
        with self._errors("opened"):
            self._db.execute("PRAGMA journal_mode=WAL")
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables and create:
                script = f"BEGIN; {_DDL} INSERT INTO meta VALUES ('schema', '{SCHEMA}'), ('revision', '0'); COMMIT;"
                self._db.executescript(script)
                return
            if not tables:
                raise CaseBankError(Errors.E701(path=self.path))
            if "meta" not in tables or "cases" not in tables:
                raise CaseBankError(Errors.E702(path=self.path, detail="it has no cases and meta tables"))
            found = self._meta("schema")
            if found != str(SCHEMA):
                raise CaseBankError(Errors.E703(path=self.path, found=found, expected=SCHEMA))

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; any exception, a bad input record included, rolls everything back."""
        with self._errors("written"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back already (a full disk, say)
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _bump(self, db: sqlite3.Connection) -> None:
        db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> CaseBank:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def revision(self) -> int:
        """A counter that grows with every change to the cases (read afresh: another process may import)."""
        with self._errors("read"):
            return int(self._meta("revision") or 0)

    def count(self) -> int:
        with self._errors("read"):
            return int(self._db.execute("SELECT count(*) FROM cases").fetchone()[0])

    def get(self, case_id: str) -> Case | None:
        with self._errors("read"):
            row = self._db.execute(f"SELECT {_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
        return None if row is None else _case(row)

    def iter_cases(self, bank: str | None = None) -> Iterator[Case]:
        """All cases (or one bank's), sorted by id, streamed from the file."""
        where, args = ("WHERE bank = ?", (bank,)) if bank is not None else ("", ())
        with self._errors("read"):
            for row in self._db.execute(f"SELECT {_COLUMNS} FROM cases {where} ORDER BY id", args):
                yield _case(row)

    def texts(self) -> Iterator[tuple[str, str, str, str]]:
        """(id, digest, title, claim) of every case, sorted by id: what the matching index embeds."""
        with self._errors("read"):
            yield from self._db.execute("SELECT id, digest, title, claim FROM cases ORDER BY id")

    def search(self, text: str, limit: int = 20, bank: str | None = None, max_terms: int | None = None) -> list[Case]:
        """Cases whose title or claim hold every word of `text` (at most `max_terms` distinct ones, see
        `fts_query`), best BM25 match first."""
        query = fts_query(text, max_terms)
        if not query:
            return []
        columns = ", ".join(f"c.{name}" for name in CASE_FIELDS)
        sql = (
            f"SELECT {columns} FROM cases_fts JOIN cases c ON c.n = cases_fts.rowid "
            "WHERE cases_fts MATCH ? AND (? IS NULL OR c.bank = ?) ORDER BY cases_fts.rank LIMIT ?"
        )
        with self._errors("read"):
            rows = self._db.execute(sql, (query, bank, bank, limit if limit > 0 else -1)).fetchall()
        return [_case(row) for row in rows]

    def banks(self) -> dict[str, int]:
        """Cases per bank name."""
        with self._errors("read"):
            return dict(self._db.execute("SELECT bank, count(*) FROM cases GROUP BY bank ORDER BY bank"))

    def stats(self) -> BankStats:
        with self._errors("read"):
            languages = dict(
                self._db.execute(
                    "SELECT coalesce(language, ?), count(*) FROM cases GROUP BY 1 ORDER BY 2 DESC, 1",
                    (UNKNOWN_LANGUAGE,),
                )
            )
            first, last = self._db.execute("SELECT min(date), max(date) FROM cases").fetchone()
        wal = self.path.with_name(self.path.name + "-wal")
        size = self.path.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)
        banks = self.banks()
        return BankStats(self.path, sum(banks.values()), self.revision(), banks, languages, first, last, size)

    def upsert(self, cases: Iterable[Case | Skipped]) -> ImportReport:
        """Insert new cases and update changed ones, all in one transaction; `Skipped` items are counted.

        Each id's digest before the import is kept in a temporary table, so an id repeated within the import
        (the last one wins) counts once, as added, updated or unchanged against the bank as it was.
        """
        report = ImportReport()
        placeholders = ", ".join("?" * (len(CASE_FIELDS) + 1))
        updates = ", ".join(f"{name} = ?" for name in (*CASE_FIELDS[1:], "digest"))
        with self._transaction() as db:
            db.execute("CREATE TEMP TABLE seen (id TEXT PRIMARY KEY, before TEXT)")
            for case in cases:
                if isinstance(case, Skipped):
                    report.skip(case)
                    continue
                if not case.id or not (case.title.strip() or case.claim.strip()):
                    report.skip(Skipped(case.id or "a case without id", "neither title nor claim"))
                    continue
                values = _values(case)
                digest = _digest(values)
                row = db.execute("SELECT digest FROM cases WHERE id = ?", (case.id,)).fetchone()
                if db.execute("SELECT 1 FROM seen WHERE id = ?", (case.id,)).fetchone():
                    report.duplicates += 1
                else:
                    db.execute("INSERT INTO seen VALUES (?, ?)", (case.id, row and row[0]))
                if row is None:
                    db.execute(f"INSERT INTO cases ({_COLUMNS}, digest) VALUES ({placeholders})", (*values, digest))
                elif row[0] != digest:
                    db.execute(f"UPDATE cases SET {updates} WHERE id = ?", (*values[1:], digest, case.id))
            report.added, report.updated, report.unchanged = db.execute(
                "SELECT count(*) FILTER (WHERE s.before IS NULL), count(*) FILTER (WHERE s.before != c.digest),"
                " count(*) FILTER (WHERE s.before = c.digest) FROM temp.seen s JOIN cases c ON c.id = s.id"
            ).fetchone()
            db.execute("DROP TABLE temp.seen")
            if report.added or report.updated:
                self._bump(db)
        report.revision = self.revision()
        return report

    def remove(self, ids: Iterable[str] = (), bank: str | None = None) -> int:
        """Remove the cases named (of `bank` only, when given), or all of `bank`; an unknown id removes nothing."""
        ids = list(dict.fromkeys(ids))
        if not ids and bank is None:
            raise CaseBankError(Errors.E711())
        if bank is not None and bank not in (known := self.banks()):
            raise CaseBankError(Errors.E712(bank=bank, known=", ".join(known) or "none"))
        with self._transaction() as db:
            if not ids:
                removed = db.execute("DELETE FROM cases WHERE bank = ?", (bank,)).rowcount
            else:
                sql = "DELETE FROM cases WHERE id = ? AND (? IS NULL OR bank = ?)"
                missing = [i for i in ids if not db.execute(sql, (i, bank, bank)).rowcount]
                if missing:
                    detail = f" (bank {bank!r}); nothing was removed" if bank is not None else "; nothing was removed"
                    raise CaseBankError(Errors.E705(ids=", ".join(map(repr, missing)), detail=detail))
                removed = len(ids)
            if removed:
                self._bump(db)
        return removed
