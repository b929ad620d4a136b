"""The generated test inputs (`tests.inputs`) are what they promise: pages, text layers, image modes, sizes."""

from __future__ import annotations

import email
import io
import zipfile
from email.policy import default
from pathlib import Path

import pytest

from tests import inputs
from tests.inputs import (
    CHROMIUM,
    LANGS,
    article_pdf,
    body_cer,
    cer,
    corrupt_image,
    docx_file,
    eml_file,
    encrypted_pdf,
    levenshtein,
    many_pages_pdf,
    normalise,
    running_lines,
    sample_texts,
    scanned_pdf,
    screenshot,
    soft_hyphenate,
    zip_bomb_docx,
    zip_declared_size,
)

pdfium = pytest.importorskip("pypdfium2")
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium")


def pdf_pages(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def test_sample_texts() -> None:
    texts = sample_texts()
    assert set(texts) == set(LANGS) == {"en", "de", "fr", "it", "es", "pl", "uk", "ru", "ar", "bg", "pt"}
    for lang, (title, paras) in texts.items():
        assert title and len(paras) in ((2,) if lang in ("bg", "pt") else (3, 4)), lang
        assert all(len(p) > 40 for p in paras)
        if lang != "ar":  # a real hyphenated compound in the propaganda paragraph
            assert "-" in paras[inputs.PROPAGANDA[lang]], lang
    texts["en"][1].clear()
    assert sample_texts()["en"][1], "a fresh copy each call"


def test_soft_hyphenate_only_adds_soft_hyphens() -> None:
    text = sample_texts()["de"][1][1]
    marked = soft_hyphenate(text)
    assert marked.replace("\u00ad", "") == text
    assert marked.count("\u00ad") > 10


def test_scores() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert cer("a  b\r\nc", "a b c") == 0.0
    assert cer("abXd", "abcd") == 0.25
    assert body_cer("@handle\nthe post text\n09:41", "the post text") == 0.0


@needs_chromium
def test_article_pdf_layouts() -> None:
    for layout in inputs.LAYOUTS:
        data, expected = article_pdf("de", layout)
        pages = pdf_pages(data)
        assert data.startswith(b"%PDF") and all(p.strip() for p in pages), layout
        assert expected[0] == sample_texts()["de"][0]
        text = "\n".join(pages)
        if layout == "one-column":
            assert normalise(text) == normalise("\n".join(expected))
        if layout == "header-footer":
            head, foot = running_lines("de")
            assert len(pages) >= 3
            for number, page in enumerate(pages, 1):
                assert head in page and foot.format(page=number, pages=len(pages)) in page
        if layout == "hyphenated":  # words broken at a line end with a hyphen (Chromium writes U+2010)
            assert "\u2010\r\n" in text
    assert article_pdf("de")[0] is article_pdf("de")[0], "cached per process"


@needs_chromium
def test_many_pages_pdf() -> None:
    data, lines = many_pages_pdf(300)
    doc = pdfium.PdfDocument(data)
    assert len(doc) == 300 and len(data) < 200_000 * 3
    assert lines[0] in doc[299].get_textpage().get_text_range()
    doc.close()


def test_scanned_pdf_has_no_text_layer() -> None:
    data, expected = scanned_pdf("ru")
    doc = pdfium.PdfDocument(data)
    assert len(doc) >= 1 and expected[0] == sample_texts()["ru"][0]
    assert all(doc[i].get_textpage().count_chars() == 0 for i in range(len(doc)))
    image = doc[0].render(scale=0.25).to_pil().convert("L")
    assert image.getextrema()[0] < 100, "something dark drawn on the page"
    doc.close()


def test_encrypted_pdf() -> None:
    data, lines = encrypted_pdf()
    with pytest.raises(pdfium.PdfiumError):
        pdfium.PdfDocument(data)
    doc = pdfium.PdfDocument(data, password="secret")
    assert normalise(doc[0].get_textpage().get_text_range()) == normalise("\n".join(lines))
    assert b"/Encrypt" in encrypted_pdf("")[0]
    assert pdfium.PdfDocument(encrypted_pdf("")[0])[0].get_textpage().count_chars() > 0  # empty user password


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pillow_screenshot(lang: str, theme: str) -> None:
    from PIL import Image, ImageStat

    png, expected = screenshot(lang, theme=theme, size=15)
    image = Image.open(io.BytesIO(png))
    assert png.startswith(b"\x89PNG") and image.mode == "RGB" and image.width == 560
    assert inputs.TEXTS[lang][1][inputs.PROPAGANDA[lang]] in expected
    mean = ImageStat.Stat(image.convert("L")).mean[0]
    assert (mean > 180) if theme == "light" else (mean < 90)
    big, _ = screenshot(lang, theme=theme, size=15, scale=2)
    assert Image.open(io.BytesIO(big)).width == 1120


@needs_chromium
def test_chromium_screenshot() -> None:
    from PIL import Image

    png, expected = screenshot("uk", theme="dark", engine="chromium", scale=2)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1120 and expected.startswith("Львівський вісник")


def test_docx_file() -> None:
    import docx

    data, expected = docx_file("fr")
    d = docx.Document(io.BytesIO(data))
    title, paras = sample_texts()["fr"]
    assert [p.text for p in d.paragraphs] == [title, *paras]
    assert d.paragraphs[0].style.name == "Heading 1"
    assert [c.text for c in d.tables[0].rows[0].cells] == expected[-2:]
    assert running_lines("fr")[0] == d.sections[0].header.paragraphs[0].text


@needs_chromium
def test_eml_file() -> None:
    data, expected = eml_file("pl")
    msg = email.message_from_bytes(data, policy=default)
    assert msg["Subject"] == sample_texts()["pl"][0]
    assert normalise(msg.get_body(("plain",)).get_content()) == normalise(" ".join(expected))
    assert msg.get_body(("html",)) is not None
    kinds = [part.get_content_type() for part in msg.iter_attachments()]
    assert kinds == ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "image/png"]  # fmt: skip
    pdf = next(msg.iter_attachments()).get_content()
    assert pdf == article_pdf("pl")[0]


def test_zip_bomb_docx() -> None:
    data = zip_bomb_docx()
    assert len(data) < 2_000_000 and zip_declared_size(data) > 1_000_000_000
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("word/document.xml") as f:
        head = f.read(4096)  # streamed: only the start is inflated
    assert head.startswith(b"<?xml") and head.endswith(b" " * 100)
    small = zip_bomb_docx(5 << 20)
    with zipfile.ZipFile(io.BytesIO(small)) as zf:
        assert zf.testzip() is None and zf.read("word/document.xml").endswith(b"</w:document>")


@pytest.mark.parametrize("kind", ["truncated", "garbage", "bad-crc"])
def test_corrupt_image(kind: str) -> None:
    from PIL import Image

    with pytest.raises((OSError, SyntaxError)):
        Image.open(io.BytesIO(corrupt_image(kind))).load()
