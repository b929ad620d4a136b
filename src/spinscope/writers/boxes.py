"""Where a record's shown technique spans lie on the picture its text was read from by OCR (`meta.boxes`): one
rectangle per line of words a span covers, for a viewer to draw over the screenshot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..labels import colour, human_name
from ._common import shown


def _rows(words: list[list[float]]) -> list[list[float]]:
    """Words (`[start, end, page, left, top, right, bottom]`, in text order) grouped into lines: a word starts a
    new line when it does not overlap the last one vertically, or lies on another page."""
    rows: list[list[float]] = []
    for word in words:
        page, left, top, right, bottom = word[2:]
        if rows and rows[-1][0] == page and top < rows[-1][4] and bottom > rows[-1][2]:
            row = rows[-1]
            row[1:] = [min(row[1], left), min(row[2], top), max(row[3], right), max(row[4], bottom)]
        else:
            rows.append([page, left, top, right, bottom])
    return rows


def span_boxes(record: Mapping[str, Any], page: int = 1) -> dict[str, Any] | None:
    """The picture's size and, per shown span, its rectangles on `page` (left, top, width, height), technique,
    reader-facing name and colour; None when the record was not read by OCR."""
    boxes = (record.get("meta") or {}).get("boxes")
    if not boxes or page > len(boxes["sizes"]):
        return None
    width, height = boxes["sizes"][page - 1]
    marks = []
    for span in shown(record):
        covered = [w for w in boxes["words"] if w[2] == page and w[0] < span["end"] and w[1] > span["start"]]
        rects = [[r[1], r[2], r[3] - r[1], r[4] - r[2]] for r in _rows(covered)]
        if rects:
            technique = span["technique"]
            name = human_name(technique)
            marks.append({"rects": rects, "technique": technique, "name": name, "colour": colour(technique),
                          "title": f"{name}, confidence {span['score']:.2f}: {span['text']}"})  # fmt: skip
    return {"width": width, "height": height, "unit": boxes["unit"], "marks": marks}
