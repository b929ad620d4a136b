"""Plain text files, kept byte-for-byte as text so gold span offsets line up with `Document.text`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .. import registry
from ..data import Document
from .base import Content, Reader, Rejected
from .textio import check_text, date_header, decode_text, first_line, read_bytes

HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 150
# "word. Next": a full stop after a word, then a space and a capital or digit (maybe after a quote).
_FULL_STOP = re.compile(r"""(\w+)\.["'”’»)\]]*\s+["'“‘«(]?(\w)""")
# Short words a full stop follows inside a headline without ending a sentence ("Dr. Quill", "vs. Leeds").
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "rep", "sen", "gov", "pres"}
    | {"inc", "ltd", "co", "corp", "no", "vs", "etc", "approx", "ca", "cf", "al"}
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
_RUN_ON = (",", ";", ":", "-", "–", "—", "(")  # a headline does not stop in mid-sentence
# A wire dateline opens the first paragraph: "KYIV, Nov 14 (Reuters) -", "BERLIN (dpa) –", "КИЕВ, 14 ноября
# (Рейтер) -", "PARIS, 3 mars —" (a capitalised place, a comma, a date, a dash): the article has no title line.
_DATELINE = re.compile(
    r"^\w[^()\n]{0,40}\([^()\n]{2,30}\)\s*[-–—]|^[^\W\d_a-z]{3,}(?: [^\W\d_a-z]{2,})?,[^-–—\n]{1,25}[-–—]\s"
)
_NO_WORDS = re.compile(r"^[\W_]*$")  # "|", "* * *", "---": a separator
_BUTTONS = re.compile(r"\s*[|·•]\s*")  # "Teilen | Twittern | E-Mail": share buttons or a breadcrumb
SKIPPED_LINES = 3  # separator or button lines passed over before the title


def _sentence_end_inside(line: str) -> bool:
    for match in _FULL_STOP.finditer(line):
        word, nxt = match.group(1), match.group(2)
        if len(word) < 2 or word.isupper() or word.isdigit() or word.casefold() in _ABBREVIATIONS:
            continue  # initials and acronyms ("U.S. Envoy", "EU. Why"), numbers, "Dr. Quill"
        if nxt.isupper() or nxt.isdigit() or (nxt.isalpha() and not nxt.islower()):  # a caseless script: Arabic
            return True
    return False


def looks_like_headline(line: str) -> bool:
    """Whether a first line reads as a headline rather than the article's opening paragraph.

    It does when it is short (at most `HEADLINE_MAX_WORDS` words and `HEADLINE_MAX_CHARS` characters), is
    one sentence (no full stop inside it that is followed by a new capitalised sentence; "U.S. Envoy" and
    "Dr. Quill" do not count, and question or exclamation marks never do: "Who Pays? Voters Do"), and does
    not stop in mid-sentence (a trailing comma, semicolon, colon, dash or open bracket). A final full stop
    is fine: "The Kiev regime spoke." is still a title. Scraped articles that begin straight with their
    first paragraph (longer than that, or two sentences) get no title.
    """
    if len(line) > HEADLINE_MAX_CHARS or len(line.split()) > HEADLINE_MAX_WORDS:
        return False
    if line.endswith(_RUN_ON):
        return False
    return not _sentence_end_inside(line)


def chrome(line: str) -> bool:
    """Whether a line is page furniture rather than text: a separator ("|", "* * *"), or a row of share
    buttons or breadcrumbs between bars or bullets: three or more items of at most three words each, or two
    single words ("Share | Tweet"), so that "Kiev lies | Opinion" stays a headline."""
    if _NO_WORDS.match(line):
        return True
    items = [item for item in _BUTTONS.split(line) if item]
    if len(items) < 2 or not all(len(item.split()) <= 3 for item in items):
        return False
    return len(items) >= 3 or all(len(item.split()) == 1 for item in items)


def headline(text: str, start: int = 0) -> str | None:
    """The first non-blank line at or after `start` (past up to `SKIPPED_LINES` separator or share-button
    lines) when it `looks_like_headline` and is no wire dateline ("KYIV, Nov 14 (Reuters) - ..."), else None."""
    for _ in range(SKIPPED_LINES + 1):
        line = first_line(text, start)
        if line is None or not chrome(line):
            break
        start = text.index(line, start) + len(line)
    else:
        return None
    if line is None or _DATELINE.match(line):
        return None
    return line if looks_like_headline(line) else None


def text_document(
    text: str, *, doc_id: str, source: str, settings: Mapping[str, Any], encoding: str = "utf-8"
) -> Document:
    """Wrap verbatim text in a Document after the size and emptiness checks.

    A leading ` date YYYY-MM-DD` marker sets `date` and `meta["header_end"]`, the offset where the body
    starts; the marker stays in `text` so every offset refers to the whole file. The title is the first
    non-blank line of the body, because SemEval/PTC articles (and most scraped ones) put it there, but only
    when that line looks like a headline (see `looks_like_headline`): an article that starts straight with
    its first paragraph has no title (None) rather than a paragraph-long one.
    """
    header = date_header(text)
    body_start = header[1] if header else 0
    check_text(text, source, settings, body_start=body_start)
    doc = Document(id=doc_id, text=text, source=source, title=headline(text, body_start))
    doc.meta["encoding"] = encoding
    if header:
        doc.date = header[0]
        doc.meta["header_end"] = body_start
    return doc


def read_text(content: Content, *, doc_id: str, settings: Mapping[str, Any]) -> Document:
    text, encoding = decode_text(read_bytes(content, settings), content.name)
    return text_document(text, doc_id=doc_id, source=content.name, settings=settings, encoding=encoding)


@registry.readers.register("txt")
class TxtReader(Reader):
    """One `.txt` file -> one Document whose id is the file stem."""

    name = "txt"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield read_text(content, doc_id=content.stem, settings=self.settings)
