"""SemEval span and paragraph writers."""

from __future__ import annotations

import pytest

from spinscope.data import Document
from spinscope.writers.semeval import article_id

SPANS = (
    "42\tName_Calling-Labeling\t25\t56\n"
    "42\tLoaded_Language\t42\t56\n"
    "42\tAppeal_to_Popularity\t71\t96\n"
    "42\tAppeal_to_Fear-Prejudice\t90\t119\n"
    "42\tAppeal_to_Time\t120\t128\n"
)


def test_spans_lines_are_exact(write, article):
    assert write("semeval-spans", [article]) == SPANS


def test_spans_ptc14_maps_and_drops(write, article, ptc14):
    assert write("semeval-spans", [article], ptc14) == (
        "42\tName_Calling,Labeling\t25\t56\n"
        "42\tLoaded_Language\t42\t56\n"
        "42\tBandwagon,Reductio_ad_hitlerum\t71\t96\n"
        "42\tAppeal_to_fear-prejudice\t90\t119\n"
    )


def test_ptc14_merges_spans_that_become_identical(write, ptc14):
    doc = Document(id="7", text="They say we want open borders. What about their scandal?")
    doc.add_span("techniques", 0, 30, "Straw_Man", score=0.4)
    doc.add_span("techniques", 0, 30, "Red_Herring", score=0.6)
    doc.add_span("techniques", 31, 56, "Whataboutism")
    assert write("semeval-spans", [doc], ptc14) == (
        "7\tWhataboutism,Straw_Men,Red_Herring\t0\t30\n7\tWhataboutism,Straw_Men,Red_Herring\t31\t56\n"
    )


def test_paragraphs_derived_from_lines_when_component_did_not_run(write, article):
    # every non-empty line, 1-based; the crossing spans both land on line 4
    assert write("semeval-paragraphs", [article]) == (
        "42\t1\t\n"
        "42\t3\tLoaded_Language,Name_Calling-Labeling\n"
        "42\t4\tAppeal_to_Fear-Prejudice,Appeal_to_Popularity,Appeal_to_Time\n"
        "42\t5\t\n"
    )


def test_paragraphs_from_component_rows(write, rich_doc):
    assert write("semeval-paragraphs", [rich_doc]) == "42\t3\tLoaded_Language,Name_Calling-Labeling\n"


def test_paragraphs_ptc14(write, article, ptc14):
    out = write("semeval-paragraphs", [article], ptc14).splitlines()
    assert out[2] == "42\t4\tAppeal_to_fear-prejudice,Bandwagon,Reductio_ad_hitlerum"


def test_paragraph_spanning_two_lines_counts_for_both(write):
    doc = Document(id="9", text="First line here\nSecond line\r\n\r\nFourth")
    doc.add_span("techniques", 6, 22, "Repetition")  # "line here\nSecond"
    assert write("semeval-paragraphs", [doc]) == "9\t1\tRepetition\n9\t2\tRepetition\n9\t4\t\n"


def test_bare_document_writes_no_spans(write, bare):
    assert write("semeval-spans", [bare]) == ""
    assert write("semeval-paragraphs", [bare]) == "plain-1\t1\t\nplain-1\t2\t\n"


@pytest.mark.parametrize(
    ("doc_id", "expected"),
    [
        ("article111.txt", "111"),
        ("article111", "111"),
        ("111", "111"),
        ("my\tdoc", "my doc"),
        ("articleX", "articleX"),
    ],
)
def test_article_id(doc_id, expected):
    assert article_id(doc_id) == expected


def test_frames_and_genre_lines(write, rich_doc):
    assert write("semeval-frames", [rich_doc]) == "42\tEconomic\n"
    assert write("semeval-genre", [rich_doc]) == "42\topinion\n"
    bare = Document(id="article7.txt", text="No heads ran on this one.")
    assert write("semeval-frames", [bare]) == "7\t\n"  # heads off: an empty label column
    assert write("semeval-genre", [bare]) == "7\t\n"
