"""PDF files -> text in reading order with paragraphs, by PDFium (pypdfium2); pages without a text layer
(scans) are read by OCR.

The text is made from the words PDFium places on each page (see `layout`): running headers, footers and
page numbers are left out and words split at a line end are joined again. `meta["pages"]` holds each page's
(start, end) in the text; OCR'd pages also keep their words' boxes (`meta["boxes"]`, in PDF points).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from .. import registry
from ..data import Document
from ..errors import Errors, InputError
from . import ocr
from .base import Content, Reader, Rejected
from .image import boxes_meta, ocr_meta, ocr_page
from .layout import RTL, SOFT_HYPHEN, Box, Line, Page, Word, assemble, drop_running_lines, outline
from .textio import check_text, read_bytes
from .txt import headline

MAGIC = b"%PDF-"
MIN_LETTERS = 10  # a page with fewer letters in its text layer is a scan (or a picture): it is read by OCR
POINTS_PER_INCH = 72
# Titles that are no title: a file name or an address (a browser's print), or what an office program writes
# ("Microsoft Word - draft.docx").
_FILE_TITLE = re.compile(
    r"^(?:Microsoft \w+ - .*|.*\.(?:html?|docx?|odt|rtf|pdf|txt|pptx?)|about:blank|(?:https?|file)://\S*)$",
    re.IGNORECASE,
)
_LINE_END = {0x0A, 0x0D}
MIRRORED = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))  # what a bracket read right to left is
LTR_JOINERS = frozenset(".,:/-%")  # inside a run of figures or Latin words in a right-to-left line: "3,2", "5%"
_SHOWN_AS = {0x02: "-"}  # PDFium's mark of a hyphen at a line end (a soft hyphen, U+00AD, stays: see layout)


def _char(code: int) -> str:
    """The character PDFium reports, presentation forms (ligatures "ﬁ", Arabic letter forms) as plain letters."""
    if code in _SHOWN_AS:
        return _SHOWN_AS[code]
    char = chr(code)
    if 0xFB00 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return unicodedata.normalize("NFKC", char)
    return char


def _codes(textpage: Any, count: int) -> Iterator[tuple[int, int]]:
    """(character index, code point) of a text page, UTF-16 surrogate pairs combined."""
    import pypdfium2.raw as pdfium_c

    index = 0
    while index < count:
        code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
        if 0xD800 <= code < 0xDC00 and index + 1 < count:
            low = pdfium_c.FPDFText_GetUnicode(textpage.raw, index + 1)
            if 0xDC00 <= low < 0xE000:
                yield index, 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                index += 2
                continue
        if not 0xD800 <= code < 0xE000 and code not in (0, 0xFFFE, 0xFFFF):
            yield index, code
        index += 1


Glyph = tuple[str, Box]  # a character and its box; None in a row stands for a space


def _beside(a: Box, b: Box) -> bool:
    """Whether two characters' boxes touch, give or take a third of the letter height (no space between)."""
    slack = (b[3] - b[1]) / 3
    return b[0] <= a[2] + slack and b[2] >= a[0] - slack


def _joins(last: Glyph, glyph: Glyph | None, apart: bool) -> bool:
    """Whether `glyph` continues the word that `last` ends."""
    if glyph is None:
        return False
    return bool(unicodedata.combining(glyph[0])) or not apart or _beside(last[1], glyph[1])


def _words(glyphs: list[Glyph | None], *, apart: bool = True) -> list[Word]:
    """Words of a row of glyphs in reading order: split at spaces, and (`apart`) between characters that are
    not beside each other (a text layer may hold a run out of visual order); a combining mark never starts one."""
    words: list[Word] = []
    chars: list[Glyph] = []
    for glyph in [*glyphs, None]:
        if chars and not _joins(chars[-1], glyph, apart):
            words.append(Word("".join(char for char, _ in chars), outline([box for _, box in chars])))
            chars = []
        if glyph is not None:
            chars.append(glyph)
    return words


def _ltr(char: str) -> bool:
    return char.isdigit() or (char.isalpha() and not RTL.match(char))


def _split(glyphs: list[Glyph | None]) -> list[list[Glyph]]:
    words: list[list[Glyph]] = [[]]
    for glyph in glyphs:
        if glyph is None:
            words.append([])
        else:
            words[-1].append(glyph)
    return [word for word in words if word]


