"""SemEval formats, byte-compatible with the official scorers' inputs.

* `semeval-spans`: `article_id<TAB>technique<TAB>start<TAB>end`, the SemEval-2023 subtask-3 span format and
  the PTC-2020 `task-flc-tc` format (character offsets, end exclusive).
* `semeval-paragraphs`: `article_id<TAB>line<TAB>tech1,tech2`, the SemEval-2023 subtask-3 paragraph format;
  the third column is empty for a paragraph without techniques.
* `semeval-frames`: `article_id<TAB>frame1,frame2` (the predicted frames; SemEval-2023 subtask 2).
* `semeval-genre`: `article_id<TAB>genre` (SemEval-2023 subtask 1); empty when the genre head is off.

With `components.techniques.labels = "ptc14"` labels are PTC ones (see `labels.relabel`); note that merged
PTC labels contain commas, which is why the span format is TAB separated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TextIO

from ..data import Document
from ..registry import writers
from ..text import labels_overlapping, paragraph_bounds
from ._common import records
from .base import Writer

_ARTICLE_FILE = re.compile(r"article(\d+)(?:\.txt)?")
_FIELD_BREAKS = re.compile(r"[\t\r\n]+")


def article_id(doc_id: str) -> str:
    """The id the scorers expect: `article123.txt` or `article123` become `123`, anything else stays.

    Gold files name articles by the digits of their file name; tabs or line breaks in an id would break the
    columns, so they become single spaces.
    """
    match = _ARTICLE_FILE.fullmatch(doc_id)
    return match.group(1) if match else _FIELD_BREAKS.sub(" ", doc_id)


def span_lines(record: Mapping[str, Any]) -> Iterator[str]:
    aid = article_id(record["id"])
    for item in sorted(record["techniques"], key=lambda t: (t["start"], t["end"], t["technique"])):
        yield f"{aid}\t{item['technique']}\t{item['start']}\t{item['end']}\n"


def paragraphs_of(record: Mapping[str, Any]) -> list[tuple[int, list[str]]]:
    """(line, techniques) per paragraph: the record's rows when paragraphs were segmented, else every
    non-blank line with the techniques of the spans overlapping it, as the gold files were made."""
    if record["paragraphs"]:
        return [(p["line"], list(p["techniques"])) for p in record["paragraphs"]]
    spans = [(t["technique"], t["start"], t["end"]) for t in record["techniques"]]
    return [(line, labels_overlapping(start, end, spans)) for line, start, end in paragraph_bounds(record["text"])]


def paragraph_lines(record: Mapping[str, Any]) -> Iterator[str]:
    aid = article_id(record["id"])
    for line, techniques in paragraphs_of(record):
        yield f"{aid}\t{line}\t{','.join(techniques)}\n"


def frame_lines(record: Mapping[str, Any]) -> list[str]:
    return [f"{article_id(record['id'])}\t{','.join(f['frame'] for f in record['frames'] if f['predicted'])}\n"]


def genre_lines(record: Mapping[str, Any]) -> list[str]:
    return [f"{article_id(record['id'])}\t{record['genre']['label'] if record['genre'] else ''}\n"]


class _RecordLines(Writer):
    """Writes `lines(record)` for every document, in input order."""

    lines: Callable[[Mapping[str, Any]], Iterable[str]]

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        for record in records(docs, self.settings):
            out.writelines(type(self).lines(record))


def _line_writer(name: str, lines: Callable[[Mapping[str, Any]], Iterable[str]]) -> type[Writer]:
    cls = type(f"Writer[{name}]", (_RecordLines,), {"name": name, "lines": staticmethod(lines)})
    return writers.register(name)(cls)


SemevalSpansWriter = _line_writer("semeval-spans", span_lines)
SemevalParagraphsWriter = _line_writer("semeval-paragraphs", paragraph_lines)
SemevalFramesWriter = _line_writer("semeval-frames", frame_lines)
SemevalGenreWriter = _line_writer("semeval-genre", genre_lines)
