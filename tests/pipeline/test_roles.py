"""Roles of actors (SemEval-2025 entity framing): the heads on the shared encoder pass, the actor record,
the official-layout command and its scorer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.api import analyze
from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.eval.formats import read_roles
from spinscope.eval.scorers import role_scores
from spinscope.labels import ROLES
from spinscope.pipeline import Pipeline
from spinscope.pipeline.roles import CLEAR, FINES, MAINS, MentionRoles, joined, ranked_fines
from spinscope.schema import check_offsets, validate
from spinscope.writers.record import to_record
from tests.cli.test_analyze import run

# Written for these tests: a villain, a victim and a hero, each named twice.
ARTICLE = (
    "Warlord plunders the valley\n\n"
    "General Marek Dolny ordered his troops to burn the grain stores of the valley and lied about it to the "
    "press. Dolny has ruled by fear for years and enriched himself with the spoils.\n"
    "The farmers of Vessa lost everything; their children now go hungry, and the Vessa farmers have nowhere to "
    "go.\n"
    "Doctor Ilse Marten walked forty kilometres to bring medicine to the families. Marten refuses to leave "
    "while one child is still sick.\n"
)


@pytest.fixture(scope="module")
def record() -> dict:
    return to_record(analyze(ARTICLE, doc_id="roles-1", settings=load_settings(env={})))


def test_every_actor_is_cast_with_roles_of_the_taxonomy_and_evidence_from_the_text(record: dict) -> None:
    validate(record)
    check_offsets(record)  # evidence sentences are text spans of the article
    cast = [a for a in record["entities"] if a["roles"] is not None]
    assert cast and len(cast) == len(record["entities"])
    for actor in cast:
        roles = actor["roles"]
        assert roles["main"] in ROLES and set(roles["scores"]) == set(MAINS)
        assert abs(sum(roles["scores"].values()) - 1.0) < 0.01
        assert roles["fine"] and all(f["role"] in ROLES[roles["main"]] for f in roles["fine"])
        assert [f["score"] for f in roles["fine"]] == sorted((f["score"] for f in roles["fine"]), reverse=True)
        assert 1 <= len(roles["evidence"]) <= 3
        mentions = [(m["start"], m["end"]) for m in actor["mentions"]]
        assert all(any(e["start"] <= a < e["end"] for a, _ in mentions) for e in roles["evidence"])


def test_the_warlord_is_cast_as_the_villain(record: dict) -> None:
    """Clearly enough to be shown as such (not "unclear"). (The doctor is no hero to the heads: trained on war
    and climate news only, they score her Antagonist 0.46 against Protagonist 0.36 - a known limit, in the model
    card.)"""
    warlord = next(a["roles"] for a in record["entities"] if "Dolny" in a["name"])
    assert warlord["main"] == "Antagonist" and warlord["scores"]["Antagonist"] >= CLEAR


def test_reports_show_how_actors_are_cast(monkeypatch, capsys, tmp_path: Path) -> None:
    article = tmp_path / "warlord.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "analyze", str(article), "-f", "text")
    assert code == 0 and "Cast as" in out and "Antagonist" in out
    html = tmp_path / "warlord.html"
    code, _, _ = run(monkeypatch, capsys, "analyze", str(article), "-f", "html", "-o", str(html))
    assert code == 0 and '<th scope="col">Cast as</th>' in html.read_text(encoding="utf-8")


def test_without_the_roles_step_actors_carry_null_roles() -> None:
    settings = load_settings(env={})
    doc = Pipeline.from_settings(settings, only=["entities"])(Document("r", ARTICLE, language="en"))
    record = to_record(doc)
    assert record["entities"] and all(a["roles"] is None for a in record["entities"])
    validate(record)


def test_without_the_heads_no_roles_and_a_warning(tmp_path: Path) -> None:
    """A roles folder without heads leaves every actor's roles null, with the W006 warning."""
    settings = load_settings(env={}, overrides=[f"components.roles.model={tmp_path}"])
    doc = Pipeline.from_settings(settings, only=["roles"])(Document("r", ARTICLE, language="en"))
    assert any("[W006]" in w and "roles" in w for w in doc.warnings)
    assert doc.layer("roles") == []


