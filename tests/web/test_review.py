"""Reviewers' corrections: validation with coded errors, effective spans, reviews across re-analysis, and the
export as SemEval span files or JSONL, read back by our own readers. Every text here is invented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spinscope.errors import InputError
from spinscope.eval.formats import CORRECTIONS_LABELS, read_article, read_spans
from spinscope.web.review import export_corrections, export_id
from spinscope.web.store import FILE_NAME, Library
from tests.web.test_store import make_record

TEXT = (
    "Council Votes on Bridge\r\n"
    "\r\n"
    "Mayor Blunt is a total disgrace, say critics.\r\n"
    "Everyone knows the bridge plan will ruin us all. Act now!\r\n"
    "The so-called experts stay silent \U0001f642 while the MSM looks away.\n"
)  # CRLF and a character outside the BMP: offsets must still be code points of the verbatim text
BANDWAGON = "Bandwagon,Reductio_ad_hitlerum"  # a PTC-2020 label (with its comma)
PREDICTED = [
    ("Name_Calling-Labeling", "Mayor Blunt is a total disgrace"),
    ("Loaded_Language", "total disgrace"),
    ("Appeal_to_Popularity", "Everyone knows the bridge"),
    ("Appeal_to_Time", "Act now!"),
]


def at(technique: str, fragment: str, action: str, **more: Any) -> dict[str, Any]:
    start = TEXT.index(fragment)
    return {"action": action, "technique": technique, "start": start, "end": start + len(fragment), **more}


def keys(spans: list[dict[str, Any]]) -> list[tuple[str, str, bool]]:
    return [(s["technique"], TEXT[s["start"] : s["end"]], s["accepted"]) for s in spans]


@pytest.fixture
def library(tmp_path: Path):
    with Library.open(tmp_path / FILE_NAME) as opened:
        yield opened


@pytest.fixture
def doc(library: Library) -> dict[str, Any]:
    return library.add(make_record(TEXT, PREDICTED, id="article42", language="en"))


@pytest.mark.parametrize(
    ("corrections", "code"),
    [
        ([], "E1108"),
        ("reject everything", "E1108"),
        ([5], "E1108"),
        ([at("Loaded_Language", "total disgrace", "approve")], "E1102"),
        ([{**at("Loaded_Language", "total disgrace", "accept"), "start": "46"}], "E1108"),
        ([{**at("Loaded_Language", "total disgrace", "accept"), "end": True}], "E1108"),
        ([{"action": "add", "technique": "Doubt", "start": 10, "end": 10_000}], "E1103"),
        ([{"action": "add", "technique": "Doubt", "start": 12, "end": 12}], "E1103"),
        ([{"action": "add", "technique": "Doubt", "start": -3, "end": 4}], "E1103"),
        ([at("Nonsense", "total disgrace", "add")], "E1104"),
        ([at("Loaded_Language", "total disgrace", "relabel", new_technique="Rudeness")], "E1104"),
        ([{k: v for k, v in at("Doubt", "critics", "add").items() if k != "technique"}], "E1104"),
        ([at("Doubt", "total disgrace", "reject")], "E1105"),  # nothing predicted with that technique there
        ([at("Loaded_Language", "total disgrace", "accept"), at("Doubt", "critics", "accept")], "E1105"),
        ([at("Doubt", "critics", "add", text="a phrase nowhere in it")], "E1109"),
        ([at("Doubt", "critics", "add", text=7)], "E1108"),
    ],
)
def test_bad_corrections_are_coded_errors_and_save_nothing(library: Library, doc: dict, corrections, code) -> None:
    with pytest.raises(InputError, match=rf"^\[{code}\] "):
        library.save_review(doc["id"], corrections)
    assert library.reviews(doc["id"]) == [] and list(library.reviewed_documents()) == []


def test_unknown_documents_and_reviewers_are_coded_errors(library: Library, doc: dict) -> None:
    with pytest.raises(InputError, match=r"^\[E1026\] "):
        library.save_review("0123456789abcdef", [at("Doubt", "critics", "add")])
    with pytest.raises(InputError, match=r"^\[E1108\] reviewer must be a string"):
        library.save_review(doc["id"], [at("Doubt", "critics", "add")], reviewer=["ed"])
    assert library.reviews("0123456789abcdef") == []


def test_effective_spans_follow_every_review_in_order(library: Library, doc: dict) -> None:
    first = [
        at("Loaded_Language", "total disgrace", "accept"),
        at("Name_Calling-Labeling", "Mayor Blunt is a total disgrace", "reject"),
        at("Appeal_to_Popularity", "Everyone knows the bridge", "relabel", new_technique=BANDWAGON),
        at("Doubt", "so-called experts", "add", text="so-called experts"),
        at("Loaded_Language", "MSM", "add"),
    ]
    saved = library.save_review(doc["id"], first, reviewer="ed")
    assert isinstance(saved["id"], int) and saved["reviewer"] == "ed" and saved["saved_at"]
    assert [c["action"] for c in saved["corrections"]] == ["accept", "reject", "relabel", "add", "add"]
    assert "text" not in saved["corrections"][3]  # stored exact: offsets only
    assert keys(saved["spans"]) == [
        ("Loaded_Language", "total disgrace", True),
        (BANDWAGON, "Everyone knows the bridge", True),  # a PTC label is fine too
        ("Appeal_to_Time", "Act now!", False),  # predicted, not reviewed
        ("Doubt", "so-called experts", True),
        ("Loaded_Language", "MSM", True),
    ]
    with pytest.raises(InputError, match=r"^\[E1105\] "):  # the old label is gone after the relabel
        library.save_review(doc["id"], [at("Appeal_to_Popularity", "Everyone knows the bridge", "accept")])
    second = [
        at("Loaded_Language", "MSM", "reject"),  # a span added by the earlier review
        at(BANDWAGON, "Everyone knows the bridge", "relabel", new_technique="Flag_Waving"),
        at("Appeal_to_Time", "Act now!", "add"),  # adding a span that is there accepts it
    ]
    after = library.save_review(doc["id"], second)["spans"]
    assert keys(after) == [
        ("Loaded_Language", "total disgrace", True),
        ("Flag_Waving", "Everyone knows the bridge", True),
        ("Appeal_to_Time", "Act now!", True),
        ("Doubt", "so-called experts", True),
    ]
    first_review, second_review = library.reviews(doc["id"])
    assert first_review["id"] == saved["id"] and first_review["corrections"] == saved["corrections"]
    assert second_review["id"] > saved["id"] and second_review["reviewer"] == ""
    ((record, spans),) = library.reviewed_documents()
    assert record == library.get(doc["id"]) and spans == after
    assert all(s["text"] == TEXT[s["start"] : s["end"]] for s in after)


def test_an_added_span_is_anchored_by_the_text_the_reviewer_saw(library: Library, doc: dict) -> None:
    utf16 = at("Loaded_Language", "MSM", "add")
    utf16 = {**utf16, "start": utf16["start"] + 1, "end": utf16["end"] + 1, "text": "MSM"}  # 🙂 counted twice
    twice = TEXT.index("the bridge")  # "the" occurs often: the occurrence nearest the offsets given wins
    near = {"action": "add", "technique": "Doubt", "start": twice + 2, "end": twice + 5, "text": "the"}
    saved = library.save_review(doc["id"], [utf16, near])
    msm = TEXT.index("MSM")
    assert [(c["start"], c["end"]) for c in saved["corrections"]] == [(msm, msm + 3), (twice, twice + 3)]


def test_reviews_outlive_a_reanalysis_that_drops_their_spans(library: Library, doc: dict) -> None:
    library.save_review(doc["id"], [at("Appeal_to_Time", "Act now!", "reject"), at("Doubt", "critics", "add")])
    library.replace(doc["id"], make_record(TEXT, [("Slogans", "Act now!"), ("Appeal_to_Time", "Act now!")]))
    ((_, spans),) = library.reviewed_documents()
    assert keys(spans) == [("Doubt", "critics", True), ("Slogans", "Act now!", False)]
    library.replace(doc["id"], make_record(TEXT, [("Slogans", "Act now!")]))  # the rejected one is gone anyway
    ((_, spans),) = library.reviewed_documents()
    assert keys(spans) == [("Doubt", "critics", True), ("Slogans", "Act now!", False)]


@pytest.fixture
def reviewed(library: Library, doc: dict) -> dict[str, Any]:
    """`doc` reviewed, and a second stored document without reviews (never exported)."""
    library.add(make_record("An unreviewed note about the weather.\n"))
    corrections = [at("Appeal_to_Time", "Act now!", "reject"), at("Doubt", "so-called experts", "add")]
    return {"doc": doc, "spans": library.save_review(doc["id"], corrections)["spans"]}


def test_semeval_export_round_trips_through_our_readers(library: Library, reviewed: dict, tmp_path: Path) -> None:
    from spinscope.train.data import read_extra

    out = tmp_path / "corrections"
    assert export_corrections(library, out, "semeval") == 1
    aid = export_id(reviewed["doc"]["id"])
    assert aid.isdigit() and sorted(p.name for p in out.iterdir()) == sorted([f"article{aid}.txt", CORRECTIONS_LABELS])
    assert read_article(out / f"article{aid}.txt") == TEXT  # verbatim: CRLF kept
    rows = read_spans(out / CORRECTIONS_LABELS)
    expected = [(s["technique"], s["start"], s["end"]) for s in reviewed["spans"]]
    assert [(r.article_id, r.technique, r.start, r.end) for r in rows] == [(aid, *span) for span in expected]
    first = (out / CORRECTIONS_LABELS).read_text(encoding="utf-8").splitlines()[0]
    assert first == "\t".join(map(str, [aid, *expected[0]]))
    (article,) = read_extra(out, [s[0] for s in expected])
    assert article.text == TEXT and article.spans == expected


def test_jsonl_export_is_one_document_a_line(library: Library, reviewed: dict, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "corrections.jsonl"
    assert export_corrections(library, out, "jsonl") == 1
    (line,) = out.read_text(encoding="utf-8").split("\n")[:-1]
    row = json.loads(line)
    assert row == {
        "id": reviewed["doc"]["id"],
        "text": TEXT,
        "language": "en",
        "spans": [{k: s[k] for k in ("technique", "start", "end")} for s in reviewed["spans"]],
    }
    assert [TEXT[s["start"] : s["end"]] for s in row["spans"]] == [s["text"] for s in reviewed["spans"]]


def test_an_empty_export_and_an_unknown_format(library: Library, doc: dict, tmp_path: Path) -> None:
    assert export_corrections(library, tmp_path / "none", "semeval") == 0
    assert read_spans(tmp_path / "none" / CORRECTIONS_LABELS) == []
    assert export_corrections(library, tmp_path / "none.jsonl", "jsonl") == 0
    with pytest.raises(InputError, match=r"^\[E1106\] "):
        export_corrections(library, tmp_path / "x", "conll")
