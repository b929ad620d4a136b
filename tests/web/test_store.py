"""The library of stored analyses: stable ids, durability, full-text search, filters and facets."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from spinscope.errors import LibraryError
from spinscope.web.store import Library, fts_query, outlet_of


def record(doc_id: str, text: str, **extra) -> dict:
    base = {
        "schema_version": "1.3",
        "id": doc_id,
        "source": f"https://www.gazette.example/{doc_id}",
        "title": f"Story {doc_id}",
        "date": "2022-11-09",
        "language": "en",
        "meta": {},
        "text": text,
        "techniques": [],
        "narratives": [],
        "entities": [],
        "warnings": [],
    }
    return {**base, **extra}


FERRY = "The council voted for a second ferry; critics call it a waste of money."
BRIDGE = "The mayor opened the bridge, which the Kiev regime, he said, never wanted."


@pytest.fixture
def library(tmp_path: Path) -> Library:
    return Library.open(tmp_path / "home" / "library.sqlite")


def test_add_gives_a_stable_id_and_keeps_the_input_id(library: Library) -> None:
    stored = library.add(record("a1", FERRY))
    assert stored["id"] != "a1" and stored["meta"]["input_id"] == "a1"
    assert library.get(stored["id"]) == stored
    again = library.replace(stored["id"], record("a1", FERRY, title="Ferry, again"))
    assert again["id"] == stored["id"] and again["meta"]["stored_at"] == stored["meta"]["stored_at"]
    assert library.get(stored["id"])["title"] == "Ferry, again"
    assert library.delete(stored["id"]) and library.get(stored["id"]) is None
    assert not library.delete(stored["id"])
    assert library.search(q="ferry") == ([], 0)


def test_search_by_words_and_filters(library: Library) -> None:
    loaded = {"technique": "Loaded_Language", "start": 42, "end": 53, "text": "Kiev regime", "score": 0.9}
    bridge = library.add(
        record(
            "b",
            BRIDGE,
            language="fr",
            techniques=[loaded],
            narratives=[{"narrative": "URW: Discrediting Ukraine", "subnarrative": None}],
            entities=[{"name": "Kiev regime"}],
            date="2022-12-01",
        )
    )
    ferry = library.add(record("f", FERRY))
    ids = lambda **kw: [row["id"] for row in library.search(**kw)[0]]  # noqa: E731
    assert ids() == [ferry["id"], bridge["id"]]  # newest first
    assert ids(q="ferry critics") == [ferry["id"]]
    assert ids(technique="Loaded_Language") == [bridge["id"]]
    assert ids(narrative="URW: Discrediting Ukraine", language="fr", actor="Kiev regime") == [bridge["id"]]
    assert ids(outlet="gazette.example", since="2022-11-10") == [bridge["id"]]
    assert ids(until="2022-11-09") == [ferry["id"]]
    assert ids(technique="Doubt") == []
    rows, total = library.search(limit=1)
    assert total == 2 and len(rows) == 1 and rows[0]["n_techniques"] == 0
    facets = library.facets()
    assert facets["language"] == [("en", 1), ("fr", 1)] and facets["outlet"] == [("gazette.example", 2)]


@pytest.mark.parametrize("q", ['"', "AND", "ferry OR", "*", "(", "NEAR(", "title:", "-", "ümlaut ö", "'; DROP"])
def test_hostile_search_text_never_raises(library: Library, q: str) -> None:
    library.add(record("f", FERRY))
    rows, total = library.search(q=q)
    assert total == len(rows)
    assert '"' not in fts_query(q).replace('" "', "").strip('"')


def test_outlet_rule_follows_the_corpus_views() -> None:
    assert outlet_of({"meta": {"channel": "chan"}, "source": "https://x.example/"}) == "chan"
    assert outlet_of({"meta": {"sitename": "Daily"}, "source": ""}) == "Daily"
    assert outlet_of({"meta": {}, "source": "https://www.x.example/a"}) == "x.example"
    assert outlet_of({"meta": {}, "source": "pasted text"}) is None


def test_threads_add_at_once(library: Library) -> None:
    def work(n: int) -> None:
        for i in range(10):
            library.add(record(f"t{n}-{i}", FERRY))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert library.search(limit=1)[1] == 40


def test_an_acknowledged_add_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite"
    script = (
        "import os, signal, sys\n"
        "from spinscope.web.store import Library\n"
        f"lib = Library.open({str(path)!r})\n"
        f"stored = lib.add({record('k', FERRY)!r})\n"
        "print(stored['id'], flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    assert Library.open(path).get(done.stdout.strip())["text"] == FERRY


def test_a_file_that_is_not_a_library_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "library.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(LibraryError, match=r"^\[E1101\]"):
        Library.open(bad)


def test_reviews_change_the_spans_and_export_as_training_data(library: Library, tmp_path: Path) -> None:
    from spinscope.errors import InputError
    from spinscope.eval.formats import read_article, read_spans
    from spinscope.web.review import LABELS_FILE, export_corrections, export_id

    text = "They call it the Kiev regime. Nobody believes the MSM any more."
    loaded = {"technique": "Loaded_Language", "start": 17, "end": 28, "text": "Kiev regime", "score": 0.9}
    doubt = {"technique": "Doubt", "start": 30, "end": 53, "text": text[30:53], "score": 0.4}
    stored = library.add(record("r", text, techniques=[loaded, doubt]))
    with pytest.raises(InputError, match=r"^\[E1105\]"):
        library.save_review(stored["id"], [{"action": "reject", "technique": "Doubt", "start": 0, "end": 4}])
    with pytest.raises(InputError, match=r"^\[E1104\]"):
        library.save_review(stored["id"], [{"action": "add", "technique": "Nonsense", "start": 0, "end": 4}])
    with pytest.raises(InputError, match=r"^\[E1103\]"):
        library.save_review(stored["id"], [{"action": "add", "technique": "Doubt", "start": 60, "end": 99}])
    corrections = [
        {"action": "accept", **{k: loaded[k] for k in ("technique", "start", "end")}},
        {"action": "relabel", "technique": "Doubt", "start": 30, "end": 53, "new_technique": "Name_Calling-Labeling"},
        {"action": "add", "technique": "Doubt", "start": 0, "end": 3, "text": "the MSM"},  # re-anchored by its text
    ]
    saved = library.save_review(stored["id"], corrections, reviewer="ed")
    msm = text.index("the MSM")
    assert saved["corrections"][2]["start"] == msm
    expected = [
        ("Loaded_Language", 17, 28),
        ("Name_Calling-Labeling", 30, 53),
        ("Doubt", msm, msm + 7),
    ]
    got = [(s["technique"], s["start"], s["end"]) for s in saved["spans"]]
    assert got == sorted(expected, key=lambda s: (s[1], s[2], s[0]))
    assert all(text[s["start"] : s["end"]] == s["text"] for s in saved["spans"])
    library.save_review(stored["id"], [{"action": "reject", "technique": "Doubt", "start": msm, "end": msm + 7}])
    library.replace(stored["id"], record("r", text, techniques=[loaded, doubt]))
    assert len(library.reviews(stored["id"])) == 2  # a re-analysis keeps the reviews

    assert export_corrections(library, tmp_path / "sem", "semeval") == 1
    aid = export_id(stored["id"])
    assert read_article(tmp_path / "sem" / f"article{aid}.txt") == text
    spans = read_spans(tmp_path / "sem" / LABELS_FILE)
    assert [(s.technique, s.start, s.end) for s in spans] == [
        ("Loaded_Language", 17, 28),
        ("Name_Calling-Labeling", 30, 53),
    ]
    assert export_corrections(library, tmp_path / "c.jsonl", "jsonl") == 1
    row = json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8"))
    assert row["id"] == stored["id"] and len(row["spans"]) == 2
