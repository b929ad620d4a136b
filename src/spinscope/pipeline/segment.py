"""Paragraphs (lines, numbered as SemEval numbers them) and sentences, both with verbatim offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..data import Document, Span
from ..registry import components
from ..text import paragraph_bounds
from .base import Component, Field

# Words after which a full stop does not end a sentence (lower-cased, without the stop), per language.
_ABBREVIATIONS = {
    "en": "mr mrs ms dr prof sr jr st vs etc e.g i.e u.s u.k no gen col lt sgt rep sen gov jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc ltd co corp fig approx",
    "fr": "m mm mme mlle dr pr st etc cf p ex av apr env n° janv févr avr juil sept oct nov déc",
    "de": "hr fr dr prof z.b u.a bzw ca vgl etc nr s usw d.h evtl ggf inkl jan feb okt nov dez",
    "it": "sig sigg dott prof ing avv on sen ecc es pag n cfr",
    "pl": "p dr prof inż mgr im ul tzw np itd itp tj ok godz r w ds nr pt ks",
    "ru": "г гг т е д др пр им ул т.е т.д т.п см стр тыс млн млрд руб проф",
    "uk": "р рр т д пр ім вул т.зв тис млн млрд грн проф див",
}
_ALL_ABBREVIATIONS = frozenset(w for words in _ABBREVIATIONS.values() for w in words.split())

# A sentence ends at . ! ? … (possibly repeated, possibly followed by closing quotes/brackets) when
# whitespace and then an opening quote, bracket, dash (a dialogue's "пояснює експерт. – Жодної ..."), digit or
# capital letter follow.
# A sentence ends at closing punctuation before a capital or digit, or before any letter of a script without
# capitals (Arabic, Hebrew, Devanagari, Georgian).
_BOUNDARY = re.compile(
    r"""[.!?…؟।]+["'”’»)\]]*(?=\s+(?:[\-–—]\s*)?["'“‘«(\[]?[\dA-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ\u0621-\u064a\u0671-\u06d3\u05d0-\u05ea\u0904-\u0939\u10d0-\u10ff])"""
)
_LAST_WORD = re.compile(r"(\w[\w.]*)\.$")
_INITIALS = re.compile(r"[^\W\d_]|(?:[A-ZА-ЯЁЇІЄҐ]\.)+[A-ZА-ЯЁЇІЄҐ]")  # "J. Smith", "U.N. Secretary-General"
_CLOSED = tuple(".!?…:;\"'”’»)]؟")  # a line ending so ends its sentence or paragraph
WRAPPED_LINE = 55  # characters: a longer line that ends without closing punctuation was wrapped by a tool


def wrapped(text: str, line: tuple[int, int], following: tuple[int, int], first: bool) -> bool:
    """Whether `following` (the next non-blank line) continues the sentence of `line` across a single line
    break: hard-wrapped copy ("down from a" / "year earlier"). It does when the line has no closing
    punctuation and either the next line starts in lower case or with a digit, or the line is long (wrapped
    at a width) and is not the first of the body (a title without a blank line under it)."""
    if text.count("\n", line[1], following[0]) != 1 or text[line[1] - 1] in _CLOSED:
        return False
    head = text[following[0]]
    return head.islower() or head.isdigit() or (not first and line[1] - line[0] >= WRAPPED_LINE)


def blocks(text: str, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(start, end) of the runs of lines that `wrapped` joins; sentences are split inside each run."""
    if not lines:
        return
    start, end = lines[0]
    for k in range(1, len(lines)):
        if not wrapped(text, lines[k - 1], lines[k], first=k == 1):
            yield start, end
            start = lines[k][0]
        end = lines[k][1]
    yield start, end


def sentence_bounds(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence (start, end) offsets inside text[start:end]; abbreviations and initials do not split."""
    chunk_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        word = _LAST_WORD.search(text, chunk_start, match.start() + 1)
        if match.group().startswith(".") and word:
            token = word.group(1)
            if token.lower() in _ALL_ABBREVIATIONS or _INITIALS.fullmatch(token):
                continue
        yield from _trimmed(text, chunk_start, stop)
        chunk_start = stop
    yield from _trimmed(text, chunk_start, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = piece.index(stripped[0])
        yield start + lead, start + lead + len(stripped)


def _sentence(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text}


@components.register("segment")
class SegmentComponent(Component):
    """Adds the `paragraphs` (lines) and `sentences` layers; a sentence may run over the line breaks of
    hard-wrapped copy (`blocks`). The ` date` header line is neither."""

    name = "segment"
    writes = ("spans.paragraphs", "spans.sentences")
    fields = (
        Field(
            "sentences",
            lambda doc: [_sentence(s) for s in doc.layer("sentences")],
            {"type": "array", "items": {"$ref": "#/$defs/textSpan"}},
            offsets="text",
        ),
    )

    def __call__(self, doc: Document) -> Document:
        header_end = doc.meta.get("header_end", 0)
        doc.spans["paragraphs"] = []
        doc.spans["sentences"] = []
        lines = []
        for line, start, end in paragraph_bounds(doc.text):
            start = max(start, header_end)
            if start >= end:
                continue
            doc.add_span("paragraphs", start, end, "paragraph", source=self.name, line=line)
            lines.append((start, end))
        for start, end in blocks(doc.text, lines):
            for s_start, s_end in sentence_bounds(doc.text, start, end):
                doc.add_span("sentences", s_start, s_end, "sentence", source=self.name)
        return doc
