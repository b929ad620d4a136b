"""Text from positioned words (a PDF's text layer, an OCR result): running headers and footers dropped, lines
joined into paragraphs, hyphenation at line ends undone, and each word's box kept against its offsets.

The text a reader makes here is the document's verbatim text: every offset, and every kept box, points into it.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # left, top, right, bottom; top < bottom (y grows downwards)

SMALL_PRINT = 0.75  # a line in a page's top or bottom band this much smaller than the usual line is a running one
BAND = 0.1  # running headers and footers sit in this share of the page height at the top or bottom
PARAGRAPH_GAP = 0.35  # a gap this share of the line height wider than the usual one between lines: a new paragraph
HEADING = 0.3  # lines whose heights differ by this share of the usual height: a heading and its text
# A line ending a sentence that leaves this share of the column empty, room enough for the next line's first
# word, ends its paragraph (where paragraphs are not spaced apart).
SHORT_LINE_ROOM = 0.2
SOFT_HYPHEN = "\u00ad"
BREAK_HYPHEN = "\u2010"  # what a browser's print shows where it hyphenates a word by itself
HYPHENATED_LINES = 0.05  # share of lines ending in a hyphen over which a text hyphenates with plain hyphens
_HYPHENS = ("-", SOFT_HYPHEN, BREAK_HYPHEN)
_SENTENCE_END = (".", "!", "?", ":", '"', "”", "»", "»", "…", "؟", "。")
# A hyphen before one of these words is kept: "Nord- und Südkorea", "pre- and post-war".
_CONJUNCTIONS = frozenset(
    {"und", "oder", "bis", "and", "or", "to", "et", "ou", "e", "o", "y", "i", "и", "или", "та", "і", "lub", "oraz"}
)
# A line that is only a page number: "3", "- 3 -", "Page 3 of 12", "Seite 3", "стр. 3", "3/12".
_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:page|seite|pagina|página|strona|стр\.?|сторінка|صفحة|p\.)?\s*\d{1,4}(?:\s*(?:/|of|von|de|di|z|из|з)\s*\d{1,4})?[\W_]*$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")  # a right-to-left letter


def outline(boxes: list[Box]) -> Box:
    """The smallest box around `boxes`."""
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


@dataclass(frozen=True, slots=True)
class Word:
    """One word as the page shows it, and its box in page units (PDF points, image pixels)."""

    text: str
    box: Box
    confidence: float | None = None


@dataclass(slots=True)
class Line:
    """One line's words in reading order; `new_paragraph` when the source marks a paragraph start (OCR)."""

    words: list[Word]
    new_paragraph: bool = False

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> Box:
        return outline([word.box for word in self.words])

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass(slots=True)
class Page:
    """One page's lines in reading order, and its size in the same units as the boxes."""

    lines: list[Line]
    width: float
    height: float


@dataclass(slots=True)
class Layout:
    """The assembled text; `pages[i]` is the (start, end) of page i+1's text, `words` each kept word's
    (start, end, page number, box)."""

    text: str = ""
    pages: list[tuple[int, int]] = field(default_factory=list)
    words: list[tuple[int, int, int, Box]] = field(default_factory=list)


def _key(line: Line) -> str:
    return _DIGITS.sub("#", line.text.casefold()).strip()


def _banded(page: Page) -> list[Line]:
    top, bottom = page.height * BAND, page.height * (1 - BAND)
    return [line for line in page.lines if line.box[3] <= top or line.box[1] >= bottom]


