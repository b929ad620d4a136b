"""Narratives: hierarchy decoding, user narratives (YAML) and the component's record on invented texts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from spinscope.api import analyze, load_pipeline
from spinscope.config import load_settings
from spinscope.errors import ConfigError
from spinscope.pipeline.narratives import Taxonomy
from spinscope.pipeline.user_narratives import load_user_narratives
from spinscope.schema import validate
from spinscope.writers.record import to_record
from tests.conftest import EXAMPLE

LABELS = ["URW: A", "URW: B", "Other", "URW: A: a1", "URW: A: a2", "URW: A: Other", "URW: B: Other"]


def test_a_sub_narrative_lifts_its_narrative_and_names_it() -> None:
    tax = Taxonomy(LABELS)
    row = np.zeros(len(LABELS))
    row[LABELS.index("URW: A: a2")] = 0.9
    assert tax.decode(row, np.array([0.5, 0.4, 0.3])) == [(0, 1, 0.9)]


def test_a_narrative_without_a_sub_narrative_gets_its_other() -> None:
    tax = Taxonomy(LABELS)
    row = np.zeros(len(LABELS))
    row[LABELS.index("URW: B")] = 0.8
    assert tax.decode(row, np.array([0.5, 0.4, 0.3])) == [(1, None, 0.8)]


def test_nothing_above_the_cut_or_a_confident_other_head_gives_other() -> None:
    tax = Taxonomy(LABELS)
    row = np.full(len(LABELS), 0.1)
    assert tax.decode(row, np.array([0.5, 0.4, 0.3]))[0][:2] == (2, None)
    row[LABELS.index("URW: A")], row[LABELS.index("Other")] = 0.9, 0.7
    assert tax.decode(row, np.array([0.6, 0.4, 0.3]))[0][:2] == (2, None)


def test_a_narrative_of_the_other_domain_needs_the_cross_domain_cut() -> None:
    from spinscope.train.narratives import Hierarchy

    labels = ["CC: X", "URW: A", "Other", "CC: X: Other", "URW: A: Other"]
    tax = Taxonomy(labels)
    row = np.array([0.5, 0.8, 0.0, 0.0, 0.0])
    assert [i for i, _, _ in tax.decode(row, np.array([0.5, 0.4, 0.3]))] == [1]  # no fourth cut: one domain
    assert [i for i, _, _ in tax.decode(row, np.array([0.5, 0.4, 0.3, 0.6]))] == [1]
    assert [i for i, _, _ in tax.decode(row, np.array([0.5, 0.4, 0.3, 0.45]))] == [1, 0]
    hierarchy = Hierarchy(labels[:3], labels[3:])  # the training rule agrees
    for cuts in ((0.5, 0.4, 0.3), (0.5, 0.4, 0.3, 0.6), (0.5, 0.4, 0.3, 0.45)):
        keep, _ = hierarchy.masks(row[None, :3], row[None, 3:], *cuts)
        assert list(np.flatnonzero(keep[0])) == sorted(i for i, _, _ in tax.decode(row, np.array(cuts)))


def test_the_articles_domain_keeps_narratives_of_that_domain_only() -> None:
    labels = ["CC: X", "URW: A", "Other", "CC: X: Other", "URW: A: Other"]
    tax = Taxonomy(labels)
    row = np.array([0.5, 0.8, 0.0, 0.0, 0.0])
    cuts = np.array([0.5, 0.4, 0.3, 0.45])
    assert [i for i, _, _ in tax.decode(row, cuts)] == [1, 0]  # no domain given: the best narrative's, CC at 0.45
    assert [i for i, _, _ in tax.decode(row, cuts, "CC")] == [0]  # URW 0.8 passes the cross cut, yet is left out
    assert [i for i, _, _ in tax.decode(row, cuts, "URW")] == [1]
    row = np.array([0.0, 0.5, 0.0, 0.0, 0.0])
    assert tax.decode(row, cuts, "CC")[0][0] == 2  # only war narratives on a climate piece: Other


WIRE = """Russland und die Ukraine tauschen Kriegsgefangene aus

KIEW, 3. Juni (dpa) - Russland und die Ukraine haben am Dienstag jeweils 75 Kriegsgefangene ausgetauscht, wie der
ukrainische Koordinierungsstab mitteilte. Es war der dritte Austausch in diesem Jahr. Vermittelt hatten die
Vereinigten Arabischen Emirate, teilte das Außenministerium in Abu Dhabi mit. Unter den Freigelassenen seien
Soldaten und zwei Zivilisten, hieß es. Das russische Verteidigungsministerium bestätigte den Austausch und
erklärte, die Soldaten würden zur medizinischen Untersuchung nach Moskau geflogen.
"""

CLIMATE = """Die grüne Diktatur kommt

