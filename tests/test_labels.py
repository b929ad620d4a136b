"""Label catalogue: both technique schemes, their mappings, frames, genres, colours."""

from __future__ import annotations

import re

import pytest

from spinscope import labels
from spinscope.errors import ConfigError
from spinscope.labels import (
    CATEGORIES,
    FRAMES,
    GENRES,
    PTC14,
    PTC14_TO_SEMEVAL23,
    SEMEVAL23_TO_PTC14,
    TECHNIQUES,
    category,
    colour,
    definition,
    from_ptc14,
    human_name,
    relabel,
    tint,
    to_ptc14,
)

EXPECTED_TECHNIQUES = [
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
]
EXPECTED_PTC14 = [
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
]


def test_label_lists_match_the_shared_tasks():
    assert list(TECHNIQUES) == EXPECTED_TECHNIQUES
    assert sorted(PTC14) == sorted(EXPECTED_PTC14)
    assert len(FRAMES) == 14 and "Legality_Constitutionality_and_jurisprudence" in FRAMES
    assert GENRES == ("opinion", "reporting", "satire")


@pytest.mark.parametrize("label", [*TECHNIQUES, *PTC14, *FRAMES, *GENRES])
def test_every_label_has_a_one_sentence_definition_and_a_name(label):
    text = definition(label)
    assert text and text[0].isupper() and text.endswith(".")
    assert text.count(". ") == 0, "one sentence"
    assert human_name(label) and "_" not in human_name(label)


def test_categories_follow_semeval_2023_groups():
    sizes = {c: sum(category(t) == c for t in TECHNIQUES) for c in CATEGORIES}
    assert sizes == {
        "Attack on reputation": 5,
        "Justification": 5,
        "Simplification": 3,
        "Distraction": 3,
        "Call": 3,
        "Manipulative wording": 4,
    }
    assert category("Doubt") == "Attack on reputation"
    assert category("Black-and-White_Fallacy") == "Simplification"


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_are_distinct_and_accessible():
    colours = [colour(t) for t in TECHNIQUES]
    assert len(set(colours)) == len(TECHNIQUES)
    assert len({tint(t) for t in TECHNIQUES}) == len(TECHNIQUES)
    for label in [*TECHNIQUES, *PTC14, "Unknown_Thing"]:
        assert re.fullmatch(r"#[0-9a-f]{6}", colour(label))
        assert _contrast(colour(label), "#ffffff") >= 4.5, label  # WCAG AA as text on white
        assert _contrast(tint(label), "#000000") >= 7, label  # WCAG AAA for black text on the highlight
    assert len({colour(p) for p in PTC14}) == len(PTC14)


def test_unknown_labels_degrade_gracefully():
    assert definition("Not_A_Label") == ""
    assert human_name("Not_A_Label") == "Not A Label"
    assert colour("Not_A_Label") == labels.UNKNOWN_COLOUR
    assert category("Not_A_Label") == ""
    assert to_ptc14("Not_A_Label") is None
    assert from_ptc14("Not_A_Label") is None


@pytest.mark.parametrize(
    ("label", "ptc"),
    [
        ("Appeal_to_Popularity", "Bandwagon,Reductio_ad_hitlerum"),
        ("Guilt_by_Association", "Bandwagon,Reductio_ad_hitlerum"),
        ("False_Dilemma-No_Choice", "Black-and-White_Fallacy"),
        ("Conversation_Killer", "Thought-terminating_Cliches"),
        ("Straw_Man", "Whataboutism,Straw_Men,Red_Herring"),
        ("Red_Herring", "Whataboutism,Straw_Men,Red_Herring"),
        ("Whataboutism", "Whataboutism,Straw_Men,Red_Herring"),
        ("Exaggeration-Minimisation", "Exaggeration,Minimisation"),
        ("Name_Calling-Labeling", "Name_Calling,Labeling"),
        ("Flag_Waving", "Flag-Waving"),
        ("Appeal_to_Fear-Prejudice", "Appeal_to_fear-prejudice"),
        ("Loaded_Language", "Loaded_Language"),
        ("Appeal_to_Values", None),
        ("Consequential_Oversimplification", None),
        ("Appeal_to_Time", None),
        ("Obfuscation-Vagueness-Confusion", None),
        ("Appeal_to_Hypocrisy", None),
        ("Questioning_the_Reputation", None),
    ],
)
def test_to_ptc14(label, ptc):
    assert to_ptc14(label) == ptc


def test_mappings_are_consistent():
    assert set(SEMEVAL23_TO_PTC14) == set(TECHNIQUES)
    assert {p for p in SEMEVAL23_TO_PTC14.values() if p} == set(PTC14)
    for ptc, targets in PTC14_TO_SEMEVAL23.items():
        assert to_ptc14(ptc) == ptc  # idempotent
        assert all(to_ptc14(t) == ptc for t in targets)
        assert set(targets) == {t for t, p in SEMEVAL23_TO_PTC14.items() if p == ptc}
        assert from_ptc14(ptc) == targets[0]
    assert from_ptc14("Bandwagon,Reductio_ad_hitlerum") == "Guilt_by_Association"
    assert from_ptc14("Thought-terminating_Cliches") == "Conversation_Killer"
    assert colour("Flag-Waving") == colour("Flag_Waving")


def _record() -> dict:
    def tech(label: str, start: int, end: int, score: float) -> dict:
        return {"technique": label, "start": start, "end": end, "text": "x" * (end - start), "score": score,
                "definition": definition(label)}  # fmt: skip

    return {
        "id": "r",
        "techniques": [
            tech("Straw_Man", 0, 5, 0.3),
            tech("Red_Herring", 0, 5, 0.7),
            tech("Appeal_to_Time", 6, 9, 0.9),
            tech("Flag_Waving", 6, 9, 0.2),
        ],
        "paragraphs": [{"line": 1, "start": 0, "end": 9, "techniques": ["Straw_Man", "Appeal_to_Time", "Red_Herring"]}],
    }


def test_relabel_ptc14_maps_drops_and_merges():
    record = _record()
    out = relabel(record, "ptc14")
    assert [(t["technique"], t["start"], t["score"]) for t in out["techniques"]] == [
        ("Whataboutism,Straw_Men,Red_Herring", 0, 0.7),
        ("Flag-Waving", 6, 0.2),
    ]
    assert out["techniques"][1]["definition"] == definition("Flag-Waving")
    assert out["paragraphs"][0]["techniques"] == ["Whataboutism,Straw_Men,Red_Herring"]
    assert record == _record()  # input untouched


def test_relabel_semeval23_is_identity_and_unknown_scheme_fails():
    assert relabel(_record(), "semeval23") == _record()
    with pytest.raises(ConfigError, match=r"\[E505\].*ptc14"):
        relabel(_record(), "ptc20")
