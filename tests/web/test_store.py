"""The library of stored analyses: stable ids, durability, full-text search, filters, facets, near-duplicates,
foreign files, threads. Every text here is invented for these tests."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from spinscope.corpus.query import outlet
from spinscope.data import Document
from spinscope.errors import InputError, LibraryError
from spinscope.labels import ROLES
from spinscope.schema import validate
from spinscope.web.store import FILE_NAME, SUMMARY, Library, library_path
from spinscope.writers.record import to_record

FERRY = (
    "The council voted for a second ferry across the bay on Tuesday. Critics call the plan a colossal waste "
    "of money, and residents of the old harbour say nobody asked them before the vote."
)
BRIDGE = (
    "Mayor Blunt opened the new bridge, which the so-called experts of the capital never wanted. Everyone "
    "knows the bridge will ruin the valley, he told a cheering crowd."
)
BRUECKE = "Der Bürgermeister öffnete die Brücke über den Fluss; Kritiker nennen sie eine teure Verschwendung."
URW = "URW: Discrediting Ukraine"


def actor(name: str, text: str, main: str | None = None) -> dict[str, Any]:
    """An actor with one mention, cast as `main` (with one fine role of it) when given."""
    start = text.index(name)
    mention = {"start": start, "end": start + len(name), "text": name}
    found = {"name": name, "type": "PER", "aliases": [], "mentions": [mention], "targeted_by": [], "claims": []}
    if main is not None:
        scores = {m: 0.8 if m == main else 0.1 for m in ROLES}
        fine = [{"role": ROLES[main][0], "score": 0.6}]
        found["roles"] = {"main": main, "scores": scores, "fine": fine, "evidence": [mention]}
    return found


def narrative(name: str, sub: str) -> dict[str, Any]:
    return {"narrative": name, "subnarrative": sub, "score": 0.7, "source": "semeval2025", "evidence": []}


def make_record(
    text: str,
    spans: Sequence[tuple[str, str]] = (),
    *,
    entities: Sequence[dict[str, Any]] = (),
    narratives: Sequence[dict[str, Any]] = (),
    **document: Any,
) -> dict[str, Any]:
    """A record as the pipeline makes them (Document -> to_record, checked against the schema); `spans` are
    (technique, fragment of the text), `document` the Document's own fields (id, source, title, date, ...)."""
    doc = Document(**{"id": "in-1", "text": text, **document})
    for technique, fragment in spans:
        start = text.index(fragment)
        doc.add_span("techniques", start, start + len(fragment), technique, score=0.8)
    record = to_record(doc)
    record["entities"], record["narratives"] = list(entities), list(narratives)
    validate(record)
    return record


@pytest.fixture
def library(tmp_path: Path):
    with Library.open(tmp_path / "home" / FILE_NAME) as opened:
        yield opened


def ids(library: Library, **query: Any) -> list[str]:
    return [row["id"] for row in library.search(**query)[0]]


def test_add_gives_a_new_stable_id_and_keeps_the_input_id(library: Library) -> None:
    record = make_record(FERRY, [("Loaded_Language", "colossal waste")], id="article7")
    before = json.dumps(record)
    stored = library.add(record)
    assert re.fullmatch(r"[0-9a-f]{16}", stored["id"]) and stored["meta"]["input_id"] == "article7"
    assert datetime.fromisoformat(stored["meta"]["stored_at"]).utcoffset().total_seconds() == 0
    assert json.dumps(record) == before  # the caller's record is left as it was
    assert library.get(stored["id"]) == stored
    assert list(library.get(stored["id"])) == list(record)  # the record's own key order, text in its place
    again = library.add(record)
    assert again["id"] != stored["id"] and library.search()[1] == 2
    assert library.get("0123456789abcdef") is None


def test_replace_keeps_id_and_reviews_and_renews_the_index(library: Library) -> None:
    stored = library.add(make_record(FERRY, [("Loaded_Language", "colossal waste")], language="en"))
    span = {k: stored["techniques"][0][k] for k in ("technique", "start", "end")}
    library.save_review(stored["id"], [{"action": "accept", **span}])
    new = make_record(BRIDGE, [("Doubt", "so-called experts")], id="again", language="en", title="Bridge")
    replaced = library.replace(stored["id"], new)
    assert replaced["id"] == stored["id"] and library.get(stored["id"]) == replaced
    assert replaced["meta"]["stored_at"] == stored["meta"]["stored_at"] and replaced["meta"]["input_id"] == "in-1"
    assert ids(library, q="ferry") == [] and ids(library, q="bridge cheering") == [stored["id"]]
    assert ids(library, technique="Loaded_Language") == [] and ids(library, technique="Doubt") == [stored["id"]]
    assert library.facets()["technique"] == [("Doubt", 1)]
    assert len(library.reviews(stored["id"])) == 1
    with pytest.raises(InputError, match=r"^\[E1026\]"):
        library.replace("0123456789abcdef", new)


