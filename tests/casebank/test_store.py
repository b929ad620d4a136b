"""The SQLite store: upsert counts, one transaction per import, revision, FTS kept in sync, coded errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from spinscope.casebank import Case, CaseBank, Skipped, bank_path, open_default
from spinscope.casebank.store import SCHEMA
from spinscope.errors import CaseBankError, InputError

from .conftest import make_case


def test_upsert_round_trips_every_field(bank: CaseBank) -> None:
    case = Case(
        id="x-1", bank="mine", title="Title", claim="Claim", rebuttal="No.", date="2020-01-02", language="de",
        countries=["Germany", "Austria"], outlet="Blog", url="https://example.org", rating="False",
        author="Checker", keywords=["a", "b"],
    )  # fmt: skip
    report = bank.upsert([case])
    assert (report.added, report.revision, bank.count(), bank.revision()) == (1, 1, 1, 1)
    assert bank.get("x-1") == case and bank.get("nope") is None


def test_reimport_is_unchanged_and_a_changed_field_is_one_update(bank: CaseBank) -> None:
    bank.upsert([make_case(1), make_case(2)])
    again = bank.upsert([make_case(1), make_case(2)])
    assert (again.added, again.updated, again.unchanged, again.revision) == (0, 0, 2, 1)
    changed = bank.upsert([make_case(1), make_case(2, rating="Misleading")])
    assert (changed.added, changed.updated, changed.unchanged, changed.revision) == (0, 1, 1, 2)
    assert bank.get("case-2").rating == "Misleading"


def test_duplicates_in_one_import_count_once_and_the_last_wins(bank: CaseBank) -> None:
    report = bank.upsert([make_case(1, claim="first"), make_case(1, claim="second"), make_case(2)])
    assert (report.added, report.duplicates, bank.count()) == (2, 1, 2)
    assert bank.get("case-1").claim == "second"
    # a repeat that ends as the bank already was changes nothing, revision included
    back = bank.upsert([make_case(1, claim="other"), make_case(1, claim="second")])
    assert (back.updated, back.unchanged, back.duplicates, back.revision) == (0, 1, 1, 1)


def test_cases_without_text_and_skipped_records_are_counted(bank: CaseBank) -> None:
    items = [make_case(1), make_case(2, title=" ", claim=""), Skipped("f.json#3", "@type WebPage, not ClaimReview")]
    report = bank.upsert(items)
    assert (report.added, report.skipped, bank.count()) == (1, 2, 1)
    assert report.examples == ["case-2: neither title nor claim", "f.json#3: @type WebPage, not ClaimReview"]


def test_an_error_mid_import_leaves_the_bank_as_it_was(bank: CaseBank) -> None:
    bank.upsert([make_case(1)])

    def broken() -> Iterator[Case]:
        yield make_case(1, claim="changed")
        yield make_case(2)
        raise InputError("[E406] f.csv:3: malformed CSV: unexpected end of data")

    with pytest.raises(InputError):
        bank.upsert(broken())
    assert (bank.count(), bank.revision(), bank.get("case-1").claim) == (1, 1, make_case(1).claim)
    assert bank.upsert([make_case(3)]).added == 1  # the connection is usable afterwards


def test_search_follows_updates_and_removals(bank: CaseBank) -> None:
    bank.upsert([make_case(1, title="Vaccines contain microchips"), make_case(2, claim="Microchips in water")])
    assert {c.id for c in bank.search("microchips")} == {"case-1", "case-2"}
    assert [c.id for c in bank.search('"vaccines (microchips*')] == ["case-1"]  # words, not FTS syntax
    assert bank.search("...") == [] and bank.search("microchips", bank="other") == []
    bank.upsert([make_case(1, title="Vaccines are tested")])
    assert [c.id for c in bank.search("microchips")] == ["case-2"]
    bank.remove(["case-2"])
    assert bank.search("microchips") == []


def test_remove_by_id_and_by_bank(bank: CaseBank) -> None:
    bank.upsert([make_case(1), make_case(2), make_case(3, bank="other"), make_case(4, bank="other")])
    assert bank.remove(["case-1"]) == 1 and bank.revision() == 2
    with pytest.raises(CaseBankError, match=r"\[E705\].*'case-9'"):
        bank.remove(["case-2", "case-9"])
    assert bank.count() == 3 and bank.revision() == 2  # nothing removed
    with pytest.raises(CaseBankError, match=r"\[E705\]"):
        bank.remove(["case-2"], bank="other")
    assert bank.remove(bank="other") == 2 and bank.banks() == {"test": 1}
    with pytest.raises(CaseBankError, match=r"\[E712\].*Banks: test"):
        bank.remove(bank="other")
    with pytest.raises(CaseBankError, match=r"\[E711\]"):
        bank.remove()


def test_stats(bank: CaseBank) -> None:
    bank.upsert([make_case(1, date="2019-03-01", language="ru"), make_case(2, date="2021-01-01", bank="b")])
    stats = bank.stats()
    assert (stats.cases, stats.revision, stats.first_date, stats.last_date) == (2, 1, "2019-03-01", "2021-01-01")
    assert stats.banks == {"b": 1, "test": 1} and stats.languages == {"ru": 1, "und": 1} and stats.size_bytes > 0


def test_file_is_wal_with_a_schema_version(bank: CaseBank) -> None:
    with sqlite3.connect(bank.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == str(SCHEMA)


def test_missing_bank_is_e701_and_open_existing_gives_none(tmp_path: Path) -> None:
    with pytest.raises(CaseBankError, match=r"^\[E701\] No case bank at .*spinscope casebank import"):
        CaseBank(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()
    assert CaseBank.open_existing(tmp_path / "none.sqlite") is None
    CaseBank(tmp_path / "empty.sqlite", create=True).close()
    assert CaseBank.open_existing(tmp_path / "empty.sqlite") is None
    with CaseBank(tmp_path / "full.sqlite", create=True) as store:
        store.upsert([make_case(1)])
    opened = CaseBank.open_existing(tmp_path / "full.sqlite")
    assert opened is not None and opened.count() == 1
    opened.close()


def test_foreign_files_are_coded_errors(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database at all, just some text" * 20, encoding="utf-8")
    with pytest.raises(CaseBankError, match=r"^\[E702\]"):
        CaseBank(text)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(CaseBankError, match=r"^\[E702\]"):
        CaseBank.open_existing(other)
    with CaseBank(tmp_path / "old.sqlite", create=True):
        pass
    with sqlite3.connect(tmp_path / "old.sqlite") as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(CaseBankError, match=r"^\[E703\].*version 99"):
        CaseBank(tmp_path / "old.sqlite")


def test_bank_path_prefers_setting_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPINSCOPE_HOME", str(tmp_path))
    assert bank_path({"casebank": {"path": "/x/b.sqlite"}}) == Path("/x/b.sqlite")
    assert bank_path({"casebank": {"path": ""}}) == tmp_path / "casebank.sqlite"
    monkeypatch.delenv("SPINSCOPE_HOME")
    assert bank_path({"casebank": {"path": ""}}).name == "casebank.sqlite"
    assert "spinscope" in str(bank_path({"casebank": {"path": ""}}))


def test_open_default_without_a_bank_is_none(cfg: dict, home: Path) -> None:
    assert open_default(cfg) is None
