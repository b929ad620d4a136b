from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.data import Document
from spinscope.pipeline.segment import SegmentComponent, sentence_bounds
from spinscope.text import paragraph_bounds


def test_paragraph_lines_are_numbered_like_semeval_with_crlf() -> None:
    text = "Title here\r\n\r\nFirst paragraph.\r\nSecond one\r\n"
    assert [(n, text[s:e]) for n, s, e in paragraph_bounds(text)] == [
        (1, "Title here"),
        (3, "First paragraph."),
        (4, "Second one"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith came. He left!", ["Mr. Smith came.", "He left!"]),
        (
            "The U.S. army said so. Then «Nobody» replied.",
            ["The U.S. army said so.", "Then «Nobody» replied."],
        ),
        ("Er kam z.B. gestern. Dann ging er.", ["Er kam z.B. gestern.", "Dann ging er."]),
        ('"Why?" he asked. J. R. Doe laughed.', ['"Why?" he asked.', "J. R. Doe laughed."]),
        ("Киев лжёт. Т.е. снова. Ужас!", ["Киев лжёт.", "Т.е. снова.", "Ужас!"]),
        ("M. Dupont est venu. Il est reparti !", ["M. Dupont est venu.", "Il est reparti !"]),
        ("Il sig. Rossi parla. Poi tace?", ["Il sig. Rossi parla.", "Poi tace?"]),
        ("Prof. Nowak np. mówi. Reżim kłamie!", ["Prof. Nowak np. mówi.", "Reżim kłamie!"]),
        ("Київ мовчить. Ціни ростуть… Чому?", ["Київ мовчить.", "Ціни ростуть…", "Чому?"]),
        ("no ending here", ["no ending here"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_bounds(text, 0, len(text))] == expected


def test_segment_skips_date_header() -> None:
    text = " date 2022-11-09\nHeadline\n\nBody text. More text."
    doc = Document("d", text, meta={"header_end": 17})
    SegmentComponent({}, {})(doc)
    assert [p.attrs["line"] for p in doc.layer("paragraphs")] == [2, 4]
    assert [s.text for s in doc.layer("sentences")] == ["Headline", "Body text.", "More text."]
    doc.check_offsets()


@given(st.text(max_size=400))
def test_segment_offsets_always_valid(text: str) -> None:
    doc = SegmentComponent({}, {})(Document("d", text))
    doc.check_offsets()
    for sent in doc.layer("sentences"):
        assert sent.text.strip() == sent.text and sent.text
    assert doc.text == text