def test_delete_takes_everything_of_the_document(library: Library) -> None:
    stored = library.add(
        make_record(FERRY, [("Loaded_Language", "colossal waste")], entities=[actor("Critics", FERRY)])
    )
    copy = library.add(make_record(FERRY))
    span = {k: stored["techniques"][0][k] for k in ("technique", "start", "end")}
    library.save_review(stored["id"], [{"action": "reject", **span}])
    assert library.delete(stored["id"]) and library.get(stored["id"]) is None
    assert not library.delete(stored["id"])
    assert ids(library, q="ferry") == [copy["id"]] and library.reviews(stored["id"]) == []
    assert library.facets()["technique"] == [] and library.facets()["actor"] == []
    assert library.similar(copy["id"]) == [] and list(library.reviewed_documents()) == []


def test_an_acknowledged_add_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    script = (
        "import json, sys, time\n"
        "from spinscope.web.store import Library\n"
        f"library = Library.open({str(path)!r})\n"
        "for line in sys.stdin:\n"
        "    print(library.add(json.loads(line))['id'], flush=True)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    acknowledged = []
    for text in (FERRY, BRIDGE, BRUECKE):
        server.stdin.write(json.dumps(make_record(text)) + "\n")
        server.stdin.flush()
        acknowledged.append(server.stdout.readline().strip())
    os.kill(server.pid, signal.SIGKILL)  # right after the last add returned
    assert server.wait() == -signal.SIGKILL
    with Library.open(path) as reopened:
        assert [reopened.get(i)["text"] for i in acknowledged] == [FERRY, BRIDGE, BRUECKE]


@pytest.mark.parametrize(
    "q",
    ['"', '""', "AND", "ferry OR", "OR OR", "*", "ferr*", "(", "(ferry", ")", "NEAR(ferry", "title:", "-ferry",
     "^", "ferry + bay", "'; DROP TABLE documents; --", "\x00", "ümlaut ö", "🙂", "  "],
)  # fmt: skip
def test_hostile_search_text_never_raises(library: Library, q: str) -> None:
    library.add(make_record(FERRY))
    rows, total = library.search(q=q)
    assert total == len(rows) <= 1
    assert library.search()[1] == 1  # the table is still there


@pytest.mark.parametrize(
    ("q", "hits"),
    [
        ("ferry", ["ferry"]),
        ('"ferry"', ["ferry"]),
        ("FERRY harbour", ["ferry"]),
        ("ferry AND harbour", ["ferry"]),  # AND is a word here ("and residents"), not an operator
        ("ferry OR bridge", []),  # every word must be there, OR included
        ("bridge", ["bridge"]),
        ("Brücke", ["bruecke"]),
        ("BRÜCKE über", ["bruecke"]),
        ("the", ["bridge", "ferry"]),
        ("Mayor Blunt", ["bridge"]),  # the title is searched too
        ("unicorn", []),
        ("*", []),
    ],
)
def test_search_holds_every_word_taken_literally(library: Library, q: str, hits: list[str]) -> None:
    stored = {
        "ferry": library.add(make_record(FERRY, title="Second ferry")),
        "bruecke": library.add(make_record(BRUECKE, title="Neue Brücke")),
        "bridge": library.add(make_record(BRIDGE.replace("Mayor Blunt", "He"), title="Mayor Blunt opens bridge")),
    }
    assert ids(library, q=q) == [stored[name]["id"] for name in hits]


@pytest.fixture
def three(library: Library) -> dict[str, dict]:
    """Three stored documents: a French one with techniques, actors and narratives, and two plain ones."""
    bridge = make_record(
        BRIDGE,
        [("Doubt", "so-called experts"), ("Loaded_Language", "ruin the valley")],
        entities=[actor("Mayor Blunt", BRIDGE, "Antagonist")],
        narratives=[narrative(URW, f"{URW}: Ukraine is a puppet of the West")],
        source="https://www.valley-news.example/bridge",
        language="fr",
        date="2022-12-01",
    )
    ferry = make_record(FERRY, source="https://gazette.example/ferry", language="en", date="2022-11-09T08:00:00")
    pasted = make_record(BRUECKE, source="pasted", meta={"sitename": "Der Bote"}, language="de", date="gestern")
    return {name: library.add(rec) for name, rec in (("bridge", bridge), ("ferry", ferry), ("pasted", pasted))}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({}, ["pasted", "ferry", "bridge"]),  # newest first
        ({"technique": "Doubt"}, ["bridge"]),
        ({"technique": "Slogans"}, []),
        ({"narrative": URW}, ["bridge"]),
        ({"narrative": f"{URW}: Ukraine is a puppet of the West"}, ["bridge"]),
        ({"actor": "Mayor Blunt"}, ["bridge"]),
        ({"actor": "Mayor"}, []),  # a value, not a word
        ({"role": "Mayor Blunt: Antagonist"}, ["bridge"]),
        ({"role": "Mayor Blunt: Protagonist"}, []),
        ({"language": "en"}, ["ferry"]),
        ({"language": "xx"}, []),
        ({"outlet": "valley-news.example"}, ["bridge"]),  # the host without www.
        ({"outlet": "Der Bote"}, ["pasted"]),  # the site name before the host
        ({"since": "2022-11-10"}, ["pasted", "bridge"]),  # undated ("gestern"): the day it was stored
        ({"until": "2022-11-09"}, ["ferry"]),
        ({"since": "2022-11-09", "until": "2022-11-30"}, ["ferry"]),
        ({"q": "bridge", "language": "fr", "technique": "Loaded_Language", "actor": "Mayor Blunt"}, ["bridge"]),
        ({"q": "bridge", "language": "en"}, []),
    ],
)
def test_each_filter_selects_in_sql(library: Library, three: dict, query: dict, names: list[str]) -> None:
    assert ids(library, **query) == [three[name]["id"] for name in names]


