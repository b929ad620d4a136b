"""The official metrics of the persuasion-technique shared tasks, as pure functions on plain Python data.

Spans are tuples `(article_id, technique, start, end)` (e.g. `formats.SpanRecord`) or, for the
technique-agnostic scorer, also `(article_id, start, end)`; offsets are end-exclusive character indices.
Paragraph rows are `(article_id, line, labels)` (e.g. `formats.ParagraphRecord`).

Span metrics (SemEval-2020 Task 11 SI and the technique-aware FLC variant; Da San Martino et al. 2019,
2020). For a predicted span s and a gold span t of the same article (and, technique-aware, the same
technique), with spans seen as sets of character offsets:

    C(s, t, h) = |s ∩ t| / h
    P(S, T) = 1/|S| · Σ_{s∈S} Σ_{t∈T} C(s, t, |s|)
    R(S, T) = 1/|T| · Σ_{t∈T} Σ_{s∈S} C(s, t, |t|)
    F1 = 2·P·R / (P + R)

Conventions copied from the official `task-SI_scorer.py` (`compute_prec_rec_f1`, `merge_spans`):

- gold spans of one article that share at least one character are merged into their union first
  (for SI regardless of technique, technique-aware only within one technique); touching spans such as
  [0,5) and [5,9) share no character and stay apart. Predicted spans are merged the same way, which is
  what the official scorer does with `--merge-user-annotations` (without it, it refuses overlapping
  predictions). |S| and |T| count spans after merging.
- no predictions: P = 0; no gold: R = 0; F1 = 0 unless P > 0 and R > 0; and when there are neither
  predictions nor gold spans F1 = 1.0 (nothing to find, nothing claimed).
- predictions for an article without gold spans count in |S| and add no credit (the official scorer
  would crash on such an article id; treating it as an article without propaganda is the only reading
  that keeps P meaningful).
- per technique, P and R use the spans of that technique only. The official script divides the
  precision numerator by |T_technique| for the per-technique recall; we use the recall numerator, which
  is what the formula above says. The micro figures are unaffected.

The paragraph/document scorers reproduce the SemEval-2023 `scorer-subtask-3.py`: rows are those of the
GOLD file, a gold row missing from the predictions counts as predicted empty, predicted rows absent from
gold are ignored, the labels are binarised over the given label list and scored as sklearn's
`f1_score(average="micro"|"macro", zero_division=1)`; see `multilabel_scores`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import Errors, FormatError
from .labels import SUBTASK3_TECHNIQUES

__all__ = [
    "PRF",
    "MultiLabelScores",
    "SpanScores",
    "document_scores",
    "merge_spans",
    "multilabel_scores",
    "official_prf",
    "paragraph_scores",
    "si_scores",
    "span_scores",
    "tc_scores",
]

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 with their denominators: n_pred = |S| (predicted spans or positive
    labels), n_gold = |T| (gold spans or positive labels)."""

    precision: float
    recall: float
    f1: float
    n_pred: int
    n_gold: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SpanScores:
    """Micro scores over all spans plus one PRF per technique (in label-list order)."""

    micro: PRF
    per_label: dict[str, PRF] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "per_label": {k: v.as_dict() for k, v in self.per_label.items()},
        }


@dataclass(frozen=True, slots=True)
class MultiLabelScores:
    """sklearn-style multi-label scores: micro over all (row, label) cells, macro = unweighted mean over
    the label list of the per-label scores."""

    micro: PRF
    macro_precision: float
    macro_recall: float
    macro_f1: float
    per_label: dict[str, PRF]
    n_rows: int
    zero_division: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "micro": self.micro.as_dict(),
            "macro": {"precision": self.macro_precision, "recall": self.macro_recall, "f1": self.macro_f1},
            "per_label": {k: v.as_dict() for k, v in self.per_label.items()},
            "n_rows": self.n_rows,
            "zero_division": self.zero_division,
        }


