"""`text` writer: plain markers for files, colours for terminals."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.data import Document
from spinscope.labels import TECHNIQUES, tint
from spinscope.writers.terminal import bar, marked_plain

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_report_has_header_text_summary_and_warnings(write, rich_doc):
    out = write("text", [rich_doc])
    assert not ANSI.search(out)
    assert "Council Votes on Bridge" in out
    assert "id: article42" in out and "date: 2024-03-01" in out and "language: en" in out
    assert "Warning: [W005]" in out
    assert "[[Name_Calling-Labeling: Mayor Blunt is a [[Loaded_Language: total disgrace]]]]" in out
    assert "Techniques (5 spans)" in out
    for name in ("Name_Calling-Labeling", "Loaded_Language", "Appeal_to_Time"):
        assert re.search(rf"│ {re.escape(name)} +│ +1 │", out), name
    assert "0.91" in out  # max score of Loaded_Language
    assert "Economic" in out and "█" in out and "✓" in out
    assert "opinion" in out
    assert "Claims: 0  ·  Entities: 0" in out


def test_plain_report_keeps_article_lines(write, article):
    out = write("text", [article])
    assert "\n[[Appeal_to_Popularity: Everyone knows the [[Appeal_to_Fear-Prejudice: bridge]]]]" in out
    assert "[[Appeal_to_Fear-Prejudice:  plan will ruin us all.]] [[Appeal_to_Time: Act now!]]\nThe vote" in out


def test_terminal_report_uses_colours_and_names(write, article, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = write("text", [article], out=FakeTerminal())
    assert ANSI.search(out)
    plain = ANSI.sub("", out)
    assert "⟨Loaded Language⟩" in plain
    assert "⚠ [W005]" in plain
    assert "Appeal to Time" in plain


def test_truecolour_terminal_highlights_with_tints(write, article, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLORTERM", "truecolor")
    out = write("text", [article], out=FakeTerminal())
    r, g, b = (int(tint("Loaded_Language")[i : i + 2], 16) for i in (1, 3, 5))
    assert f"48;2;{r};{g};{b}m" in out


def test_bare_document_says_nothing_found(write, bare):
    out = write("text", [bare])
    assert "No persuasion techniques found." in out
    assert "Claims: 0" in out


def test_control_characters_cannot_drive_the_terminal(write, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    doc = Document(id="esc", text="Calm\x1b[2J words\r\nnext line\x07", title="T\x1b]0;pwned\x07")
    doc.add_span("techniques", 0, 4, "Doubt")
    for out in (write("text", [doc]), write("text", [doc], out=FakeTerminal())):
        assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out and "\r" not in out
        assert "\ufffd[2J words\nnext line\ufffd" in ANSI.sub("", out)


def test_plain_markers_nest_and_reopen():
    text = "abcdefghij"
    spans = [
        {"technique": "A", "start": 0, "end": 6},
        {"technique": "B", "start": 3, "end": 9},
        {"technique": "C", "start": 4, "end": 5},
    ]
    assert marked_plain(text, spans) == "[[A: abc[[B: d[[C: e]]f]]]][[B: ghi]]j"


def test_bar_is_clamped():
    assert bar(0.5, 4) == "██░░"
    assert bar(2.0, 4) == "████"
    assert bar(-1.0, 4) == "░░░░"


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_plain_markers_strip_back_to_text(data):
    text = data.draw(st.text(alphabet="ab \n", max_size=30))
    spans = []
    for _ in range(data.draw(st.integers(0, 5))):
        a = data.draw(st.integers(0, len(text)))
        b = data.draw(st.integers(a, len(text)))
        spans.append({"technique": data.draw(st.sampled_from(TECHNIQUES)), "start": a, "end": b})
    marked = marked_plain(text, spans)
    assert re.sub(r"\[\[[A-Za-z_-]+: |\]\]", "", marked) == text
    assert marked.count("[[") == marked.count("]]")


def test_spans_below_their_display_cut_are_left_out_and_counted(write, article):
    for span in article.layer("techniques")[2:]:
        span.attrs["shown"] = False
    out = write("text", [article])
    assert "[[Appeal_to_Popularity" not in out and "[[Name_Calling-Labeling" in out
    assert "Techniques (2 spans)" in out and "3 more spans below their display cut" in out
