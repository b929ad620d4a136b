"""`spinscope casebank ...` end to end, in process: counts, tables, and one coded line for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.casebank import CaseBank, euvsdisinfo_id

from .conftest import DATA_EUVS, data_feed, euvs_csv, graph_document, needs_euvs, run, write_json

FIRST_ID = euvsdisinfo_id("03/14/18", "Example Daily", "Penguins run the moon base")


def one_error_line(err: str, code: str) -> None:
    assert err.startswith(f"spinscope: error: [{code}]"), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def state(path: Path) -> tuple[int, int]:
    with CaseBank(path) as store:
        return store.count(), store.revision()


def test_import_twice_then_change_one_field(monkeypatch, capsys, home: Path, euvs_file: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(euvs_file))
    assert code == 0 and "added 3, updated 0, unchanged 0, duplicates 0, skipped 0" in out
    assert str(home / "casebank.sqlite") in out and "(revision 1)" in out
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(euvs_file))
    assert code == 0 and "added 0, updated 0, unchanged 3" in out and "(revision 1)" in out
    euvs_file.write_text(euvs_csv().replace("There is no lunar base.", "No base."), encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(euvs_file))
    assert code == 0 and "added 0, updated 1, unchanged 2" in out and "(revision 2)" in out


def test_duplicates_and_cases_without_text(monkeypatch, capsys, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("id,claim,title\na,First,\na,Second,\nb,,\nc,Third,\n", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(path), "--bank", "mine")
    assert code == 0 and "added 2, updated 0, unchanged 0, duplicates 1, skipped 1" in out
    assert "skipped " in out and "mine.csv:4: neither title nor claim" in out
    with CaseBank(home / "casebank.sqlite") as store:
        assert store.get("a").claim == "Second" and store.banks() == {"mine": 2}


@pytest.mark.parametrize(
    ("name", "damage", "code"),
    [
        ("euvs.csv", lambda text: text[: text.rindex("made of") + 3], "E406"),  # cut inside a quoted field
        ("feed.json", lambda text: text[: len(text) // 2], "E406"),
        ("feed.json", lambda text: "\x00" + text, "E406"),
    ],
)
def test_broken_files_leave_the_bank_unchanged(monkeypatch, capsys, home, tmp_path, name, damage, code) -> None:
    euvs = tmp_path / "ok.csv"
    euvs.write_text(euvs_csv(), encoding="utf-8")
    assert run(monkeypatch, capsys, "casebank", "import", str(euvs))[0] == 0
    before = state(home / "casebank.sqlite")
    text = (
        euvs_csv().replace("There is no lunar base.", "Changed.") if name.endswith("csv") else json.dumps(data_feed())
    )
    broken = tmp_path / name
    broken.write_text(damage(text), encoding="utf-8")
    exit_code, out, err = run(monkeypatch, capsys, "casebank", "import", str(broken))
    assert exit_code == 2 and out == ""
    one_error_line(err, code)
    assert state(home / "casebank.sqlite") == before


def test_claimreview_and_jsonl_imports(monkeypatch, capsys, home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    write_json(folder / "page.jsonld", graph_document())
    write_json(folder / "feed.json", data_feed())
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(folder))
    assert code == 0 and "added 4," in out and "skipped 1" in out and "Organization, not ClaimReview" in out
    lines = tmp_path / "table.jsonl"
    lines.write_text(json.dumps({"statement": "Invented statement about owls.", "rating": "False"}), encoding="utf-8")
    args = ("casebank", "import", str(lines), "--format", "jsonl", "--map", "claim=statement")
    code, out, _ = run(monkeypatch, capsys, *args)
    assert code == 0 and "added 1," in out
    code, out, _ = run(monkeypatch, capsys, "casebank", "stats")
    assert code == 0 and "5 case(s), revision 2" in out and "claimreview" in out and "table" in out
    assert "2021-05-01 to 2021-05-04" in out


def test_list_grep_show_and_remove(monkeypatch, capsys, home: Path, euvs_file: Path) -> None:
    run(monkeypatch, capsys, "casebank", "import", str(euvs_file))
    code, out, _ = run(monkeypatch, capsys, "casebank", "list")
    assert code == 0 and "3 case(s)" in out and FIRST_ID in out
    code, out, _ = run(monkeypatch, capsys, "casebank", "list", "--grep", "lunar penguins")
    assert code == 0 and "1 case(s)" in out and FIRST_ID in out
    code, out, _ = run(monkeypatch, capsys, "casebank", "list", "--limit", "1")
    assert "1 case(s)" in out
    code, out, _ = run(monkeypatch, capsys, "casebank", "show", FIRST_ID)
    assert code == 0 and "A committee of penguins" in out and "Ukraine, US" in out and "EUvsDisinfo" in out
    code, _, err = run(monkeypatch, capsys, "casebank", "show", "euvsdisinfo-nosuch")
    assert code == 2
    one_error_line(err, "E705")
    code, out, _ = run(monkeypatch, capsys, "casebank", "remove", FIRST_ID)
    assert code == 0 and "removed 1 case(s)" in out and "(revision 2)" in out
    code, _, err = run(monkeypatch, capsys, "casebank", "remove", FIRST_ID)
    assert code == 2
    one_error_line(err, "E705")
    code, _, err = run(monkeypatch, capsys, "casebank", "list", "--bank", "nope")
    one_error_line(err, "E712")
    code, out, _ = run(monkeypatch, capsys, "casebank", "remove", "--bank", "euvsdisinfo")
    assert code == 0 and "removed 2 case(s)" in out


@pytest.mark.parametrize("command", ["list", "stats", "show", "remove"])
def test_missing_bank_says_how_to_make_one(monkeypatch, capsys, home: Path, command: str) -> None:
    args = [command, "some-id"] if command in ("show", "remove") else [command]
    code, out, err = run(monkeypatch, capsys, "casebank", *args)
    assert code == 2 and out == ""
    one_error_line(err, "E701")
    assert "spinscope casebank import PATH" in err and not home.exists()


def test_set_casebank_path(monkeypatch, capsys, home: Path, tmp_path: Path, euvs_file: Path) -> None:
    target = tmp_path / "elsewhere" / "b.sqlite"
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(euvs_file), "--set", f"casebank.path={target}")
    assert code == 0 and str(target) in out and target.is_file() and not home.exists()
    config = tmp_path / "s.toml"
    config.write_text(f'[casebank]\npath = "{target}"\n', encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "casebank", "stats", "--config", str(config))
    assert code == 0 and "3 case(s)" in out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["import", "nosuch.csv"], "E401"),
        (["import", "{euvs}", "--format", "xml"], "E410"),
        (["import", "{euvs}", "--map", "claimz=text"], "E706"),
        (["import", "{euvs}", "--set", "casebank.pth=x"], "E503"),
        (["remove"], "E711"),
    ],
)
def test_bad_arguments_are_one_line(monkeypatch, capsys, home, euvs_file, args, code) -> None:
    if code == "E711":
        run(monkeypatch, capsys, "casebank", "import", str(euvs_file))
    exit_code, _, err = run(monkeypatch, capsys, "casebank", *(a.format(euvs=euvs_file) for a in args))
    assert exit_code == 2
    one_error_line(err, code)


@needs_euvs
def test_real_euvsdisinfo_dump(monkeypatch, capsys, home: Path) -> None:
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(DATA_EUVS.parent))
    assert code == 0 and "added 2769," in out
    with CaseBank(home / "casebank.sqlite") as store:
        assert store.count() == len({c.id for c in store.iter_cases()}) == 2769
    code, out, _ = run(monkeypatch, capsys, "casebank", "import", str(DATA_EUVS))
    assert code == 0 and "added 0, updated 0, unchanged 2769" in out and "(revision 1)" in out
