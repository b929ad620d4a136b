"""Technique spans on the picture a text was read from by OCR: one rectangle per line of covered words."""

from __future__ import annotations

from spinscope.writers.boxes import span_boxes

TEXT = "They lie to you every day\nabout the war"


def record(**span) -> dict:
    words, start = [], 0
    for line_no, line in enumerate(TEXT.split("\n")):
        left = 10.0
        for word in line.split(" "):
            start = TEXT.index(word, start)
            words.append(
                [start, start + len(word), 1, left, 20.0 + 30 * line_no, left + 10 * len(word), 40.0 + 30 * line_no]
            )
            left += 10 * len(word) + 8
            start += len(word)
    techniques = [{"start": 0, "end": len(TEXT), "technique": "Loaded_Language", "score": 0.8, "text": TEXT, **span}]
    return {
        "text": TEXT,
        "techniques": techniques,
        "meta": {"boxes": {"unit": "px", "sizes": [[400.0, 100.0]], "words": words}},
    }


def test_a_span_over_two_lines_gets_two_rectangles() -> None:
    drawn = span_boxes(record())
    assert (drawn["width"], drawn["height"], drawn["unit"]) == (400.0, 100.0, "px")
    (mark,) = drawn["marks"]
    assert mark["technique"] == "Loaded_Language" and mark["title"].startswith("Loaded Language, confidence 0.80")
    first, second = mark["rects"]
    assert first[1] == 20.0 and first[3] == 20.0 and second[1] == 50.0
    assert first[0] == 10.0 and first[2] > second[2]  # the first line is the longer one


def test_a_span_over_one_word_and_hidden_spans() -> None:
    start = TEXT.index("lie")
    (mark,) = span_boxes(record(start=start, end=start + 3, text="lie"))["marks"]
    assert mark["rects"] == [[58.0, 20.0, 30.0, 20.0]]
    assert span_boxes(record(shown=False))["marks"] == []
    assert span_boxes({"text": TEXT, "techniques": [], "meta": {}}) is None