def drop_running_lines(pages: list[Page]) -> None:
    """Remove running headers and footers: lines at the top or bottom of a page whose text (figures aside)
    comes back on at least half the pages (two at least), lone page numbers there, and lines there in small
    print (below `SMALL_PRINT` of the usual line height: a one-page document's header)."""
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return
    small = SMALL_PRINT * statistics.median(line.height for line in lines)
    seen = Counter(key for page in pages for key in {_key(line) for line in _banded(page)})
    repeated = max(2, (len(pages) + 1) // 2)
    for page in pages:
        banded = {id(line) for line in _banded(page)}
        page.lines = [
            line
            for line in page.lines
            if id(line) not in banded
            or (seen[_key(line)] < repeated and not _PAGE_NUMBER.match(line.text) and line.height >= small)
        ]


def _hyphen_join(before: str, after: str, words_seen: frozenset[str], hyphenates: bool) -> str | None:
    """How a line ending in `before` and the next starting with `after` join when the first ends in a hyphen
    after a letter: "drop" (a word hyphenated at the line end: a soft hyphen always), "keep" (a compound:
    "Regierungs-Koalition", "из-за", one the text writes so elsewhere, or any plain hyphen in a text that does
    not `hyphenates` with plain hyphens), None (not split: "Nord- und Südkorea")."""
    if len(before) < 2 or not before.endswith(_HYPHENS) or not before[-2].isalpha():
        return None
    if before.endswith((SOFT_HYPHEN, BREAK_HYPHEN)):
        return "drop"
    head = before[:-1].rsplit(" ", 1)[-1]
    tail = after.split(" ", 1)[0].rstrip(".,;:!?»”\"')")
    if not tail or not tail[0].isalpha() or tail.casefold() in _CONJUNCTIONS:
        return None
    if f"{head}-{tail}".casefold() in words_seen:
        return "keep"
    if f"{head}{tail}".casefold() in words_seen:
        return "drop"
    return "keep" if not hyphenates or tail[0].isupper() or len(tail) <= 2 or len(head) <= 2 else "drop"


def _hyphenates(pages: list[Page]) -> bool:
    """Whether the text breaks words at line ends with plain hyphens: it marks no break with a soft hyphen (as a
    browser's print does) and more than `HYPHENATED_LINES` of its lines, three at least, end in a hyphen after a
    letter (real compounds end a line far more rarely)."""
    ends = [line.words[-1].text for page in pages for line in page.lines]
    if any(end.endswith((SOFT_HYPHEN, BREAK_HYPHEN)) for end in ends):
        return False
    hyphenated = sum(len(end) > 1 and end.endswith("-") and end[-2].isalpha() for end in ends)
    return hyphenated >= 3 and hyphenated > HYPHENATED_LINES * len(ends)


def vocabulary(pages: list[Page]) -> frozenset[str]:
    """Every word of the pages, lower case, as written (with its own hyphens), to settle line-end hyphens."""
    return frozenset(word.text.strip(".,;:!?»”\"'()«“„").casefold() for page in pages for line in page.lines
                     for word in line.words)  # fmt: skip


def _breaks_paragraph(prev: Line, line: Line, height: float, width: float, leading: float) -> bool:
    """Whether `line` starts a new paragraph after `prev`. Where the text moves up to the next column or page:
    when `prev` ends a sentence. Within a column: a gap wider than the lines' leading, a change of size (a
    heading), or a line before it that ends a sentence and left room for this line's first word."""
    if line.box[1] < prev.box[1] - height / 2:  # moved up: next column or next page
        return _ends(prev)
    local = max(height, min(prev.height, line.height))  # a heading's lines are taller, and so is their leading
    if line.box[1] - prev.box[3] > leading + PARAGRAPH_GAP * local or abs(prev.height - line.height) > HEADING * height:
        return True
    room = width - (prev.box[2] - prev.box[0])  # what the line before left empty
    first = line.words[0].box
    return _ends(prev) and room > SHORT_LINE_ROOM * width and room > 1.5 * (first[2] - first[0])


class _Writer:
    """Appends words and separators to the text, recording each word's offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.layout = Layout()

    def add(self, piece: str) -> None:
        self.parts.append(piece)
        self.size += len(piece)

    def word(self, word: Word, page: int, text: str | None = None) -> None:
        text = word.text if text is None else text
        self.layout.words.append((self.size, self.size + len(text), page, word.box))
        self.add(text)


def _line_metrics(pages: list[Page]) -> tuple[float, float, float]:
    """The usual line height, the width of a full line, and the usual gap between two lines of a paragraph."""
    lines = [line for page in pages for line in page.lines]
    height = statistics.median(line.height for line in lines)
    widths = sorted(line.box[2] - line.box[0] for line in lines)
    gaps = [
        b.box[1] - a.box[3]
        for page in pages
        for a, b in zip(page.lines, page.lines[1:], strict=False)
        if 0 <= b.box[1] - a.box[3] < 2 * height
    ]
    return height, widths[int(len(widths) * 0.9)], statistics.median(gaps) if gaps else 0.0


def assemble(pages: list[Page]) -> Layout:
    """The text of pages whose lines are in reading order: lines of a paragraph joined by a space (or by
    nothing at a line-end hyphen, which stays only in a compound), paragraphs by a blank line; a paragraph that runs
    over a page break stays one."""
    out = _Writer()
    if not any(page.lines for page in pages):
        return out.layout
    height, width, leading = _line_metrics(pages)
    words_seen = vocabulary(pages)
    hyphenates = _hyphenates(pages)
    prev: Line | None = None
    for number, page in enumerate(pages, 1):
        page_start = out.size
        for line in page.lines:
            words = list(line.words)
            if prev is not None:
                if joined := _hyphen_join(prev.text, line.text, words_seen, hyphenates):
                    if joined == "drop":
                        _drop_hyphen(out)
                elif line.new_paragraph or _breaks_paragraph(prev, line, height, width, leading):
                    out.add("\n\n")
                else:
                    out.add(" ")
            for index, word in enumerate(words):
                if index:
                    out.add(" ")
                out.word(word, number)
            prev = line
        out.layout.pages.append((page_start, out.size))
    out.add("\n")  # the text ends as a text file does: read from a .txt or a PDF, the same article is analysed alike
    out.layout.text = "".join(out.parts)
    return out.layout


def _ends(line: Line) -> bool:
    return line.text.rstrip().endswith(_SENTENCE_END)


def _drop_hyphen(out: _Writer) -> None:
    """Drop the hyphen that ends the text so far (the last word loses it); the next word follows directly."""
    start, end, page, box = out.layout.words[-1]
    out.parts[-1] = out.parts[-1][:-1]
    out.size -= 1
    out.layout.words[-1] = (start, end - 1, page, box)
