"""`text` writer: a readable report for a terminal, or a plain-text file when `out` is not a terminal.

Each document gets a header (title, id, date, language, source), its warnings, the article with the
technique spans marked, then the section of every record field whose component renders one (the technique
table, frame and genre bars, a plugin's own) and a closing line of counts.

How spans are marked depends on where the report goes:

* terminal: each stretch gets the light background of its innermost (shortest) covering span, underlined
  when more than one span covers it, and a tag with the technique's name follows the end of every span.
  On 8/16-colour terminals the full label colour with white text is used instead (tints would all round to
  white). NO_COLOR switches colours off, as rich does everywhere.
* file or pipe: no escape codes; spans become `[[Loaded_Language: text]]`. Nested spans nest; when two
  spans cross, the inner one is closed at the outer one's end and reopened right after
  (`[[A: x [[B: y]]]][[B: z]]`), so every marker pair encloses exactly one span's text.

The article text is never wrapped or reflowed: its own line breaks are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from ..data import Document
from ..labels import colour, definition, human_name, tint
from ..registry import writers
from ._common import Segment, hidden_note, neutral, records, segments, shown, summarise
from .base import Writer

# Control characters would let an article drive the terminal (ESC sequences clear screens, move the cursor):
# they are shown as U+FFFD. CR is dropped so CRLF text prints as plain lines.
_UNPRINTABLE = {c: "\ufffd" for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n"}
_UNPRINTABLE[0x0D] = None

BAR_WIDTH = 24
PLAIN_WIDTH = 100  # files get a fixed width, so the same input always gives the same bytes


def _is_terminal(out: TextIO) -> bool:
    try:
        return bool(out.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def printable(text: str) -> str:
    """`text` safe to show on a terminal: control characters replaced, CR removed, nothing else touched."""
    return text.translate(_UNPRINTABLE)


def bar(score: float, width: int = BAR_WIDTH) -> str:
    """`█` blocks for a score in [0, 1] (clamped), padded with `░` so bars line up in a column."""
    filled = round(max(0.0, min(1.0, score)) * width)
    return "█" * filled + "░" * (width - filled)


def marked_plain(text: str, spans: Sequence[Mapping[str, Any]]) -> str:
    """The article with `[[label: ...]]` markers; stripping them gives back `printable(text)`."""
    parts: list[str] = []
    stack: list[int] = []
    for seg in segments(len(text), spans):
        _reconcile(stack, seg, spans, parts)
        parts.append(printable(text[seg.start : seg.end]))
    parts.append("]]" * len(stack))
    return "".join(parts)


def _reconcile(stack: list[int], seg: Segment, spans: Sequence[Mapping[str, Any]], parts: list[str]) -> None:
    """Close the markers of spans that ended (and of any opened inside them), then open what starts.

    Spans closed only because they sit above an ended one on the stack are reopened with the new ones,
    outermost (latest ending) first.
    """
    wanted = set(seg.covers)
    cut = next((depth for depth, i in enumerate(stack) if i not in wanted), len(stack))
    parts.append("]]" * (len(stack) - cut))
    del stack[cut:]
    fresh = [i for i in wanted if i not in stack]
    for i in sorted(fresh, key=lambda i: (-spans[i]["end"], spans[i]["start"], i)):
        parts.append(f"[[{spans[i]['technique']}: ")
        stack.append(i)


def highlight(label: str, few_colours: bool = False) -> str:
    """Rich style for a span of `label`: black on its light tint, or, where the terminal has only 8/16
    colours (every tint would round to white), white on the full colour, which keeps >= 4.5:1."""
    return f"#ffffff on {colour(label)}" if few_colours else f"#000000 on {tint(label)}"


def marked_rich(text: str, spans: Sequence[Mapping[str, Any]], few_colours: bool = False) -> Text:
    """The article with highlighted stretches and a name tag after each span's end."""
    out = Text()
    for seg in segments(len(text), spans):
        if not seg.covers:
            out.append(printable(text[seg.start : seg.end]))
            continue
        inner = spans[seg.covers[0]]["technique"]
        style = highlight(inner, few_colours) + (" underline" if len(seg.covers) > 1 else "")
        out.append(printable(text[seg.start : seg.end]), style=style)
        for i in seg.covers:
            if spans[i]["end"] == seg.end:
                label = spans[i]["technique"]
                out.append(f"⟨{human_name(label)}⟩", style="bold italic " + highlight(label, few_colours))
    return out


