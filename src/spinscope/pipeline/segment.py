"""Paragraphs (lines, numbered as SemEval numbers them) and sentences, both with verbatim offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..data import Document
from ..registry import components
from .base import Component

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
# whitespace and then an opening quote, bracket, dash, digit or capital letter follow.
_BOUNDARY = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[\-–—]?[\dA-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ])""")
_LAST_WORD = re.compile(r"(\w[\w.]*)\.$")


def paragraph_bounds(text: str) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of every non-blank line; lines are 1-based over text.split('\\n').

    SemEval-2023 paragraph ids are these line numbers, so a CRLF file keeps its numbering; the span leaves
    out surrounding whitespace (and the '\\r' of CRLF).
    """
    pos = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped[0])
            yield number, start, start + len(stripped)
        pos += len(line) + 1


def labels_overlapping(start: int, end: int, spans: Iterable[tuple[str, int, int]]) -> list[str]:
    """Distinct labels (sorted) of the (label, start, end) spans that overlap [start, end): SemEval-2023's rule
    for the technique labels of a paragraph."""
    return sorted({label for label, a, b in spans if a < end and b > start})


def sentence_bounds(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentence (start, end) offsets inside text[start:end]; abbreviations and initials do not split."""
    chunk_start = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        word = _LAST_WORD.search(text, chunk_start, match.start() + 1)
        if match.group().startswith(".") and word:
            token = word.group(1).lower()
            if token in _ALL_ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
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


@components.register("segment")
class SegmentComponent(Component):
    """Adds the `paragraphs` and `sentences` layers. The ` date` header line is neither."""

    name = "segment"
    assigns = ("paragraphs", "sentences")

    def __call__(self, doc: Document) -> Document:
        header_end = doc.meta.get("header_end", 0)
        doc.spans["paragraphs"] = []
        doc.spans["sentences"] = []
        for line, start, end in paragraph_bounds(doc.text):
            start = max(start, header_end)
            if start >= end:
                continue
            doc.add_span("paragraphs", start, end, "paragraph", source=self.name, line=line, techniques=[])
            for s_start, s_end in sentence_bounds(doc.text, start, end):
                doc.add_span("sentences", s_start, s_end, "sentence", source=self.name)
        return doc
