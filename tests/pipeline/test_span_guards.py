"""Span guards: no function-word or one-word phrase-level spans; loaded designations always tagged."""

from __future__ import annotations

import pytest

from spinscope.data import Document
from spinscope.pipeline.span_guards import DESIGNATION_SCORE, guard, implausible


@pytest.mark.parametrize(
    ("technique", "text", "language", "covered", "dropped"),
    [
        ("Name_Calling-Labeling", "nicht", "de", False, True),
        ("Loaded_Language", "in der", "de", False, True),
        ("Loaded_Language", "не", "ru", False, True),
        ("Doubt", "Autobahnen", "de", True, True),  # one word of a phrase-level technique, on another span
        ("Causal_Oversimplification", "المناخية", "ar", True, True),
        ("Doubt", "Autobahnen", "de", False, False),  # alone it stays (SI F1 counts it)
        ("Loaded_Language", "Lügenpresse", "de", True, False),  # word-level techniques may be one word
        ("Name_Calling-Labeling", "traitors", "en", False, False),
        ("Doubt", "Wer weiß das schon", "de", False, False),  # a longer run of function words can be a question
        ("Doubt", "the so-called experts", "en", True, False),
    ],
)
def test_implausible_spans(technique: str, text: str, language: str, covered: bool, dropped: bool) -> None:
    assert implausible(technique, text, language, covered) is dropped


def test_a_one_word_phrase_level_span_goes_only_where_another_span_covers_it() -> None:
    doc = Document("d", "Die Autobahnen und die Schlupflöcher.", language="de")
    spans = [("Doubt", 4, 14, 0.4), ("Doubt", 23, 36, 0.4), ("Loaded_Language", 23, 36, 0.7)]
    assert guard(doc, spans) == [("Doubt", 4, 14, 0.4), ("Loaded_Language", 23, 36, 0.7)]


@pytest.mark.parametrize(
    ("language", "text", "designation"),
    [
        ("de", "Die Kiewer Junta lügt, sagt er.", "Kiewer Junta"),
        ("es", "El régimen de Kiev no cumple.", "régimen de Kiev"),
        ("ru", "Представители киевского режима молчат.", "киевского режима"),
        ("pl", "Reżim kijowski kłamie.", "Reżim kijowski"),
        ("en", "The Kiev regime lies again.", "Kiev regime"),
        ("ar", "قال إن نظام كييف يكذب.", "نظام كييف"),
    ],
)
def test_designations_are_tagged_in_every_language(language: str, text: str, designation: str) -> None:
    doc = Document("d", text, language=language)
    spans = guard(doc, [])
    start = text.index(designation)
    assert spans == [("Name_Calling-Labeling", start, start + len(designation), DESIGNATION_SCORE)]


def test_a_designation_the_model_already_tagged_is_not_added_twice() -> None:
    text = " date 2022-07\nThe Kiev regime lies. The Kiev regime again."
    doc = Document("d", text, language="en", meta={"header_end": 14})
    first = text.index("Kiev regime")
    spans = guard(doc, [("Name_Calling-Labeling", first - 4, first + 11, 0.8)])
    assert [s for s in spans if s[0] == "Name_Calling-Labeling"] == [
        ("Name_Calling-Labeling", first - 4, first + 11, 0.8),
        ("Name_Calling-Labeling", text.rindex("Kiev regime"), text.rindex("Kiev regime") + 11, DESIGNATION_SCORE),
    ]


def test_a_loaded_designation_is_shown_whatever_its_techniques_display_cut() -> None:
    from spinscope.api import analyze
    from spinscope.config import load_settings
    from spinscope.writers.record import to_record

    text = "Die Kiewer Junta hat wieder gelogen, und niemand in Berlin will es hören."
    record = to_record(analyze(text, settings=load_settings(env={})))
    named = [
        t for t in record["techniques"] if "Kiewer Junta" in t["text"] and t["technique"] == "Name_Calling-Labeling"
    ]
    assert named and all(t["shown"] for t in named)
    everything = to_record(
        analyze(text, settings=load_settings(env={}, overrides=["components.techniques.display_precision=0"]))
    )
    assert all(t["shown"] for t in everything["techniques"])
    assert [t["start"] for t in everything["techniques"]] == [t["start"] for t in record["techniques"]]
