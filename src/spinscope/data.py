"""Document and Span: the one record every reader, component and writer shares."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import Errors, SpanError


@dataclass(frozen=True, slots=True)
class Span:
    """A labelled stretch of the verbatim text; `end` is exclusive, exactly like slicing."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0
    source: str = ""
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(slots=True)
class Document:
    """One article. `text` is the verbatim input and is never altered by any step."""

    id: str
    text: str
    source: str = ""
    title: str | None = None
    date: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)  # the steps that ran on it, in order
    cache: dict[str, Any] = field(default_factory=dict, repr=False)  # shared by components, never written

    def make_span(
        self, start: int, end: int, label: str, *, score: float = 1.0, source: str = "", **attrs: Any
    ) -> Span:
        """Build a span whose text is cut from the document, after checking the offsets fit."""
        if not 0 <= start <= end <= len(self.text):
            raise SpanError(Errors.E101(doc=self.id, start=start, end=end, n=len(self.text)))
        return Span(start, end, label, self.text[start:end], float(score), source, dict(attrs))

    def add_span(self, layer: str, start: int, end: int, label: str, **kwargs: Any) -> Span:
        span = self.make_span(start, end, label, **kwargs)
        self.spans.setdefault(layer, []).append(span)
        return span

    def layer(self, name: str) -> list[Span]:
        return self.spans.get(name, [])

    def copy(self) -> Document:
        """A copy to run steps on without touching this document: its layers, labels, meta, warnings, components
        and cache are containers of its own (spans and cached arrays are shared: steps add and replace them, a
        frozen Span is never changed)."""
        return replace(
            self,
            meta=copy.deepcopy(self.meta),
            spans={name: list(layer) for name, layer in self.spans.items()},
            labels=copy.deepcopy(self.labels),
            warnings=list(self.warnings),
            components=list(self.components),
            cache=dict(self.cache),
        )

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def check_offsets(self) -> None:
        """Raise SpanError unless every span's text equals the slice of the verbatim text it names."""
        for spans in self.spans.values():
            for s in spans:
                check_span(self.text, self.id, s.start, s.end, s.text)


def check_span(text: str, doc: str, start: int, end: int, said: str | None) -> None:
    """The one offset rule (Documents and records alike): [start, end) lies in `text` (else E101) and, where the
    span says its text (`said` not None), that text is exactly the slice (else E102)."""
    if not 0 <= start <= end <= len(text):
        raise SpanError(Errors.E101(doc=doc, start=start, end=end, n=len(text)))
    if said is not None and text[start:end] != said:
        raise SpanError(Errors.E102(doc=doc, start=start, end=end, said=said, found=text[start:end]))


def anchored(text: str, start: int, end: int, seen: str) -> tuple[int, int] | None:
    """Where a span that another tool marked lies: its offsets when they give back the text it says (`seen`,
    or when it says none), else the occurrence of that text nearest to them (a browser counts characters its own
    way, in UTF-16 units); None when the text is nowhere."""
    if not seen or text[start:end] == seen:
        return start, end
    hits, at = [], text.find(seen)
    while at >= 0:
        hits.append(at)
        at = text.find(seen, at + 1)
    if not hits:
        return None
    best = min(hits, key=lambda hit: abs(hit - start))
    return best, best + len(seen)
