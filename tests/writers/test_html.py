"""`html` writer: self-contained, escaped, overlapping spans cut into correct segments."""

from __future__ import annotations

import html
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.data import Document
from spinscope.labels import PTC14, TECHNIQUES, definition
from spinscope.writers.html import render_text

TEXT_DIV = re.compile(r'<div class="text"[^>]*>(.*?)</div>', re.S)
PIECE = re.compile(r'<mark class="seg"[^>]*?data-s="([^"]*)"[^>]*>(.*?)</mark>|([^<]+)', re.S)


def pieces(page: str) -> list[tuple[tuple[int, ...], str]]:
    """(covering span indexes, unescaped text) for each piece of the first article's text."""
    body = TEXT_DIV.search(page).group(1)
    out = []
    for ids, marked, plain in PIECE.findall(body):
        if plain:
            out.append(((), html.unescape(plain)))
        else:
            out.append((tuple(int(i) for i in ids.split()), html.unescape(marked)))
    assert "".join(p for _, p in out) == html.unescape(re.sub(r"<[^>]+>", "", body))
    return out


def test_report_is_self_contained(write, rich_doc, bare):
    page = write("html", [rich_doc, bare])
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*(?!["']?#)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "white-space:pre-wrap" in page
    assert page.count('<article class="doc"') == 2
    assert 'href="#doc-2"' in page


def test_urls_and_markup_in_article_stay_escaped_text(write):
    text = 'Read <script src="https://evil.example/x.js">alert(1)</script> & see http://a.example.'
    doc = Document(id="x", text=text, title="<b>Bold</b> claims", source="https://news.example/a")
    doc.add_span("techniques", 0, 4, "Doubt")
    page = write("html", [doc])
    assert "<script src" not in page and "<b>Bold" not in page
    assert "&lt;script src=&quot;https://evil.example/x.js&quot;&gt;" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; claims" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
    assert "".join(piece for _, piece in pieces(page)) == text
    assert "evil.example" not in TEXT_DIV.sub("", page)  # the URL exists only as escaped article text
    assert "<dd>https://news.example/a</dd>" in page  # a source URL is shown as text, never linked


def test_hostile_label_cannot_break_out_of_the_data_script(write):
    doc = Document(id="x", text="Some words here.")
    doc.add_span("techniques", 0, 4, "</script><img onerror=alert(1)>")
    page = write("html", [doc])
    assert "</script><img" not in page and "<img" not in page
    data = re.search(r'<script type="application/json" class="tipdata">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data)["labels"][0]["label"] == "</script><img onerror=alert(1)>"


def test_every_technique_definition_is_shown(write):
    text = " ".join(f"w{i}" for i in range(len(TECHNIQUES)))
    doc = Document(id="all", text=text)
    for i, label in enumerate(TECHNIQUES):
        start = text.index(f"w{i}")
        doc.add_span("techniques", start, start + len(f"w{i}"), label)
    page = write("html", [doc])
    for label in TECHNIQUES:
        assert html.escape(definition(label)) in page, label


def test_ptc14_report_shows_ptc_definitions(write, article, ptc14):
    page = write("html", [article], ptc14)
    assert html.escape(definition("Bandwagon,Reductio_ad_hitlerum")) in page
    assert "Appeal_to_Time" not in page
    assert all(label in PTC14 for label in re.findall(r"<code>([^<]+)</code>", page))


def test_overlapping_spans_give_correct_segments(write, article):
    got = pieces(write("html", [article]))
    # record order: 0 Name_Calling 25-56, 1 Loaded 42-56, 2 Popularity 71-96, 3 Fear 90-119, 4 Time 120-128
    assert got == [
        ((), "Council Votes on Bridge\n\n"),
        ((0,), "Mayor Blunt is a "),
        ((1, 0), "total disgrace"),
        ((), ", say critics.\n"),
        ((2,), "Everyone knows the "),
        ((2, 3), "bridge"),  # both spans, innermost (shorter) first
        ((3,), " plan will ruin us all."),
        ((), " "),
        ((4,), "Act now!"),
        ((), "\nThe vote is on Tuesday.\n"),
    ]


def test_segment_tooltip_lists_every_covering_technique(article):
    spans = [
        {"technique": "Doubt", "start": 0, "end": 4, "score": 0.25},
        {"technique": "Repetition", "start": 2, "end": 6, "score": 0.5},
    ]
    out = render_text("abcdefgh", spans)
    middle = re.search(r'<mark[^>]*data-s="1 0"[^>]*>cd</mark>', out).group(0)
    assert "Casting Doubt (Doubt), confidence 0.25" in middle
    assert "Repetition (Repetition), confidence 0.50" in middle
    assert 'data-t="Repetition Doubt"' in middle


def test_report_sections(write, rich_doc):
    page = write("html", [rich_doc])
    assert "Warnings" in page and "[W005]" in page
    assert '<ul class="legend"' in page
    assert "<h3>Summary</h3>" in page and "<h3>Frames</h3>" in page and "<h3>Genre</h3>" in page
    assert 'style="width:82.0%"' in page
    assert '<p class="counts">Claims: 0 · Entities: 0</p>' in page


def test_no_documents_still_makes_a_page(write):
    page = write("html", [])
    assert "No documents." in page and page.rstrip().endswith("</html>")


@st.composite
def documents(draw: st.DrawFn) -> Document:
    text = draw(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80))
    doc = Document(id="h", text=text)
    for _ in range(draw(st.integers(0, 8))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        doc.add_span("techniques", a, b, draw(st.sampled_from(TECHNIQUES)), score=draw(st.floats(0, 1)))
    return doc


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_segments_reassemble_to_the_text(write, doc):
    page = write("html", [doc])
    got = pieces(page)
    assert "".join(p for _, p in got) == doc.text
    spans = sorted(doc.layer("techniques"), key=lambda s: (s.start, s.end))
    pos = 0
    for covers, piece in got:
        end = pos + len(piece)
        expected = {i for i, s in enumerate(spans) if s.start <= pos and end <= s.end and s.start < s.end}
        assert set(covers) == expected
        assert len(covers) == len(set(covers))
        pos = end


def test_panels_say_off_or_empty(write, rich_doc):
    """A panel of a component that ran and found nothing says so; one whose component was off says that."""
    rich_doc.components[:] = ["language", "segment", "encoder", "techniques", "paragraph_labels", "frames", "genre"]
    page = write("html", [rich_doc])
    assert "Not analysed: the claims component was switched off." in page
    assert "Not analysed: the entities component was switched off." in page
    assert "techniques component was switched off" not in page
    assert "<h3>Paragraphs</h3>" in page and "Loaded Language, Name Calling" in page
    rich_doc.components.extend(["entities", "claims"])
    page = write("html", [rich_doc])
    assert "No check-worthy claims found." in page and "No actors found." in page
    assert "claims component was switched off" not in page
    rich_doc.components.remove("techniques")
    assert "Techniques not analysed: the techniques component was switched off." in write("html", [rich_doc])


def test_spans_below_their_display_cut_are_left_out_of_the_report_and_counted(write, article):
    article.layer("techniques")[2].attrs["shown"] = False  # "Everyone knows the bridge"
    page = write("html", [article])
    assert "Everyone knows the bridge" not in "".join(text for ids, text in pieces(page) if ids)
    assert "1 more span below its display cut" in page
    assert json.loads(write("json", [article]))["techniques"][2]["shown"] is False
