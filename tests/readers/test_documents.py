"""PDF, Word, e-mail and image inputs, on files the tests make (tests/inputs.py): text in reading order with
paragraphs, offsets and boxes that hold, and bad files refused with a coded one-line error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from spinscope.data import Document
from spinscope.errors import InputError
from spinscope.readers import Content, Rejected, detect_format, open_content, open_input
from spinscope.readers import ocr as ocr_module
from tests import inputs
from tests.inputs import cer
from tests.readers.conftest import make_settings

pytest.importorskip("pypdfium2")
needs_chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").is_file(), reason="needs Debian's chromium")
needs_tesseract = pytest.mark.skipif(not ocr_module.available(), reason="needs tesseract-ocr (CI installs it)")


def read(data: bytes, name: str, *overrides: str) -> list[Document | Rejected]:
    return list(open_content(Content(name, data=data), make_settings(*overrides)))


def only(data: bytes, name: str, *overrides: str) -> Document:
    (doc,) = read(data, name, *overrides)
    assert isinstance(doc, Document)
    return doc


@needs_chromium
@pytest.mark.parametrize("layout", inputs.LAYOUTS)
@pytest.mark.parametrize("lang", ["en", "de", "uk", "ar"])
def test_pdf_paragraphs_in_reading_order(lang: str, layout: str) -> None:
    data, expected = inputs.article_pdf(lang, layout)
    doc = only(data, f"{lang}-{layout}.pdf")
    assert doc.title == expected[0]
    found = [paragraph for paragraph in expected if paragraph in doc.text]
    assert len(found) >= len(expected) - (lang == "ar" and layout == "two-column"), doc.text
    assert cer(doc.text, "\n\n".join(expected)) < 0.01
    pages = doc.meta["pages"]
    assert pages[0][0] == 0 and pages[-1][1] == len(doc.text) - 1 and doc.text.endswith("\n")
    assert all(start <= end for start, end in pages)


@needs_chromium
def test_pdf_running_header_footer_and_page_numbers_are_left_out() -> None:
    data, expected = inputs.article_pdf("en", "header-footer")
    doc = only(data, "paged.pdf")
    header, footer = inputs.running_lines("en")
    assert len(doc.meta["pages"]) >= 3
    assert header not in doc.text
    assert footer.format(page=2, pages=len(doc.meta["pages"])) not in doc.text
    assert "\n\n".join(expected[1:]) in doc.text


@needs_chromium
def test_pdf_hyphenation_is_undone_and_compounds_keep_their_hyphen() -> None:
    for lang in ("de", "fr", "pt"):
        data, expected = inputs.article_pdf(lang, "hyphenated")
        doc = only(data, f"{lang}.pdf")
        assert "\u00ad" not in doc.text and "\u2010" not in doc.text
        assert all(paragraph in doc.text for paragraph in expected), lang


@needs_tesseract
def test_scanned_pdf_is_read_by_ocr_with_boxes_in_points() -> None:
    data, expected = inputs.scanned_pdf("en")
    doc = only(data, "scan.pdf")
    assert cer(doc.text, "\n\n".join(expected)) < 0.05
    assert doc.meta["ocr"]["pages"] == [1] and doc.meta["ocr"]["packs"] == ["eng"]
    boxes = doc.meta["boxes"]
    assert boxes["unit"] == "pt"
    (width, height), words = boxes["sizes"][0], boxes["words"]
    assert 590 < width < 600 and 835 < height < 850  # A4 in points
    for start, end, page, left, top, right, bottom in words:
        assert doc.text[start:end].strip() == doc.text[start:end] != ""
        assert page == 1 and 0 <= left < right <= width and 0 <= top < bottom <= height


def test_pdf_limits_and_bad_files() -> None:
    data, _ = inputs.many_pages_pdf(12)
    with pytest.raises(
        InputError, match=r"^\[E419\] big\.pdf: 12 pages exceed the limit of 10 \(set limits\.max_pages\)"
    ):
        read(data, "big.pdf", "limits.max_pages=10")
    encrypted, _ = inputs.encrypted_pdf()
    with pytest.raises(InputError, match=r"^\[E417\] locked\.pdf: the PDF is encrypted"):
        read(encrypted, "locked.pdf")
    with pytest.raises(InputError, match=r"^\[E406\] broken\.pdf: malformed PDF"):
        read(b"%PDF-1.7\n" + bytes(range(256)) * 4, "broken.pdf")
    assert detect_format_of(b"%PDF-1.4 anything", "noname") == "pdf"


@needs_tesseract
def test_pdf_without_text_and_without_tesseract_is_e418(monkeypatch) -> None:
    data, _ = inputs.scanned_pdf("en")
    monkeypatch.setattr(ocr_module, "installed_packs", lambda: frozenset())
    with pytest.raises(InputError, match=r"^\[E418\] scan\.pdf: has no text layer.*tesseract-ocr"):
        read(data, "scan.pdf")


def detect_format_of(data: bytes, name: str) -> str:
    from spinscope.readers.detect import format_of

    return format_of(Content(name, data=data))


@needs_tesseract
@pytest.mark.parametrize(("lang", "pack"), [("en", "eng"), ("de", "deu"), ("uk", "ukr"), ("ar", "ara")])
def test_screenshot_is_read_in_its_own_language(lang: str, pack: str) -> None:
    png, expected = inputs.screenshot(lang)
    doc = only(png, f"{lang}.png")
    assert doc.meta["ocr"]["packs"] == [pack]
    assert cer(doc.text, expected) < 0.12, doc.text  # the whole card: name, handle, post, date and counts
    assert doc.title is None
    boxes = doc.meta["boxes"]
    assert boxes["unit"] == "px"
    from PIL import Image

    size = Image.open(io.BytesIO(png)).size
    assert boxes["sizes"] == [[float(size[0]), float(size[1])]]
    for start, end, _, left, top, right, bottom in boxes["words"]:
        assert doc.text[start:end] and 0 <= left < right <= size[0] and 0 <= top < bottom <= size[1]


@needs_tesseract
def test_dark_screenshot_and_configured_language() -> None:
    png, expected = inputs.screenshot("de", theme="dark")
    assert cer(only(png, "dark.png").text, expected) < 0.08
    forced = only(png, "dark.png", "ocr.languages=eng")
    assert forced.meta["ocr"]["packs"] == ["eng"]


@needs_tesseract
def test_ocr_time_limit_is_e420() -> None:
    png, _ = inputs.screenshot("en")
    with pytest.raises(InputError, match=r"^\[E420\] slow\.png: OCR stopped after 0\.001 s"):
        read(png, "slow.png", "limits.ocr_timeout=0.001")


def test_bad_images_are_refused() -> None:
    for kind in ("truncated", "garbage"):
        with pytest.raises(InputError, match=r"^\[E406\] bad\.png: malformed image"):
            read(inputs.corrupt_image(kind), "bad.png")
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # 400 megapixels, a small file
    with pytest.raises(InputError, match=r"^\[E419\] huge\.png: 400000000 pixels exceed the limit"):
        read(buffer.getvalue(), "huge.png")
    assert detect_format_of(buffer.getvalue(), "no-suffix") == "image"


def test_docx_body_in_order_without_header_and_footer() -> None:
    data, expected = inputs.docx_file("de")
    doc = only(data, "entwurf.docx")
    assert doc.title == expected[0]
    assert doc.text.startswith(expected[0] + "\n\n")
    assert all(paragraph in doc.text for paragraph in expected)
    assert "www.example.org" not in doc.text
    assert detect_format_of(data, "entwurf") == "docx"


def test_docx_zip_bomb_encrypted_and_broken() -> None:
    with pytest.raises(InputError, match=r"^\[E419\] bomb\.docx: \d+ unpacked bytes exceed the limit"):
        read(inputs.zip_bomb_docx(), "bomb.docx")
    with pytest.raises(InputError, match=r"^\[E417\] locked\.docx: the Word document is encrypted"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "locked.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not-really/>")
    with pytest.raises(InputError, match=r"^\[E406\] broken\.docx: malformed Word document"):
        read(buffer.getvalue(), "broken.docx")


@needs_chromium
@needs_tesseract
def test_eml_body_and_attachments() -> None:
    data, expected = inputs.eml_file("en")
    items = read(data, "tip.eml")
    docs = {item.id: item for item in items if isinstance(item, Document)}
    assert [item for item in items if isinstance(item, Rejected)] == []
    body = docs["tip"]
    assert body.title == inputs.sample_texts()["en"][0]
    assert body.date == "2026-12-07"
    assert all(paragraph in body.text for paragraph in expected)
    attached = sorted(key for key in docs if key != "tip")
    assert len(attached) == 3 and all(key.startswith("tip:") for key in attached), attached
    assert {Path(docs[key].source).suffix for key in attached} == {".pdf", ".docx", ".png"}
    assert all(docs[key].meta["attachment_of"] == "tip.eml" for key in attached)


def test_eml_bad_attachment_is_reported_and_the_rest_read(tmp_path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Statement"
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    message.set_content("The ministry said the bridge reopens on Friday.\n")
    message.add_attachment(b"%PDF-1.7 broken", maintype="application", subtype="pdf", filename="../../x.pdf")
    message.add_attachment(b"A second note.\n", maintype="text", subtype="plain", filename="note.txt")
    path = tmp_path / "mail.eml"
    path.write_bytes(bytes(message))
    items = list(open_input(str(path), make_settings()))
    assert [type(item).__name__ for item in items] == ["Document", "Rejected", "Document"]
    assert items[0].date == "2026-12-07" and items[0].title == "Statement"
    assert items[1].message.startswith("[E406] mail:x.pdf: malformed PDF")
    assert items[2].id == "mail:note.txt" and items[2].text == "A second note.\n"
    limited = list(open_input(str(path), make_settings("limits.max_attachments=1")))
    assert "limits.max_attachments" in limited[-1].message
    assert detect_format(str(path)) == "eml"


def test_folder_reads_every_kind(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("A plain article about the harbour.\n", encoding="utf-8")
    docx_data, _ = inputs.docx_file("en")
    (tmp_path / "b.docx").write_bytes(docx_data)
    (tmp_path / "c.png").write_bytes(inputs.corrupt_image("garbage"))
    items = list(open_input(str(tmp_path), make_settings()))
    assert [item.id for item in items if isinstance(item, Document)] == ["a", "b"]
    (rejected,) = [item for item in items if isinstance(item, Rejected)]
    assert rejected.source.endswith("c.png") and rejected.message.startswith("[E406]")


@needs_tesseract
def test_a_script_that_detection_cannot_name_is_tried_in_turn() -> None:
    """Two short lines of Hindi: too few letters for Tesseract's script detection, so each installed script's
    pack reads them and the most confident wins (then py3langid names the language)."""
    font_path = Path("/usr/share/fonts/truetype/noto/NotoSansDevanagari-Regular.ttf")
    if "hin" not in ocr_module.installed_packs() or not font_path.is_file():
        pytest.skip("needs tesseract-ocr-hin and fonts-noto-core (CI installs both)")
    from PIL import Image, ImageDraw, ImageFont

    text = "सरकार ने मंगलवार को नई योजना की घोषणा की।\nविपक्ष ने इसे जनता के साथ धोखा बताया।"
    image = Image.new("RGB", (700, 110), "white")
    ImageDraw.Draw(image).multiline_text((15, 15), text, font=ImageFont.truetype(str(font_path), 22), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    doc = only(buffer.getvalue(), "hi.png")
    assert doc.meta["ocr"]["packs"] == ["hin"]
    assert cer(doc.text, text) < 0.05


@needs_tesseract
def test_with_one_pack_only_ocr_reads_with_it(monkeypatch) -> None:
    """A machine with Tesseract and only, say, the German pack: no script's first-pass pack is there."""
    monkeypatch.setattr(ocr_module, "installed_packs", lambda: frozenset({"deu", "osd"}))
    png, expected = inputs.screenshot("de")
    doc = only(png, "de.png")
    assert doc.meta["ocr"]["packs"] == ["deu"] and cer(doc.text, expected) < 0.12
