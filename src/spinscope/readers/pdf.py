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
from .layout import RTL, Box, Line, Page, Word, assemble, drop_running_lines, logical_order, outline
from .textio import check_text, read_bytes
from .txt import headline

MAGIC = b"%PDF-"
MIN_LETTERS = 10  # a page with fewer letters in its text layer is a scan (or a picture): it is read by OCR
POINTS_PER_INCH = 72
# Titles that are no title: a file name, or what an office program writes ("Microsoft Word - draft.docx").
_FILE_TITLE = re.compile(r"^(?:Microsoft \w+ - .*|.*\.(?:html?|docx?|odt|rtf|pdf|txt|pptx?))$", re.IGNORECASE)
_LINE_END = {0x0A, 0x0D}
_SHOWN_AS = {0x02: "-", 0xAD: "-"}  # PDFium's mark of a hyphen at a line end, a soft hyphen: the page shows "-"


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


class _LineBuilder:
    """Characters -> words -> lines. A word ends at a space, and where the next character is not beside it (a
    text layer may hold a run out of visual order); a right-to-left word's characters are put in reading order."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.words: list[Word] = []
        self.chars: list[tuple[str, Box]] = []

    def char(self, char: str, box: Box) -> None:
        if self.chars:
            last = self.chars[-1][1]
            if box[0] > last[2] + (box[3] - box[1]) / 2 or box[2] < last[0] - (box[3] - box[1]) / 2:
                self.close_word()
        self.chars.append((char, box))

    def close_word(self) -> None:
        if not self.chars:
            return
        chars = self.chars
        if any(RTL.match(char) for char, _ in chars):
            chars = sorted(chars, key=lambda item: -item[1][2])
        self.words.append(Word("".join(char for char, _ in chars), outline([box for _, box in chars])))
        self.chars = []

    def close_line(self) -> None:
        self.close_word()
        if self.words:
            self.lines.append(Line(logical_order(self.words)))
            self.words = []


def page_lines(page: Any) -> tuple[list[Line], int]:
    """The lines of a page's text layer in PDFium's reading order, boxes top-down in points, and how many
    letters the page holds."""
    textpage = page.get_textpage()
    height = page.get_height()
    built = _LineBuilder()
    letters = 0
    for index, code in _codes(textpage, textpage.count_chars()):
        if code in _LINE_END:
            built.close_line()
            continue
        char = _char(code)
        if char.isspace():
            built.close_word()
            continue
        letters += char.isalpha()
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        built.char(char, (left, height - top, right, height - bottom))
    built.close_line()
    textpage.close()
    return built.lines, letters


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


@registry.readers.register("pdf")
class PdfReader(Reader):
    """One `.pdf` file -> one Document (id = file stem) of its text, scanned pages read by OCR."""

    name = "pdf"

    def read_content(self, content: Content) -> Iterator[Document | Rejected]:
        yield pdf_document(content, self.settings)