def _letters_rtl(word: list[Glyph]) -> list[Glyph]:
    """A word's letters from right to left, each combining mark (a vowel sign) after the letter it sits on."""
    bases = sorted((g for g in word if not unicodedata.combining(g[0])), key=lambda g: -(g[1][0] + g[1][2]))
    out = [[base] for base in bases]
    for mark in (g for g in word if unicodedata.combining(g[0])):
        centre = (mark[1][0] + mark[1][2]) / 2
        nearest = min(
            range(len(bases)), key=lambda i: abs((bases[i][1][0] + bases[i][1][2]) / 2 - centre), default=None
        )
        if nearest is None:
            out.append([mark])
        else:
            out[nearest].append(mark)
    return [glyph for group in out for glyph in group]


def _right_to_left(glyphs: list[Glyph | None]) -> list[Glyph | None]:
    """A right-to-left row in reading order. PDFium keeps its words apart but may hold a word's letters, or
    the words, backwards: letters and words go from right to left, a word of punctuation alone joins the word
    before it ("مستمرة."), brackets face the other way, and each left-to-right run (figures, Latin names) is
    turned back."""
    words = sorted((_letters_rtl(word) for word in _split(glyphs)), key=lambda word: -max(g[1][2] for g in word))
    spaced: list[Glyph | None] = []
    for word in words:
        if spaced and any(g[0].isalnum() for g in word):
            spaced.append(None)
        spaced.extend(word)
    out: list[Glyph | None] = []
    run: list[Glyph | None] = []
    for item in spaced:
        if item is not None and _ltr(item[0]):
            run.append(item)
        elif run and (item is None or item[0] in LTR_JOINERS):
            run.append(item)  # may continue the run: "3,2", "New York"
        else:
            out.extend(_turned(run))
            run = []
            out.append(item if item is None else (MIRRORED.get(item[0], item[0]), item[1]))
    out.extend(_turned(run))
    return out


def _turned(run: list[Glyph | None]) -> list[Glyph | None]:
    """A left-to-right run read backwards, turned round; what follows its last letter or figure stays after it."""
    last = max((i for i, item in enumerate(run) if item is not None and _ltr(item[0])), default=-1)
    return run[last::-1] + run[last + 1 :] if last >= 0 else run


def _same_row(a: list[Glyph | None], b: list[Glyph | None]) -> bool:
    """Whether two rows PDFium gave apart sit on one line of the page (a right-to-left line's end mark)."""
    boxes_a, boxes_b = [g[1] for g in a if g], [g[1] for g in b if g]
    if not boxes_a or not boxes_b:
        return False
    (left_a, top_a, right_a, bottom_a), (left_b, top_b, right_b, bottom_b) = outline(boxes_a), outline(boxes_b)
    overlap = min(bottom_a, bottom_b) - max(top_a, top_b)
    apart = right_a <= left_b or right_b <= left_a
    return apart and overlap > 0.5 * min(bottom_a - top_a, bottom_b - top_b)


def _unbroken(row: list[Glyph | None]) -> list[Glyph | None]:
    """A row without the soft hyphens it holds inside (the text layer keeps them; the page shows only one that
    ends a line, which the layout then drops as it joins the word)."""
    end = max((i for i, g in enumerate(row) if g is not None), default=-1)
    return [g for i, g in enumerate(row) if g is None or g[0] != SOFT_HYPHEN or i == end]


def page_lines(page: Any) -> tuple[list[Line], int]:
    """The lines of a page's text layer in PDFium's reading order, boxes top-down in points, and how many
    letters the page holds."""
    textpage = page.get_textpage()
    height = page.get_height()
    rows: list[list[Glyph | None]] = [[]]
    letters = 0
    last: Box | None = None
    for index, code in _codes(textpage, textpage.count_chars()):
        char = _char(code)
        if code in _LINE_END:
            if any(rows[-1]):
                rows.append([])
        elif char.isspace():
            rows[-1].append(None)
        else:
            letters += char.isalpha()
            left, bottom, right, top = textpage.get_charbox(index, loose=True)
            box = (left, height - top, right, height - bottom)
            if last is not None and any(rows[-1]) and box[1] >= last[3]:
                rows.append([])  # PDFium joined a line to the next one (a word hyphenated at the line end)
            rows[-1].append((char, box))
            last = box
    textpage.close()
    merged: list[list[Glyph | None]] = []
    for row in rows:
        if merged and _same_row(merged[-1], row):
            merged[-1] += [None, *row]
        elif any(row):
            merged.append(row)
    merged = [_unbroken(row) for row in merged]
    lines = [
        Line(_words(_right_to_left(row), apart=False) if any(g and RTL.match(g[0]) for g in row) else _words(row))
        for row in merged
    ]
    return [line for line in lines if line.words], letters


