"""Hand-made cases for the official formulas; each expected value is worked out in the comment beside it."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.errors import FormatError
from spinscope.eval.scorers import (
    document_scores,
    merge_spans,
    multilabel_scores,
    official_prf,
    paragraph_scores,
    si_scores,
    span_scores,
    tc_scores,
)


def approx(x: float) -> object:
    return pytest.approx(x, abs=1e-12)


# ------------------------------------------------------------------------------------------------ merging


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        ([], []),
        ([(0, 10), (5, 15)], [(0, 15)]),  # share 5..9
        ([(0, 5), (5, 9)], [(0, 5), (5, 9)]),  # touch but share no character
        ([(0, 20), (3, 4), (25, 30)], [(0, 20), (25, 30)]),  # nested
        ([(10, 12), (0, 3), (2, 11)], [(0, 12)]),  # unsorted chain
        ([(0, 4), (0, 4)], [(0, 4)]),  # duplicates
    ],
)
def test_merge_spans_joins_spans_sharing_a_character(spans, merged):
    assert merge_spans(spans) == merged


def test_official_prf_conventions():
    assert official_prf(0, 0, 0, 0) == (0.0, 0.0, 1.0)  # neither predictions nor gold: F1 = 1
    assert official_prf(0, 0, 0, 3) == (0.0, 0.0, 0.0)  # no predictions: P = 0
    assert official_prf(0, 2, 0, 0) == (0.0, 0.0, 0.0)  # no gold: R = 0


# ------------------------------------------------------------------------------------------------ SI


def test_si_half_overlap():
    # gold [0,10), pred [5,15): |s∩t| = 5, C = 5/10 both ways -> P = R = F1 = 0.5
    s = si_scores([("a", 0, 10)], [("a", 5, 15)])
    assert (s.precision, s.recall, s.f1) == (approx(0.5), approx(0.5), approx(0.5))
    assert (s.n_pred, s.n_gold) == (1, 1)


def test_si_merges_nested_gold_spans_of_any_technique():
    # gold X[0,10) and Y[5,20) overlap -> one gold span [0,20), |T| = 1
    # pred [0,10): P = 10/10 = 1, R = 10/20 = 0.5, F1 = 2*1*0.5/1.5 = 2/3
    s = si_scores([("a", "X", 0, 10), ("a", "Y", 5, 20)], [("a", "Z", 0, 10)])
    assert (s.precision, s.recall, s.f1) == (approx(1.0), approx(0.5), approx(2 / 3))
    assert s.n_gold == 1


def test_si_touching_gold_spans_stay_apart():
    # gold [0,5) and [5,10) are two spans; pred [0,10) covers both:
    # P = (5/10 + 5/10)/1 = 1, R = (5/5 + 5/5)/2 = 1
    s = si_scores([("a", 0, 5), ("a", 5, 10)], [("a", 0, 10)])
    assert (s.precision, s.recall, s.n_gold) == (approx(1.0), approx(1.0), 2)


def test_si_merges_overlapping_predictions():
    # pred [0,6) and [4,10) merge to [0,10) (|S| = 1) -> identical to gold
    s = si_scores([("a", 0, 10)], [("a", 0, 6), ("a", 4, 10)])
    assert (s.precision, s.recall, s.f1, s.n_pred) == (approx(1.0), approx(1.0), approx(1.0), 1)


def test_si_two_articles_and_a_miss():
    # a: gold [0,10),[20,30); pred [0,10),[40,50) -> P = (1+0)/2, R = (1+0)/2
    # b: gold [0,4); no prediction -> |T| = 3, R = 1/3; pred in c (no gold) -> |S| = 3, P = 1/3
    gold = [("a", 0, 10), ("a", 20, 30), ("b", 0, 4)]
    pred = [("a", 0, 10), ("a", 40, 50), ("c", 0, 9)]
    s = si_scores(gold, pred)
    assert (s.precision, s.recall, s.f1) == (approx(1 / 3), approx(1 / 3), approx(1 / 3))


def test_si_spans_only_match_within_their_article():
    s = si_scores([("a", 0, 10)], [("b", 0, 10)])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([("a", 0, 10)], [], (0.0, 0.0, 0.0)),  # no predictions: P = 0 by convention
        ([], [("a", 0, 10)], (0.0, 0.0, 0.0)),  # empty gold: R = 0
        ([], [], (0.0, 0.0, 1.0)),  # nothing to find, nothing claimed: F1 = 1 (official)
    ],
)
def test_si_edge_cases(gold, pred, expected):
    s = si_scores(gold, pred)
    assert (s.precision, s.recall, s.f1) == expected


def test_si_rejects_empty_span():
    with pytest.raises(FormatError):
        si_scores([("a", 5, 5)], [])


# ------------------------------------------------------------------------------------------- technique-aware


def test_label_mismatch_gives_zero_technique_aware_but_full_si():
    gold, pred = [("a", "Doubt", 0, 10)], [("a", "Slogans", 0, 10)]
    aware = span_scores(gold, pred)
    assert (aware.micro.precision, aware.micro.recall, aware.micro.f1) == (0.0, 0.0, 0.0)
    assert si_scores(gold, pred).f1 == approx(1.0)


def test_span_scores_micro_and_per_technique():
    # X: gold [0,10), pred [5,15) -> P_X = R_X = 0.5; Y: exact -> 1
    # micro: P = (0.5 + 1)/2 = 0.75, R = 0.75
    gold = [("a", "X", 0, 10), ("a", "Y", 20, 30)]
    pred = [("a", "X", 5, 15), ("a", "Y", 20, 30)]
    s = span_scores(gold, pred)
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(0.75), approx(0.75), approx(0.75))
    assert s.per_label["X"].f1 == approx(0.5)
    assert s.per_label["Y"].f1 == approx(1.0)


def test_overlapping_spans_of_different_techniques_are_not_merged():
    # gold X[0,10), Y[5,15) stay two spans; pred X[0,10) -> P = 1/1, R = 1/2, F1 = 2/3
    s = span_scores([("a", "X", 0, 10), ("a", "Y", 5, 15)], [("a", "X", 0, 10)])
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(1.0), approx(0.5), approx(2 / 3))
    assert (s.per_label["Y"].precision, s.per_label["Y"].recall, s.per_label["Y"].f1) == (0.0, 0.0, 0.0)


def test_per_technique_recall_uses_recall_credit():
    # gold X[0,20), pred X[0,10): P_X = 10/10 = 1, R_X = 10/20 = 0.5 (the official script would print R = 1)
    s = span_scores([("a", "X", 0, 20)], [("a", "X", 0, 10)])
    assert (s.per_label["X"].precision, s.per_label["X"].recall) == (approx(1.0), approx(0.5))


def test_span_scores_label_list_order_absent_and_unknown():
    s = span_scores([("a", "X", 0, 10)], [("a", "X", 0, 10)], labels=["Z", "X"])
    assert list(s.per_label) == ["Z", "X"]
    z = s.per_label["Z"]
    assert (z.precision, z.recall, z.f1, z.n_pred, z.n_gold) == (0.0, 0.0, 1.0, 0, 0)  # official convention
    with pytest.raises(FormatError, match="Q"):
        span_scores([("a", "Q", 0, 10)], [], labels=["X"])


def test_span_scores_needs_techniques():
    with pytest.raises(FormatError):
        span_scores([("a", 0, 10)], [])


# ------------------------------------------------------------------------------------------------ TC


def test_tc_micro_is_accuracy_and_per_technique():
    # 3 gold spans, 3 predictions on the same offsets, 2 right -> micro P = R = F1 = accuracy = 2/3
    # X: tp 2, predicted 3, gold 2 -> P = 2/3, R = 1, F1 = 2*2/(3+2) = 0.8; Y: tp 0 -> 0
    gold = [("a", "X", 0, 10), ("a", "Y", 20, 30), ("b", "X", 0, 5)]
    pred = [("a", "X", 0, 10), ("a", "X", 20, 30), ("b", "X", 0, 5)]
    s = tc_scores(gold, pred)
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    x, y = s.per_label["X"], s.per_label["Y"]
    assert (x.precision, x.recall, x.f1) == (approx(2 / 3), approx(1.0), approx(0.8))
    assert (y.precision, y.recall, y.f1) == (0.0, 0.0, 0.0)


def test_tc_aligns_labels_of_identical_spans():
    # two gold spans with the same offsets: the order of the predictions must not matter
    gold = [("a", "X", 0, 10), ("a", "Y", 0, 10)]
    pred = [("a", "Y", 0, 10), ("a", "X", 0, 10)]
    assert tc_scores(gold, pred).micro.f1 == approx(1.0)


def test_tc_extra_and_missing_predictions():
    # gold 2 spans; pred: one right, one on offsets not in gold -> P = 1/2, R = 1/2
    gold = [("a", "X", 0, 10), ("a", "X", 20, 30)]
    pred = [("a", "X", 0, 10), ("a", "X", 40, 50)]
    s = tc_scores(gold, pred)
    assert (s.micro.precision, s.micro.recall) == (approx(0.5), approx(0.5))
    # only the first predicted -> P = 1, R = 1/2, F1 = 2/3
    s = tc_scores(gold, pred[:1])
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(1.0), approx(0.5), approx(2 / 3))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABC"), st.sampled_from("ABC")), min_size=1, max_size=30))
def test_tc_matches_sklearn_on_aligned_spans(pairs):
    metrics = pytest.importorskip("sklearn.metrics")
    gold = [("a", g, 10 * i, 10 * i + 5) for i, (g, _) in enumerate(pairs)]
    pred = [("a", p, 10 * i, 10 * i + 5) for i, (_, p) in enumerate(pairs)]
    s = tc_scores(gold, pred, labels=["A", "B", "C"])
    ys, ps = [g for g, _ in pairs], [p for _, p in pairs]
    assert s.micro.f1 == approx(metrics.f1_score(ys, ps, average="micro"))
    per = metrics.f1_score(ys, ps, average=None, labels=["A", "B", "C"], zero_division=0)
    assert [s.per_label[k].f1 for k in "ABC"] == [approx(v) for v in per]


# ------------------------------------------------------------------------------------------------ paragraphs


GOLD3 = [("1", 1, ["A"]), ("1", 2, ["A", "B"]), ("1", 3, [])]
PRED3 = [("1", 1, ["A"]), ("1", 2, ["B", "C"]), ("1", 3, ["C"]), ("9", 1, ["A"])]  # row 9:1 is not in gold


def test_paragraph_three_rows_micro_macro():
    # A: tp 1, fp 0, fn 1 -> F1 = 2/(2+1) = 2/3;  B: tp 1 -> 1;  C: tp 0, fp 2 -> 0
    # micro: tp 2, fp 2, fn 1 -> P = 1/2, R = 2/3, F1 = 4/7;  macro = (2/3 + 1 + 0)/3 = 5/9
    s = paragraph_scores(GOLD3, PRED3, labels=["A", "B", "C"])
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(0.5), approx(2 / 3), approx(4 / 7))
    assert s.macro_f1 == approx(5 / 9)
    assert s.per_label["C"].recall == 1.0  # 0/0 -> zero_division 1, as the official scorer
    assert s.n_rows == 3


def test_paragraph_label_absent_everywhere_counts_zero_division():
    # D never occurs: official zero_division=1 -> (2/3 + 1 + 0 + 1)/4 = 2/3; sklearn default 0 -> (5/3)/4
    labels = ["A", "B", "C", "D"]
    assert paragraph_scores(GOLD3, PRED3, labels=labels).macro_f1 == approx(2 / 3)
    assert paragraph_scores(GOLD3, PRED3, labels=labels, zero_division=0).macro_f1 == approx(5 / 12)


def test_paragraph_gold_row_missing_from_predictions_is_empty():
    # only row 1 predicted: A tp 1, fn 1 (row 2); B fn 1 -> micro P = 1, R = 1/3, F1 = 2/(2+0+2) = 1/2
    s = paragraph_scores(GOLD3, PRED3[:1], labels=["A", "B", "C"])
    assert (s.micro.precision, s.micro.recall, s.micro.f1) == (approx(1.0), approx(1 / 3), approx(0.5))


def test_paragraph_default_labels_are_the_23_techniques():
    s = paragraph_scores([("1", 1, ["Doubt"])], [("1", 1, ["Doubt"])])
    assert len(s.per_label) == 23
    assert s.micro.f1 == 1.0
    with pytest.raises(FormatError, match="Nonsense"):
        paragraph_scores([("1", 1, ["Doubt"])], [("1", 1, ["Nonsense"])])


def test_paragraph_line_ids_compare_as_integers():
    assert paragraph_scores([("1", "03", ["Doubt"])], [("1", 3, ["Doubt"])]).micro.f1 == 1.0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sets(st.sampled_from("ABCD")), st.sets(st.sampled_from("ABCD"))), min_size=1, max_size=12),
    st.sampled_from([0.0, 1.0]),
)
def test_multilabel_matches_sklearn(rows, zd):
    metrics = pytest.importorskip("sklearn.metrics")
    import numpy as np

    labels = ["A", "B", "C", "D", "E"]  # E never occurs
    gold = {i: g for i, (g, _) in enumerate(rows)}
    pred = {i: p for i, (_, p) in enumerate(rows)}
    y = np.array([[lab in g for lab in labels] for g, _ in rows], dtype=int)
    p = np.array([[lab in q for lab in labels] for _, q in rows], dtype=int)
    s = multilabel_scores(gold, pred, labels, zero_division=zd)
    for avg, got in (("micro", s.micro.f1), ("macro", s.macro_f1)):
        want = metrics.f1_score(y, p, average=avg, zero_division=zd)
        assert math.isclose(got, want, abs_tol=1e-12), (avg, got, want)
    want_p = metrics.precision_score(y, p, average="macro", zero_division=zd)
    assert math.isclose(s.macro_precision, want_p, abs_tol=1e-12)


def test_document_scores_genre_is_accuracy():
    # 3 documents, 2 right -> micro-F1 = accuracy = 2/3; opinion: tp 1 fp 1 fn 0 -> F1 = 2/3,
    # reporting: tp 1 -> 1, satire: fn 1 -> 0; macro = (2/3 + 1 + 0)/3 = 5/9
    gold = {"d1": "opinion", "d2": "reporting", "d3": "satire"}
    pred = [("d1", ["opinion"]), ("d2", ["reporting"]), ("d3", ["opinion"])]
    s = document_scores(gold, pred, ["opinion", "reporting", "satire"])
    assert s.micro.f1 == approx(2 / 3)
    assert s.macro_f1 == approx(5 / 9)