@pytest.mark.parametrize("share, want", [(1.0, ["Tyrant"]), (0.5, ["Tyrant", "Corrupt"]), (0.1, None)])
def test_fine_roles_are_those_of_the_main_role_down_to_a_share_of_the_best(share: float, want) -> None:
    fine = np.zeros(len(FINES))
    fine[FINES.index("Tyrant")], fine[FINES.index("Corrupt")], fine[FINES.index("Victim")] = 0.5, 0.3, 0.9
    got = [f for f, _ in ranked_fines("Antagonist", fine, share)]
    assert got[: len(want or got)] == (want or got) and "Victim" not in got
    main = np.array([0.1, 0.8, 0.1])
    assert MentionRoles(main, fine).main_role == "Antagonist"


def test_the_fine_head_has_its_say_in_the_main_role() -> None:
    main = np.array([[0.45, 0.55, 0.0]])  # MAINS order: Protagonist, Antagonist, Innocent
    fine = np.zeros((1, len(FINES)))
    fine[0, FINES.index("Guardian")], fine[0, FINES.index("Martyr")], fine[0, FINES.index("Tyrant")] = 0.5, 0.3, 0.2
    assert joined(main, fine, 1.0) is main
    both = joined(main, fine, 0.5)
    assert MAINS[int(both.argmax())] == "Protagonist"
    assert both.sum() == pytest.approx(1.0)
    assert both[0, 0] == pytest.approx(0.5 * 0.45 + 0.5 * 0.8)


def test_classify_roles_writes_the_official_layout_that_the_scorer_reads(monkeypatch, capsys, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "EN_UA_1.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "EN_UA_2.txt").write_bytes(b"\x00\x01binary\xff\xfe")
    gold = tmp_path / "gold.txt"
    rows = []
    for mention, main, fine in (("Marek Dolny", "Antagonist", "Tyrant"), ("Ilse Marten", "Protagonist", "Guardian")):
        start = ARTICLE.index(mention)
        rows.append(f"EN_UA_1.txt\t{mention}\t{start}\t{start + len(mention) - 1}\t{main}\t{fine}\n")
    rows.append("EN_UA_2.txt\tNobody\t0\t5\tInnocent\tVictim\n")
    gold.write_text("".join(rows), encoding="utf-8")
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("".join("\t".join(r.split("\t")[:4]) + "\n" for r in rows), encoding="utf-8")
    pred = tmp_path / "pred.txt"
    code, _, err = run(monkeypatch, capsys, "classify-roles", str(folder), str(mentions), "-o", str(pred))
    assert code == 1 and "EN_UA_2.txt" in err  # the unreadable article is reported and skipped
    predicted = read_roles(pred)  # the official layout, checked against the taxonomy
    assert [(p.article_id, p.mention, p.start, p.end) for p in predicted] == [
        (g.article_id, g.mention, g.start, g.end) for g in read_roles(gold)[:2]
    ]
    scores = role_scores(read_roles(gold)[:2], predicted)
    assert scores.n == 2 and scores.main_accuracy >= 0.5
    code, out, _ = run(monkeypatch, capsys, "eval", "roles", str(gold), str(pred), "--json")
    assert code == 0 and '"main_accuracy"' in out


def test_a_bad_mentions_file_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path: Path) -> None:
    bad = tmp_path / "mentions.txt"
    bad.write_text("EN_UA_1.txt\tDolny\tseven\t12\n", encoding="utf-8")
    code, _, err = run(monkeypatch, capsys, "classify-roles", str(tmp_path), str(bad))
    assert code == 2 and "[E601]" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
