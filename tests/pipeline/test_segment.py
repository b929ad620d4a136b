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
        ("تحدث الوزير أمس. لكن أحدا لم يصدقه؟ لا.", ["تحدث الوزير أمس.", "لكن أحدا لم يصدقه؟", "لا."]),
        ("मंत्री ने कहा। कोई नहीं माना।", ["मंत्री ने कहा।", "कोई नहीं माना।"]),
        ("no ending here", ["no ending here"]),
        # a dialogue's dash opens the next sentence ("... – пояснює експерт. – Жодної ...")
        (
            "«Подивіться на Крим, – пояснює експерт. – Жодної анексії не було.»",
            ["«Подивіться на Крим, – пояснює експерт.", "– Жодної анексії не було.»"],
        ),
        ("Il rit. - Non, dit-il.", ["Il rit.", "- Non, dit-il."]),
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


def test_sentences_run_over_the_line_breaks_of_wrapped_copy() -> None:
    text = (
        "Grain exports fall\n"
        "KYIV, Nov 14 (Reuters) - Ukraine has exported almost 20 million\n"
        "tonnes of grain this year, down from a year earlier, the ministry\n"
        "said on Monday. Exports fell by 12%.\n\n"
        "- first point\n"
        "- second point\n"
    )
    doc = SegmentComponent({}, {})(Document("d", text))
    assert (
        [s.text for s in doc.layer("sentences")]
        == [
            "Grain exports fall",  # a title right above the text stays apart
            text[19 : text.index(" Exports")],
            "Exports fell by 12%.",
            "- first point",
            "- second point",
        ]
    )
    assert len(doc.layer("paragraphs")) == 6  # paragraphs stay lines, as SemEval numbers them
    doc.check_offsets()


@given(st.text(max_size=400))
def test_segment_offsets_always_valid(text: str) -> None:
    doc = SegmentComponent({}, {})(Document("d", text))
    doc.check_offsets()
    for sent in doc.layer("sentences"):
        assert sent.text.strip() == sent.text and sent.text
    assert doc.text == text


def test_initials_of_capitals_do_not_end_a_sentence() -> None:
    text = "Aid arrived on Monday. U.N. envoy Maria Lopez said the convoy was safe. It left at 5 p.m. Then it rained."
    assert [text[a:b] for a, b in sentence_bounds(text, 0, len(text))] == [
        "Aid arrived on Monday.",
        "U.N. envoy Maria Lopez said the convoy was safe.",
        "It left at 5 p.m.",  # lower-case initials of two letters still may
        "Then it rained.",
    ]