def test_summaries_page_and_count(library: Library, three: dict) -> None:
    rows, total = library.search(limit=2)
    assert total == 3 and [r["id"] for r in rows] == [three["pasted"]["id"], three["ferry"]["id"]]
    assert all(tuple(row) == SUMMARY for row in rows)
    rest, total = library.search(limit=2, offset=2)
    assert total == 3 and [r["id"] for r in rest] == [three["bridge"]["id"]]
    assert library.search(offset=10) == ([], 3)
    (bridge,), _ = library.search(q="valley")
    assert bridge["n_techniques"] == 2 and bridge["outlet"] == "valley-news.example" and bridge["language"] == "fr"
    assert "valley" in bridge["snippet"] and bridge["stored_at"] == three["bridge"]["meta"]["stored_at"]
    (ferry,), _ = library.search(language="en")
    assert ferry["snippet"] == FERRY[:200] and ferry["date"] == "2022-11-09T08:00:00"


@pytest.mark.parametrize("bound", ["since", "until"])
def test_a_bad_date_bound_is_a_coded_error(library: Library, bound: str) -> None:
    with pytest.raises(InputError, match=rf"^\[E1108\] {bound} must be a date"):
        library.search(**{bound: "last week"})


def test_facets_count_documents(library: Library, three: dict) -> None:
    library.add(make_record(FERRY, [("Doubt", "nobody asked them")], language="en"))
    facets = library.facets()
    assert facets["technique"] == [("Doubt", 2), ("Loaded_Language", 1)]
    assert facets["language"] == [("en", 2), ("de", 1), ("fr", 1)]
    assert facets["actor"] == [("Mayor Blunt", 1)]
    assert facets["role"] == [("Mayor Blunt: Antagonist", 1)]
    assert facets["outlet"] == [("Der Bote", 1), ("gazette.example", 1), ("valley-news.example", 1)]
    assert {name for name, _ in facets["narrative"]} == {URW, f"{URW}: Ukraine is a puppet of the West"}


OUTLETS = [
    ({"channel": "chan", "sitename": "Site"}, "https://x.example/", "chan"),
    ({"fields": {"outlet": "Field Outlet"}}, "", "Field Outlet"),
    ({"fields": {"site": "field-site"}, "hostname": "h.example"}, "", "field-site"),
    ({"sitename": "Daily", "hostname": "daily.example"}, "https://www.other.example/a", "Daily"),
    ({"hostname": "host.example"}, "", "host.example"),
    ({"url": "https://www.meta.example/p?q=1"}, "https://src.example/", "meta.example"),
    ({"fields": {"url": "http://fields.example:8080/x"}}, "", "fields.example"),
    ({}, "https://www.src.example/a", "src.example"),
    ({}, "examples/article.txt", None),
]