# ---------------------------------------------------------------------------------------------- spans


def official_prf(prec_num: float, prec_den: int, rec_num: float, rec_den: int) -> tuple[float, float, float]:
    """(P, R, F1) exactly as the official `compute_prec_rec_f1`: P = 0 without predictions, R = 0 without
    gold, F1 = 1.0 when both are empty, else the harmonic mean when P > 0 and R > 0, else 0."""
    p = prec_num / prec_den if prec_den > 0 else 0.0
    r = rec_num / rec_den if rec_den > 0 else 0.0
    f1 = 0.0
    if prec_den == 0 and rec_den == 0:
        f1 = 1.0
    if p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    return p, r, f1


def merge_spans(spans: Iterable[Interval]) -> list[Interval]:
    """Union of spans that share at least one character, sorted: [(0,10),(5,15),(15,20)] ->
    [(0,15),(15,20)]. Same result as the official recursive `merge_spans` (connected overlaps)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _unpack(rec: Sequence[Any]) -> tuple[str, str | None, int, int]:
    if len(rec) == 4:
        article, technique, start, end = rec
    elif len(rec) == 3:
        article, start, end = rec
        technique = None
    else:
        raise FormatError(
            Errors.E406(source=repr(rec), kind="span", detail="expected (article, [technique,] start, end)")
        )
    start, end = int(start), int(end)
    if not 0 <= start < end:
        detail = f"span {start}:{end} of article {article} is empty, reversed or negative"
        raise FormatError(Errors.E406(source=str(article), kind="span", detail=detail))
    return str(article), technique, start, end


def _group(records: Iterable[Sequence[Any]], by_technique: bool) -> dict[tuple[str, str], list[Interval]]:
    """Merged spans per (article, technique); the technique is "" where it is ignored (SI)."""
    groups: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for rec in records:
        article, technique, start, end = _unpack(rec)
        if by_technique and technique is None:
            detail = f"span {start}:{end} of article {article} has no technique"
            raise FormatError(Errors.E406(source=article, kind="span", detail=detail))
        groups[(article, technique if by_technique and technique is not None else "")].append((start, end))
    return {key: merge_spans(spans) for key, spans in groups.items()}


def _overlap_credit(pred: list[Interval], gold: list[Interval]) -> tuple[float, float]:
    """(Σ_s Σ_t |s∩t|/|s|, Σ_t Σ_s |s∩t|/|t|) for two sorted lists of disjoint spans (a linear sweep)."""
    i = j = 0
    prec = rec = 0.0
    while i < len(pred) and j < len(gold):
        (s0, s1), (t0, t1) = pred[i], gold[j]
        inter = min(s1, t1) - max(s0, t0)
        if inter > 0:
            prec += inter / (s1 - s0)
            rec += inter / (t1 - t0)
        if s1 < t1:
            i += 1
        else:
            j += 1
    return prec, rec


def _label_order(found: Iterable[str], labels: Sequence[str] | None, what: str) -> list[str]:
    found_set = set(found)
    if labels is None:
        return sorted(found_set)
    order = list(dict.fromkeys(labels))
    if unknown := found_set - set(order):
        detail = f"labels not in the label list: {', '.join(sorted(unknown))}"
        raise FormatError(Errors.E406(source=what, kind="labels", detail=detail))
    return order


def si_scores(gold: Iterable[Sequence[Any]], pred: Iterable[Sequence[Any]]) -> PRF:
    """SemEval-2020 Task 11 SI: technique-agnostic partial-overlap P/R/F1 (see the module docstring).

    Example: gold [0,10), predicted [5,15): C = 5/10 both ways, P = R = F1 = 0.5.
    """
    g, p = _group(gold, False), _group(pred, False)
    n_gold = sum(map(len, g.values()))
    n_pred = sum(map(len, p.values()))
    prec_num = rec_num = 0.0
    for key, spans in p.items():
        cp, cr = _overlap_credit(spans, g.get(key, []))
        prec_num += cp
        rec_num += cr
    return PRF(*official_prf(prec_num, n_pred, rec_num, n_gold), n_pred=n_pred, n_gold=n_gold)


def span_scores(
    gold: Iterable[Sequence[Any]], pred: Iterable[Sequence[Any]], labels: Sequence[str] | None = None
) -> SpanScores:
    """Technique-aware span P/R/F1 (SemEval-2020 FLC, SemEval-2023 subtask-3 span variant): the SI formula
    with C counted only between spans of the same technique; overlapping spans merge within a technique.

    `micro` pools all techniques; `per_label` has one PRF per technique: those of `labels` in that order
    (a technique outside the list raises FormatError), or else the sorted techniques seen. A technique with
    neither predictions nor gold spans gets F1 = 1.0, P = R = 0, as in the official script.
    """
    g, p = _group(gold, True), _group(pred, True)
    order = _label_order({k[1] for k in g} | {k[1] for k in p}, labels, "spans")
    num_p: defaultdict[str, float] = defaultdict(float)
    num_r: defaultdict[str, float] = defaultdict(float)
    den_p: Counter[str] = Counter()
    den_g: Counter[str] = Counter()
    for (_, tech), spans in g.items():
        den_g[tech] += len(spans)
    for key, spans in p.items():
        tech = key[1]
        den_p[tech] += len(spans)
        cp, cr = _overlap_credit(spans, g.get(key, []))
        num_p[tech] += cp
        num_r[tech] += cr
    per_label = {
        t: PRF(*official_prf(num_p[t], den_p[t], num_r[t], den_g[t]), n_pred=den_p[t], n_gold=den_g[t]) for t in order
    }
    n_pred, n_gold = sum(den_p.values()), sum(den_g.values())
    micro = PRF(*official_prf(sum(num_p.values()), n_pred, sum(num_r.values()), n_gold), n_pred, n_gold)
    return SpanScores(micro, per_label)


# ---------------------------------------------------------------------------------------------- TC


def _ratio(num: float, den: float, zero_division: float) -> float:
    return num / den if den else zero_division


def tc_scores(
    gold: Iterable[Sequence[Any]], pred: Iterable[Sequence[Any]], labels: Sequence[str] | None = None
) -> SpanScores:
    """SemEval-2020 Task 11 TC: classify given spans; micro and per-technique P/R/F1.

    A prediction matches a gold span with the same (article, start, end) and technique. Where several gold
    spans share the same offsets, labels are paired to maximise matches (the official `align_annotations`),
    i.e. tp = Σ over offsets of the multiset intersection of gold and predicted labels. Then
    P = tp / |pred|, R = tp / |gold|, F1 = 2·tp / (|pred| + |gold|): when every gold span gets exactly one
    prediction this is the official micro-F1 = accuracy. The official scorer refuses a submission whose
    spans differ from gold; here extra predictions only lower P and missing ones only lower R. Per technique
    the same counts are restricted to one label, with 0 for an empty denominator (sklearn's default).
    """
    g_by: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    p_by: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    for records, into in ((gold, g_by), (pred, p_by)):
        for rec in records:
            article, technique, start, end = _unpack(rec)
            if technique is None:
                detail = f"span {start}:{end} of article {article} has no technique"
                raise FormatError(Errors.E406(source=article, kind="span", detail=detail))
            into[(article, start, end)][technique] += 1
    n_gold: Counter[str] = sum(g_by.values(), Counter())
    n_pred: Counter[str] = sum(p_by.values(), Counter())
    tp: Counter[str] = Counter()
    for key, pc in p_by.items():
        tp.update(pc & g_by.get(key, Counter()))
    order = _label_order(set(n_gold) | set(n_pred), labels, "tc")
    per_label = {}
    for t in order:
        den = n_pred[t] + n_gold[t]
        per_label[t] = PRF(
            _ratio(tp[t], n_pred[t], 0.0),
            _ratio(tp[t], n_gold[t], 0.0),
            _ratio(2 * tp[t], den, 0.0),
            n_pred[t],
            n_gold[t],
        )
    tot_tp, tot_p, tot_g = sum(tp.values()), sum(n_pred.values()), sum(n_gold.values())
    micro = PRF(
        _ratio(tot_tp, tot_p, 0.0),
        _ratio(tot_tp, tot_g, 0.0),
        _ratio(2 * tot_tp, tot_p + tot_g, 0.0),
        tot_p,
        tot_g,
    )
    return SpanScores(micro, per_label)


# ---------------------------------------------------------------------------------------------- multi-label


def multilabel_scores(
    gold: Mapping[Hashable, Iterable[str]],
    pred: Mapping[Hashable, Iterable[str]],
    labels: Sequence[str] | None = None,
    *,
    zero_division: float = 1.0,
) -> MultiLabelScores:
    """Multi-label micro/macro P/R/F1 over the rows of `gold`, as sklearn's `f1_score` on binarised rows.

    For each label l: tp, fp, fn counted over the gold rows; P_l = tp/(tp+fp), R_l = tp/(tp+fn),
    F1_l = 2tp/(2tp+fp+fn), each `zero_division` when its denominator is 0. Micro pools tp/fp/fn over all
    labels; macro is the unweighted mean of the per-label values over the label list.

    `zero_division` defaults to 1.0 because the official SemEval-2023 scorer calls
    `f1_score(..., zero_division=1)`: a label that occurs neither in gold nor in the predictions then counts
    as a perfect 1.0 in the macro average (sklearn's own default, 0.0, would count it as a failure). Pass
    0.0 for the sklearn default. A label predicted but never gold gets F1 = 0 either way.

    Predicted rows absent from gold are ignored; gold rows absent from `pred` count as empty predictions.
    Without `labels` the label list is the sorted union of the labels seen; with it, a label outside the
    list raises FormatError (the official scorer rejects such files too).
    """
    rows = list(gold)
    gold_sets = {k: set(gold[k]) for k in rows}
    pred_sets = {k: set(pred.get(k, ())) for k in rows}
    seen = set().union(*gold_sets.values(), *pred_sets.values()) if rows else set()
    order = _label_order(seen, labels, "multi-label rows")
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for k in rows:
        g, p = gold_sets[k], pred_sets[k]
        tp.update(g & p)
        fp.update(p - g)
        fn.update(g - p)
    zd = float(zero_division)
    per_label = {
        lab: PRF(
            _ratio(tp[lab], tp[lab] + fp[lab], zd),
            _ratio(tp[lab], tp[lab] + fn[lab], zd),
            _ratio(2 * tp[lab], 2 * tp[lab] + fp[lab] + fn[lab], zd),
            tp[lab] + fp[lab],
            tp[lab] + fn[lab],
        )
        for lab in order
    }
    t, f_p, f_n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    micro = PRF(_ratio(t, t + f_p, zd), _ratio(t, t + f_n, zd), _ratio(2 * t, 2 * t + f_p + f_n, zd), t + f_p, t + f_n)
    n = len(order)
    macro = [
        sum(getattr(s, attr) for s in per_label.values()) / n if n else zd for attr in ("precision", "recall", "f1")
    ]
    return MultiLabelScores(micro, macro[0], macro[1], macro[2], per_label, len(rows), zd)


def _rows_to_map(rows: Iterable[Sequence[Any]]) -> dict[tuple[str, int], set[str]]:
    out: dict[tuple[str, int], set[str]] = {}
    for rec in rows:
        article, line, names = rec[0], rec[1], rec[2] if len(rec) > 2 else ()
        if isinstance(names, str):
            names = [n for n in names.split(",") if n]
        out.setdefault((str(article), int(line)), set()).update(names)
    return out


def paragraph_scores(
    gold: Iterable[Sequence[Any]],
    pred: Iterable[Sequence[Any]],
    labels: Sequence[str] | None = None,
    *,
    zero_division: float = 1.0,
) -> MultiLabelScores:
    """SemEval-2023 Task 3 subtask 3 (paragraph level): micro/macro F1 of `(article, line, labels)` rows.

    Rows are keyed by (article id, int line); a repeated key pools its labels. `labels` defaults to the 23
    subtask-3 techniques, so macro-F1 averages over all 23 (those absent from gold and predictions count
    `zero_division`, 1.0 as in the official scorer). See `multilabel_scores` for the formulas.
    """
    order = list(SUBTASK3_TECHNIQUES) if labels is None else labels
    return multilabel_scores(_rows_to_map(gold), _rows_to_map(pred), order, zero_division=zero_division)


def document_scores(
    gold: Mapping[str, Iterable[str]] | Iterable[tuple[str, Iterable[str]]],
    pred: Mapping[str, Iterable[str]] | Iterable[tuple[str, Iterable[str]]],
    labels: Sequence[str] | None = None,
    *,
    zero_division: float = 1.0,
) -> MultiLabelScores:
    """Document-level multi-label micro/macro F1 (frames, genre): `{doc_id: labels}` or `(doc_id, labels)`
    pairs. For single-label tasks such as genre, micro-F1 equals accuracy when every document gets one
    prediction. Same conventions as `multilabel_scores`."""

    def as_map(x: Any) -> dict[str, set[str]]:
        items = x.items() if isinstance(x, Mapping) else x
        out: dict[str, set[str]] = {}
        for doc, names in items:
            out.setdefault(str(doc), set()).update([names] if isinstance(names, str) else names)
        return out

    return multilabel_scores(as_map(gold), as_map(pred), labels, zero_division=zero_division)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- roles


@dataclass(frozen=True, slots=True)
class RoleScores:
    """SemEval-2025 Task 10 subtask 1 measures over the gold mentions: exact match ratio of the fine-role set
    (the main ranking), micro P/R/F1 over (mention, fine role) pairs, and accuracy of the main role. A gold
    mention without a prediction counts as wrong."""

    n: int
    exact_match_ratio: float
    fine: PRF
    main_accuracy: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "exact_match_ratio": self.exact_match_ratio,
            "fine": self.fine.as_dict(),
            "main_accuracy": self.main_accuracy,
        }


def role_scores(gold: Sequence[Any], pred: Sequence[Any]) -> RoleScores:
    """Scores of `pred` rows against `gold` rows (`formats.RoleRecord`), mentions matched by article and
    offsets; predicted mentions that are not gold ones are ignored, as in the official scorer."""
    by_key = {(r.article_id, r.start, r.end): r for r in pred}
    exact = main = tp = n_pred = n_gold = 0
    for g in gold:
        p = by_key.get((g.article_id, g.start, g.end))
        want, got = set(g.fine_roles), set(p.fine_roles) if p else set()
        exact += want == got
        main += p is not None and p.main_role == g.main_role
        tp += len(want & got)
        n_pred += len(got)
        n_gold += len(want)
    n = len(gold)
    return RoleScores(
        n,
        exact / n if n else 0.0,
        PRF(*official_prf(tp, n_pred, tp, n_gold), n_pred=n_pred, n_gold=n_gold),
        main / n if n else 0.0,
    )


def role_scores_by_language(gold: Sequence[Any], pred: Sequence[Any]) -> dict[str, RoleScores]:
    """`role_scores` over all rows ("all") and per language, read from the article id ("EN_UA_1.txt" -> en)."""

    def lang(row: Any) -> str:
        return row.article_id.partition("_")[0].lower() if "_" in row.article_id else "?"

    langs = sorted({lang(g) for g in gold})
    out = {"all": role_scores(gold, pred)}
    out.update({code: role_scores([g for g in gold if lang(g) == code], pred) for code in langs})
    return out