def _header(record: Mapping[str, Any], rich_mode: bool) -> Group:
    title = Text(printable(neutral(record["title"] or record["id"])), style="bold")
    fields = [("id", record["id"]), ("date", record["date"]), ("language", record["language"])]
    fields.append(("source", record["source"]))
    meta = Text(printable(neutral("  ·  ".join(f"{k}: {v}" for k, v in fields if v))), style="dim")
    lines: list[Any] = [title, meta]
    for message in record["warnings"]:
        prefix = "⚠ " if rich_mode else "Warning: "
        lines.append(Text(prefix + printable(message), style="yellow"))
    return Group(*lines)


@dataclass(frozen=True, slots=True)
class TerminalView:
    """What a section renderer needs to know about the report it goes into."""

    rich_mode: bool  # a terminal (colours, human names), not a file or pipe
    few_colours: bool = False  # 8/16-colour terminal


def technique_summary(record: Mapping[str, Any], view: TerminalView) -> Table | Text:
    """The techniques section: technique, count, best score and definition."""
    spans = shown(record)
    rows = summarise(spans)
    note = hidden_note(record)
    if not rows:
        return Text(" ".join(["No persuasion techniques found.", note or ""]).strip(), style="italic")
    table = Table(
        title=f"Techniques ({len(spans)} spans)",
        title_justify="left",
        expand=False,
        caption=note,
        caption_justify="left",
    )
    table.add_column("Technique", no_wrap=True)
    table.add_column("Count", justify="right")
    table.add_column("Max score", justify="right")
    table.add_column("Definition", ratio=1)
    for row in rows:
        name = human_name(row.technique) if view.rich_mode else row.technique
        style = highlight(row.technique, view.few_colours) if view.rich_mode else ""
        table.add_row(Text(name, style=style), str(row.count), f"{row.max_score:.2f}", definition(row.technique))
    return table


def bars(title: str, rows: Iterable[tuple[str, float, bool]], view: TerminalView) -> Table | None:
    """A bar chart of (name, score, chosen) rows; None when there are no rows."""
    rows = list(rows)
    if not rows:
        return None
    table = Table(title=title, title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    table.add_column()
    for name, score, chosen in rows:
        mark = "✓" if chosen else ""
        table.add_row(name, Text(bar(score), style="cyan" if view.rich_mode else ""), f"{score:.2f}", mark)
    return table


def render(record: Mapping[str, Any], console: Console, rich_mode: bool) -> None:
    """Print one record's report on `console`: header, marked text, each field's section, counts."""
    from .record import shown_fields, summaries, switched_off_components

    console.rule(style="dim")
    console.print(_header(record, rich_mode))
    console.print()
    spans = shown(record)
    view = TerminalView(rich_mode, console.color_system in ("standard", "windows"))
    body: Text | str = (
        marked_rich(record["text"], spans, view.few_colours) if rich_mode else marked_plain(record["text"], spans)
    )
    console.print(body, soft_wrap=True, markup=False, highlight=False)
    for _, _, shown_as in shown_fields():
        section = shown_as.terminal(record, view) if shown_as.terminal else None
        if section is not None:
            console.print()
            console.print(section)
    console.print()
    console.print(Text("  ·  ".join(summaries(record))))
    if off := switched_off_components(record):
        console.print(Text(f"Not analysed (switched off): {', '.join(off)}", style="dim"))
    console.print()


@writers.register("text")
class TextWriter(Writer):
    name = "text"

    def write(self, docs: Iterable[Document], out: TextIO) -> None:
        rich_mode = _is_terminal(out)
        console = Console(
            file=out,
            force_terminal=rich_mode,
            color_system="auto" if rich_mode else None,
            width=None if rich_mode else PLAIN_WIDTH,
            highlight=False,
            emoji=False,
            markup=False,
        )
        for record in records(docs, self.settings):
            render(record, console, rich_mode)