def open_pdf(data: bytes, source: str) -> Any:
    """The PDFium document; E417 for an encrypted one, E406 for a broken one."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise InputError(Errors.E417(source=source, kind="PDF")) from exc
        raise InputError(Errors.E406(source=source, kind="PDF", detail=str(exc))) from exc


def _ocr_scale(page: Any, settings: Mapping[str, Any]) -> float:
    """Pixels per point to render a page at `ocr.dpi`, less when that would pass `limits.max_pixels`."""
    scale = float(settings["ocr"]["dpi"]) / POINTS_PER_INCH
    width, height = page.get_size()
    fits = (float(settings["limits"]["max_pixels"]) / max(width * height, 1.0)) ** 0.5
    return min(scale, fits)


def _title(pdf: Any, text: str, stem: str) -> str | None:
    """The title the file declares unless it is a file name, else the first line when it reads as a headline."""
    given = (pdf.get_metadata_dict().get("Title") or "").strip()
    if given and not _FILE_TITLE.match(given) and given.casefold() != stem.casefold():
        return given
    return headline(text)


def pdf_document(content: Content, settings: Mapping[str, Any]) -> Document:
    source = content.name
    pdf = open_pdf(read_bytes(content, settings), source)
    try:
        count, max_pages = len(pdf), int(settings["limits"]["max_pages"])
        if count > max_pages:
            raise InputError(Errors.E419(source=source, size=count, what="pages", limit=max_pages, key="max_pages"))
        pages: list[Page] = []
        scanned: list[int] = []
        found: list[ocr.Recognised] = []
        for number in range(1, count + 1):
            page = pdf[number - 1]
            lines, letters = page_lines(page)
            width, height = page.get_size()
            if letters < MIN_LETTERS and ocr.available():
                scale = _ocr_scale(page, settings)
                image = page.render(scale=scale).to_pil()
                read, recognised = ocr_page(image, source, settings, unit=1 / scale)
                lines, (width, height) = read.lines, (read.width, read.height)
                scanned.append(number)
                found.append(recognised)
            pages.append(Page(lines, width, height))
            page.close()
        drop_running_lines(pages)
        layout = assemble(pages)
        if not layout.text.strip():
            ocr.require(source)  # E418: scans, and no Tesseract to read them
            raise InputError(Errors.E414(source=source, what="text that could be read"))
        check_text(layout.text, source, settings)
        doc = Document(id=content.stem, text=layout.text, source=source, title=_title(pdf, layout.text, content.stem))
    finally:
        pdf.close()
    doc.meta["pages"] = [list(span) for span in layout.pages]
    if scanned:
        doc.meta["ocr"] = ocr_meta(found, scanned)
        doc.meta["boxes"] = boxes_meta(layout, pages, scanned, "pt")
    return doc


def page_pngs(data: bytes, pages: list[int], dpi: int = 100) -> dict[int, bytes]:
    """Pages of a PDF (1-based numbers) as PNGs to show, at `dpi`."""
    import io

    pdf = open_pdf(data, "pdf")
    out = {}
    try:
        for number in pages:
            buffer = io.BytesIO()
            pdf[number - 1].render(scale=dpi / POINTS_PER_INCH).to_pil().save(buffer, format="PNG")
            out[number] = buffer.getvalue()
    finally:
        pdf.close()
    return out


@registry.readers.register("pdf")
class PdfReader(Reader):
    """One `.pdf` file -> one Document (id = file stem) of its text, scanned pages read by OCR."""

    name = "pdf"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield pdf_document(content, self.settings)