Die Klimaideologen wollen uns das Auto, die Heizung und das Schnitzel verbieten. Die angebliche Klimakrise ist
eine Erfindung der Ökolobby, die an jeder Windkraftanlage Milliarden verdient. Das Klima hat sich immer
gewandelt, auch ohne Menschen. Wer widerspricht, wird als Leugner an den Pranger gestellt.
"""


def test_a_wire_report_in_a_language_the_head_never_saw_carries_no_narrative() -> None:
    record = to_record(analyze(WIRE, settings=load_settings(env={})))
    assert record["language"] == "de" and record["genre"]["label"] == "reporting"
    assert [n["narrative"] for n in record["narratives"]] == ["Other"]
    assert record["narratives"][0]["score"] == record["genre"]["scores"]["reporting"]  # the report rule decided
    off = load_settings(env={}, overrides=["components.narratives.reporting=0"])
    alone = to_record(analyze(WIRE, settings=off))["narratives"]
    # without the rule the head decides: since it reads the middle layer it finds no narrative here either
    assert [n["narrative"] for n in alone] == ["Other"] and alone[0]["score"] != record["narratives"][0]["score"]


def test_a_climate_piece_gets_no_war_narrative_in_a_language_the_head_never_saw() -> None:
    record = to_record(analyze(CLIMATE, settings=load_settings(env={})))
    named = {n["narrative"] for n in record["narratives"]}
    assert named and all(n.startswith("CC: ") or n == "Other" for n in named), named


def test_every_article_gets_taxonomy_narratives_with_evidence_inside_the_text() -> None:
    doc = analyze(EXAMPLE.read_text(encoding="utf-8"), doc_id="example", settings=load_settings(env={}))
    record = to_record(doc)
    validate(record)
    found = [n for n in record["narratives"] if n["source"] == "semeval2025"]
    assert found, "the taxonomy always answers, Other included"
    for n in found:
        assert n["narrative"] == "Other" or n["subnarrative"].startswith(n["narrative"] + ": ")
        for e in n["evidence"]:
            assert 0 <= e["start"] < e["end"] <= len(record["text"])


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "narratives.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


USER = """\
- name: Sanctions hurt only Europe
  description: Sanctions against Russia harm Europeans and not Russia.
  examples:
    - The sanctions are ruining European farmers while Russia does fine.
    - Les sanctions ruinent les agriculteurs européens, pas la Russie.
- name: Football is rigged
  examples:
    - Every final of the cup is decided in advance by the bookmakers.
"""


def test_user_narratives_are_matched_across_languages_and_marked_as_yours(tmp_path: Path) -> None:
    settings = load_settings(overrides=[f"components.narratives.user={write(tmp_path, USER)}"], env={})
    pipeline = load_pipeline(settings)
    text = (
        "Les sanctions contre Moscou frappent d'abord nos agriculteurs.\n\n"
        "Die Sanktionen treffen europäische Bauern, nicht Russland.\n\nLe temps sera ensoleillé demain."
    )
    from spinscope.data import Document

    record = to_record(pipeline(Document(id="u", text=text)))
    validate(record)
    mine = [n for n in record["narratives"] if n["source"] == "user"]
    assert [n["narrative"] for n in mine] == ["Sanctions hurt only Europe"]
    assert mine[0]["subnarrative"] is None and mine[0]["evidence"]
    said = {text[e["start"] : e["end"]] for e in mine[0]["evidence"]}
    assert "Le temps sera ensoleillé demain." not in said


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("- name: A\n  examples: [x\n", 3, "expected"),
        ("- name: A\n  examples: []\n", 1, "non-empty list of examples"),
        ("- name: A\n  examples: [one]\n- name: A\n  examples: [two]\n", 3, "defined twice"),
        ("- name: A\n  colour: red\n  examples: [one]\n", 1, "unknown key"),
        ("- examples: [one]\n", 1, "name must be non-empty"),
        ("just text\n", 1, "a list of narratives"),
    ],
)
def test_a_bad_narratives_file_names_its_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError, match=rf"\[E507\] .*line {line}: .*{words}"):
        load_user_narratives(write(tmp_path, body))


def test_a_missing_narratives_file_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[E507\].*cannot be read"):
        load_user_narratives(str(tmp_path / "none.yaml"))


def test_a_language_the_taxonomy_never_saw_gets_narratives_and_a_warning() -> None:
    text = "Die Regierung in Kiew ist eine Marionette des Westens.\n\nDie Sanktionen schaden nur Europa selbst."
    record = to_record(analyze(text, settings=load_settings(env={})))
    validate(record)
    assert record["narratives"] and any(w.startswith("[W011]") for w in record["warnings"])


def test_the_html_report_highlights_a_narratives_evidence_when_its_row_is_clicked() -> None:
    from spinscope.writers.html import render_document

    record = to_record(analyze(EXAMPLE.read_text(encoding="utf-8"), doc_id="example", settings=load_settings(env={})))
    page = render_document(record, "example")
    evidence = [k for k, n in enumerate(record["narratives"]) if n["evidence"]]
    assert evidence
    k = evidence[0]
    assert f'data-actor="n{k}"' in page
    assert re.search(rf'data-a="[^"]*\bn{k}\b[^"]*"', page)


def test_a_plain_report_counts_the_technique_spans_the_reports_show() -> None:
    from spinscope.data import Document
    from spinscope.pipeline.plain_report import plain_report

    doc = Document("t", "Word " * 200, language="fr")  # 1,000 characters
    doc.labels["genre"] = {"label": "reporting", "scores": {"reporting": 0.95}}
    for k in range(4):  # four stretches of low-scored spans, none shown: still a report
        doc.add_span("techniques", 50 * k, 50 * k + 4, "Loaded_Language", score=0.2, shown=False)
    assert plain_report(doc, 0.9, 2.0) == 0.95
    doc.add_span("techniques", 300, 304, "Loaded_Language", score=0.9, shown=True)
    doc.add_span("techniques", 400, 404, "Doubt", score=0.9, shown=True)
    assert plain_report(doc, 0.9, 2.0) is None  # two shown stretches per 1,000 characters
    assert plain_report(doc, 0.0, 2.0) is None  # reporting 0: never
