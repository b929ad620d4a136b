"""Text geometry shared by components, writers and trainers: paragraph lines and label overlap."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


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