@pytest.mark.parametrize(("meta", "source", "expected"), OUTLETS)
def test_outlet_is_the_rule_of_the_corpus_views(library: Library, meta: dict, source: str, expected) -> None:
    import duckdb

    from spinscope.corpus.query import _OUTLET

    sql = f"SELECT {_OUTLET} FROM (SELECT ?::VARCHAR AS meta, ?::VARCHAR AS source)"
    assert duckdb.connect().execute(sql, [json.dumps(meta), source]).fetchone()[0] == expected
    assert outlet(meta, source) == expected
    stored = library.add(make_record(FERRY, meta=meta, source=source))
    assert library.search()[0][0]["outlet"] == expected
    if expected:
        assert ids(library, outlet=expected) == [stored["id"]]


def test_similar_finds_copies_among_the_stored_documents(library: Library) -> None:
    original = library.add(make_record(FERRY + " " + BRIDGE))
    wrapped = library.add(make_record("Read our newsletter. " + FERRY + " " + BRIDGE + " Share this story."))
    cut = library.add(make_record(FERRY))
    other = library.add(make_record(BRUECKE))
    found = library.similar(original["id"])
    assert {f["id"] for f in found} == {wrapped["id"], cut["id"]}
    assert all(0.5 <= f["similarity"] <= 1 and f["title"] is None for f in found)
    assert found[0]["similarity"] >= found[1]["similarity"]
    assert library.similar(original["id"], limit=1) == found[:1]
    assert library.similar(other["id"]) == [] and library.similar("0123456789abcdef") == []
    library.replace(cut["id"], make_record(BRUECKE.replace("Fluss", "Strom")))  # bands follow the new text
    assert cut["id"] not in [f["id"] for f in library.similar(original["id"])]
    assert [f["id"] for f in library.similar(other["id"])] == [cut["id"]]
    assert library.similar(library.add(make_record("?!"))["id"]) == []  # no words, no signature


def test_library_path_follows_the_setting_then_spinscope_home(monkeypatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.setenv("SPINSCOPE_HOME", str(tmp_path / "home"))
    assert library_path({"web": {"library": ""}}) == tmp_path / "home" / FILE_NAME
    assert library_path({"web": {"library": str(tmp_path / "mine.sqlite")}}) == tmp_path / "mine.sqlite"
    monkeypatch.delenv("SPINSCOPE_HOME")
    assert library_path({"web": {"library": ""}}) == Path(platformdirs.user_data_dir("spinscope")) / FILE_NAME


def test_open_makes_the_folder_and_reopens_what_it_stored(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / FILE_NAME
    with Library.open(path) as library:
        stored = library.add(make_record(FERRY))
    with Library.open(path) as library:
        assert library.get(stored["id"]) == stored
        journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_foreign_files_are_refused_and_left_alone(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all " * 100)
    with pytest.raises(LibraryError, match=r"^\[E1107\] .*garbage.sqlite: not a spinscope library"):
        Library.open(garbage)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (n INTEGER)")
    with pytest.raises(LibraryError, match=r"^\[E1107\] .*no documents and meta tables"):
        Library.open(other)
    tables = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"invoices"}
    newer = tmp_path / "newer.sqlite"
    Library.open(newer).close()
    with sqlite3.connect(newer) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(LibraryError, match=r"^\[E1107\] .*schema version 99"):
        Library.open(newer)


def test_a_folder_in_the_way_is_a_coded_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(LibraryError, match=r"^\[E1101\] .*cannot be opened"):
        Library.open(tmp_path / "file" / FILE_NAME)


def test_threads_and_a_second_connection_add_at_once(library: Library) -> None:
    other = Library.open(library.path)  # as a second server process would
    stored: list[str] = []
    failed: list[BaseException] = []

    def work(lib: Library, n: int) -> None:
        try:
            for i in range(10):
                stored.append(lib.add(make_record(f"{FERRY} Copy {n}-{i}."))["id"])
                assert lib.search(q=f"copy {n}")[1] >= 1
        except BaseException as exc:  # a thread's failure would otherwise only be printed
            failed.append(exc)

    threads = [threading.Thread(target=work, args=(other if n == 4 else library, n)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert failed == []
    assert library.search()[1] == 50 and len(set(stored)) == 50
    assert all(library.get(i) is not None for i in stored)
