"""Helpers the writers share: records in the configured label scheme, span segments, technique summaries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..data import Document
from ..labels import PTC14, TECHNIQUES, relabel
from .record import to_record

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # embeddings, overrides, isolates
_SHOWN_BIDI = {ord(c): f"[U+{ord(c):04X}]" for c in BIDI_CONTROLS}


def neutral(text: str) -> str:
    """`text` for display in a title, name or label: each bidi embedding, override or isolate control shown as
    `[U+202E]`, so a name cannot reverse what follows it ("gpj.exe" dressed as "exe.jpg"); the record keeps the
    text as it was. Article text is never passed through this (its offsets must stay the input's)."""
    return text.translate(_SHOWN_BIDI)


def shown(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The technique spans a report shows: those at their display cut (`shown`; a record of before has none
    marked, and shows every span)."""
    return [t for t in record.get("techniques", []) if t.get("shown", True)]


def hidden_note(record: Mapping[str, Any]) -> str | None:
    """ "N spans below their display cut are not shown ..." or None."""
    n = len(record.get("techniques", [])) - len(shown(record))
    if not n:
        return None
    return (
        f"{n} more span{'s' if n > 1 else ''} below {'their' if n > 1 else 'its'} display cut (right less than half "
        'the time on held-out articles) not shown; the JSON output lists them with "shown": false.'
    )


def label_scheme(settings: Mapping[str, Any]) -> str:
    """`components.techniques.labels` ("semeval23" unless set), the scheme every writer reports in."""
    techniques = settings.get("components", {}).get("techniques", {}) or {}
    return str(techniques.get("labels", "semeval23"))


def records(docs: Iterable[Document], settings: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """`to_record` of each document, relabelled once here so that every format shows the same labels."""
    scheme = label_scheme(settings)
    for doc in docs:
        yield relabel(to_record(doc), scheme)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text [start, end) covered by the same spans throughout.

    `covers` holds indexes into the span list, innermost (shortest, then latest-starting) first, so a
    renderer that can show only one colour shows the most specific technique.
    """

    start: int
    end: int
    covers: tuple[int, ...]


def segments(text_length: int, spans: Sequence[Mapping[str, Any]]) -> list[Segment]:
    """Cut [0, text_length) at every span boundary into non-overlapping segments.

    Nested and crossing spans both come out right because coverage is constant between two consecutive
    boundaries. Empty spans (start == end) cover nothing and are left out. The segments tile the text with
    no gaps, so joining their slices gives back the text exactly.
    """
    bounds = {0, text_length}
    for span in spans:
        if span["start"] < span["end"]:
            bounds.update((span["start"], span["end"]))
    cuts = sorted(b for b in bounds if 0 <= b <= text_length)
    starts: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        if span["start"] < span["end"]:
            starts.setdefault(span["start"], []).append(i)
    active: set[int] = set()
    out: list[Segment] = []
    for a, b in pairwise(cuts):
        active = {i for i in active if spans[i]["end"] > a}
        active.update(starts.get(a, ()))
        ordered = sorted(active, key=lambda i: (spans[i]["end"] - spans[i]["start"], -spans[i]["start"], i))
        out.append(Segment(a, b, tuple(ordered)))
    return out


@dataclass(frozen=True, slots=True)
class TechniqueSummary:
    technique: str
    count: int
    max_score: float


def _catalogue_rank(label: str) -> tuple[int, str]:
    if label in TECHNIQUES:
        return TECHNIQUES.index(label), label
    if label in PTC14:
        return len(TECHNIQUES) + PTC14.index(label), label
    return len(TECHNIQUES) + len(PTC14), label


def summarise(techniques: Iterable[Mapping[str, Any]]) -> list[TechniqueSummary]:
    """Count and best score per technique, most frequent first (ties in catalogue order)."""
    counts: dict[str, int] = {}
    best: dict[str, float] = {}
    for item in techniques:
        label = item["technique"]
        counts[label] = counts.get(label, 0) + 1
        best[label] = max(best.get(label, float("-inf")), float(item["score"]))
    order = sorted(counts, key=lambda label: (-counts[label], _catalogue_rank(label)))
    return [TechniqueSummary(label, counts[label], best[label]) for label in order]
