"""Generated test inputs: PDFs, scans, screenshots, DOCX, e-mails and hostile files, each with its ground truth.

Everything is made at run time from the hand-written texts of `tests.inputs_texts`; nothing is downloaded. Every
generator returns the file's bytes and the exact text a perfect reader finds in it (a list of blocks in reading
order, or one string for a screenshot). Chromium output is cached per process; the browser (Debian's
/usr/bin/chromium driven by Playwright, or the `chromium --print-to-pdf` command line where Playwright is missing)
is started once, on first use.

    from tests.inputs import article_pdf, screenshot
    pdf, paragraphs = article_pdf("de", "hyphenated")
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import html as htmlmod
import io
import os
import queue
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from email.message import EmailMessage
from email.policy import SMTP
from hashlib import md5
from pathlib import Path
from typing import Any

from .inputs_texts import OUTLETS, PROPAGANDA, TEXTS

CHROMIUM = os.environ.get("SPINSCOPE_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
LANGS = tuple(TEXTS)
LAYOUTS = ("one-column", "two-column", "header-footer", "hyphenated")
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
# font key -> (CSS family for Latin/Cyrillic, regular file, bold file, CSS family for Arabic, regular, bold)
FONTS: dict[str, tuple[str, str, str, str, str, str]] = {
    "sans": ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "Noto Sans Arabic", "NotoSansArabic-Regular.ttf",
             "NotoSansArabic-Bold.ttf"),
    "serif": ("Noto Serif", "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "Noto Naskh Arabic",
              "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "noto-sans": ("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "Noto Sans Arabic",
                  "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
}  # fmt: skip
THEMES = {  # background, text, secondary text, avatar
    "light": ("#ffffff", "#0f1419", "#536471", "#1d9bf0"),
    "dark": ("#15202b", "#e7e9ea", "#8b98a5", "#794bc4"),
}
DATE = "Mon, 07 Dec 2026 09:41:00 +0000"
META_LINE = "09:41 · 07.12.2026 · 12.4K"


# ---------------------------------------------------------------------------------------------- texts


def sample_texts() -> dict[str, tuple[str, list[str]]]:
    """Hand-written news texts: lang -> (title, paragraphs); en..ar 4 paragraphs, bg and pt 2 (a fresh copy)."""
    return {lang: (title, list(paras)) for lang, (title, paras) in TEXTS.items()}


def is_rtl(lang: str) -> bool:
    return lang == "ar"


_VOWELS = set("aeiouyäöüàâæéèêëîïôœùûáíóúãõąęåøаеёиоуыэюяіїєъ")
_DIGRAPHS = {"ch", "ck", "sh", "th", "ph", "gn", "qu", "gl", "sz", "cz", "rz"}
_WORD = re.compile(r"[^\W\d_]{8,}")


def soft_hyphenate(text: str) -> str:
    """Soft hyphens (U+00AD) at rough syllable breaks (before a consonant and vowel) in words of 8+ letters."""

    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        low = w.lower()
        out, last = [], 0
        for i in range(3, len(w) - 2):  # before the last consonant of a cluster that a vowel follows
            cv = low[i] not in _VOWELS and low[i + 1] in _VOWELS and low[i - 1 : i + 1] not in _DIGRAPHS
            if cv and i - last >= 3 and any(c in _VOWELS for c in low[last:i]):
                out.append(w[last:i])
                last = i
        out.append(w[last:])
        return "\u00ad".join(out)

    return _WORD.sub(one, text)


def running_lines(lang: str) -> tuple[str, str]:
    """The running header of the header-footer PDFs and the format of their footer ("{page} / {pages}")."""
    outlet, section, _ = OUTLETS[lang]
    return f"{outlet} — {section}", "{page} / {pages}"


def font_file(name: str) -> str:
    for d in FONT_DIRS:
        if (d / name).is_file():
            return str(d / name)
    raise FileNotFoundError(name)


# ---------------------------------------------------------------------------------------------- Chromium


class _Browser:
    """One Playwright-driven Chromium for the process, on a thread of its own: the sync API binds to the thread
    that starts it, and a second instance on the same thread (a test's `with sync_playwright()`) would fail."""

    def __init__(self) -> None:
        self.tasks: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        threading.Thread(target=self._loop, name="tests.inputs-chromium", daemon=True).start()
        self.call(self._start)
        atexit.register(self.close)

    def _loop(self) -> None:
        while True:
            fn, fut = self.tasks.get()
            try:
                fut.set_result(fn())
            except BaseException as exc:
                fut.set_exception(exc)

    def call(self, fn: Callable[[], Any], timeout: float = 120.0) -> Any:
        fut: Future[Any] = Future()
        self.tasks.put((fn, fut))
        return fut.result(timeout)

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.pw = sync_playwright().start()
        try:
            self.browser = self.pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        except Exception:
            self.pw.stop()
            raise
        self.page = self.browser.new_page()
        self.shot_pages: dict[float, Any] = {}

    def pdf(self, html: str) -> bytes:
        def run() -> bytes:
            self.page.set_content(html, wait_until="load")
            return self.page.pdf(prefer_css_page_size=True, print_background=True)

        return self.call(run)

    def screenshot(self, html: str, selector: str, scale: float) -> bytes:
        def run() -> bytes:
            if scale not in self.shot_pages:
                ctx = self.browser.new_context(device_scale_factor=scale, viewport={"width": 800, "height": 600})
                self.shot_pages[scale] = ctx.new_page()
            page = self.shot_pages[scale]
            page.set_content(html, wait_until="load")
            return page.locator(selector).screenshot(type="png")

        return self.call(run)

    def close(self) -> None:
        def run() -> None:
            try:
                self.browser.close()
            finally:
                self.pw.stop()

        with contextlib.suppress(Exception):
            self.call(run, timeout=10)


@functools.cache
def _browser() -> _Browser | None:
    if os.environ.get("SPINSCOPE_CHROMIUM_ENGINE") == "cli":
        return None
    try:
        return _Browser()
    except Exception:  # no Playwright, or it cannot start the browser: the command line instead
        return None


def _chromium_cli_pdf(html: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.html", Path(tmp) / "out.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return out.read_bytes()


@functools.lru_cache(maxsize=512)
def chromium_pdf(html: str, engine: str = "auto") -> bytes:
    """HTML printed to PDF by Chromium ("auto": Playwright's page.pdf, else "cli": `chromium --print-to-pdf`)."""
    b = _browser() if engine in ("auto", "playwright") else None
    if b is None:
        if engine == "playwright":
            raise RuntimeError("Playwright cannot start Chromium")
        return _chromium_cli_pdf(html)
    return b.pdf(html)


def pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


# ---------------------------------------------------------------------------------------------- PDFs

_ARTICLE_CSS = """
@page {{ size: {page}; margin: {margin}; {boxes} }}
body {{ font: {size}pt/1.45 '{font}'; color: #111; margin: 0; }}
h1 {{ font: bold {title_size}pt/1.2 '{font}'; margin: 0 0 6mm; }}
p {{ margin: 0 0 3.5mm; text-align: justify; }}
{extra}
"""


def _css_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def article_html(lang: str, layout: str, *, size: float = 11.0, font: str = "serif") -> str:
    """The HTML page `article_pdf` prints (for a browser-side look at a layout)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout {layout!r}: one of {LAYOUTS}")
    title, paras = TEXTS[lang]
    family = FONTS[font][3 if is_rtl(lang) else 0]
    page, margin, boxes, extra = "A4", "20mm 18mm", "", ""
    if layout == "two-column":
        extra = ".body { column-count: 2; column-gap: 9mm; }"
    elif layout == "header-footer":
        head, _ = running_lines(lang)
        page, margin = "105mm 148mm", "17mm 11mm"
        boxes = (
            f"@top-center {{ content: {_css_string(head)}; font: 8pt '{family}'; color: #555; }} "
            f"@bottom-center {{ content: counter(page) \" / \" counter(pages); font: 8pt '{family}'; color: #555; }}"
        )
    elif layout == "hyphenated":
        extra = ".body { width: 48mm; hyphens: manual; -webkit-hyphens: manual; }"
        paras = tuple(soft_hyphenate(p) for p in paras)
    css = _ARTICLE_CSS.format(page=page, margin=margin, boxes=boxes, size=size, title_size=round(size * 1.6, 1),
                              font=family, extra=extra)  # fmt: skip
    body = "".join(f"<p>{htmlmod.escape(p, quote=False)}</p>" for p in paras)
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><style>{css}</style>'
        f'</head><body><article><h1>{htmlmod.escape(title, quote=False)}</h1><div class="body">{body}</div>'
        f"</article></body></html>"
    )


@functools.lru_cache(maxsize=256)
def _article_pdf(lang: str, layout: str, font: str) -> tuple[bytes, tuple[str, ...]]:
    title, paras = TEXTS[lang]
    size = 11.0
    pdf = chromium_pdf(article_html(lang, layout, size=size, font=font))
    while layout == "header-footer" and pdf_page_count(pdf) < 3:  # short texts: larger type until 3 pages
        size = round(size * 1.2, 1)
        pdf = chromium_pdf(article_html(lang, layout, size=size, font=font))
    return pdf, (title, *paras)


def article_pdf(lang: str, layout: str = "one-column", *, font: str = "serif") -> tuple[bytes, list[str]]:
    """A Chromium-printed news article (text layer) in a layout of LAYOUTS; expected: [title, *paragraphs]."""
    pdf, expected = _article_pdf(lang, layout, font)
    return pdf, list(expected)


def _wrap(text: str, font: Any, width: float, lang: str) -> list[str]:
    kw = {"direction": "rtl", "language": "ar"} if is_rtl(lang) else {}
    lines, line = [], ""
    for word in text.split():
        cand = f"{line} {word}" if line else word
        if line and font.getlength(cand, **kw) > width:
            lines.append(line)
            line = word
        else:
            line = cand
    if line:
        lines.append(line)
    return lines


def _draw_line(draw: Any, x: float, right: float, y: float, line: str, font: Any, fill: str, lang: str) -> None:
    if is_rtl(lang):
        draw.text((right, y), line, font=font, fill=fill, anchor="ra", direction="rtl", language="ar")
    else:
        draw.text((x, y), line, font=font, fill=fill)


@functools.lru_cache(maxsize=64)
def _scanned_pdf(lang: str, dpi: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    title, paras = TEXTS[lang]
    _, reg, bold, _, areg, abold = FONTS["serif"]
    if is_rtl(lang):
        reg, bold = areg, abold
    px = dpi / 72
    body = ImageFont.truetype(font_file(reg), round(11 * px))
    head = ImageFont.truetype(font_file(bold), round(17 * px))
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    margin = round(0.8 * dpi)
    pages: list[Any] = []
    page = draw = None
    y = h

    def need(height: float) -> None:
        nonlocal page, draw, y
        if y + height > h - margin:
            page = Image.new("L", (w, h), 255)
            draw = ImageDraw.Draw(page)
            pages.append(page)
            y = margin

    for block, font, gap in [(title, head, 8 * px)] + [(p, body, 6 * px) for p in paras]:
        line_h = font.size * 1.4
        for line in _wrap(block, font, w - 2 * margin, lang):
            need(line_h)
            _draw_line(draw, margin, w - margin, y, line, font, "black", lang)
            y += line_h
        y += gap
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def scanned_pdf(lang: str, *, dpi: int = 150) -> tuple[bytes, list[str]]:
    """An image-only PDF (Pillow renders A4 pages at `dpi`; no text layer); expected: [title, *paragraphs]."""
    title, paras = TEXTS[lang]
    return _scanned_pdf(lang, dpi), [title, *paras]


def many_pages_pdf(n: int, lang: str = "en") -> tuple[bytes, list[str]]:
    """The one-column article's first page repeated n times (pypdfium2 import_pages); expected: page text x n."""
    import pypdfium2 as pdfium

    src_bytes, _ = article_pdf(lang, "one-column")
    src = pdfium.PdfDocument(src_bytes)
    dest = pdfium.PdfDocument.new()
    try:
        done = 0
        while done < n:  # in slices, so a huge n does not build one huge index list
            k = min(n - done, 1000)
            dest.import_pages(src, [0] * k)
            done += k
        buf = io.BytesIO()
        dest.save(buf)
        page_text = src[0].get_textpage().get_text_range()
    finally:
        dest.close()
        src.close()
    lines = [ln for ln in page_text.replace("\r\n", "\n").split("\n") if ln.strip()]
    return buf.getvalue(), lines * n


# Minimal RC4 and the standard security handler, revision 2 (40-bit RC4), written out by hand: nothing here can
# write encryption otherwise (pypdfium2 cannot, no qpdf or pikepdf installed).
_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def _pdf_str(s: str) -> bytes:
    return s.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def encrypted_pdf(user_password: str = "secret", owner_password: str = "owner") -> tuple[bytes, list[str]]:
    """A one-page PDF encrypted by hand (RC4 40-bit, standard handler R2; "" user password opens without one)."""
    lines = ["Confidential briefing", "The port authority will publish the audit on Friday."]
    file_id = md5(b"spinscope-encrypted").digest()
    perms = -4  # everything allowed
    o_key = md5((owner_password.encode("latin-1") + _PAD)[:32]).digest()[:5]
    o_entry = _rc4(o_key, (user_password.encode("latin-1") + _PAD)[:32])
    key = md5((user_password.encode("latin-1") + _PAD)[:32] + o_entry + struct.pack("<i", perms) + file_id).digest()[:5]
    u_entry = _rc4(key, _PAD)

    def obj_key(num: int) -> bytes:
        return md5(key + struct.pack("<i", num)[:3] + b"\0\0").digest()[:10]

    ops = [b"BT /F1 14 Tf 72 760 Td 18 TL"] + [b"(" + _pdf_str(ln) + b") Tj T*" for ln in lines] + [b"ET"]
    stream = _rc4(obj_key(4), b"\n".join(ops))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + o_entry.hex().encode() + b"> /U <" + u_entry.hex().encode()
        + b"> /P %d >>" % perms,
    ]  # fmt: skip
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    ident = file_id.hex().encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (len(objects) + 1, ident, ident)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out), lines


# ---------------------------------------------------------------------------------------------- screenshots


def post_text(lang: str) -> tuple[str, str, str, str]:
    """The social-media post of a screenshot: (display name, handle, body, meta line)."""
    outlet, _, handle = OUTLETS[lang]
    return outlet, handle, TEXTS[lang][1][PROPAGANDA[lang]], META_LINE


def _post_expected(lang: str) -> str:
    return "\n".join(post_text(lang))


@functools.lru_cache(maxsize=512)
def _pillow_card(lang: str, theme: str, font: str, size: int, scale: float) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    name, handle, body, meta = post_text(lang)
    bg, fg, grey, avatar = THEMES[theme]
    fam = FONTS[font]
    reg, bold = (fam[4], fam[5]) if is_rtl(lang) else (fam[1], fam[2])
    s = scale
    f_body = ImageFont.truetype(font_file(reg), round(size * s))
    f_name = ImageFont.truetype(font_file(bold), round(size * s))
    f_latin = ImageFont.truetype(font_file(fam[1]), round(size * 0.93 * s))  # the handle and the meta line
    pad, av = round(16 * s), round(48 * s)
    width = round(560 * s)
    lines = _wrap(body, f_body, width - 2 * pad, lang)
    line_h = round(size * 1.4 * s)
    height = pad + av + round(12 * s) + line_h * len(lines) + round(12 * s) + line_h + pad
    img = Image.new("RGB", (width, height), bg)
    d = ImageDraw.Draw(img)
    rtl = is_rtl(lang)
    ax = width - pad - av if rtl else pad
    d.ellipse((ax, pad, ax + av, pad + av), fill=avatar)
    tx, right = pad + av + round(10 * s), width - pad - av - round(10 * s)
    _draw_line(d, tx, right, pad + round(2 * s), name, f_name, fg, lang)
    hy = pad + round(av / 2 + 2 * s)
    if rtl:
        d.text((right, hy), handle, font=f_latin, fill=grey, anchor="ra")
    else:
        d.text((tx, hy), handle, font=f_latin, fill=grey)
    y = pad + av + round(12 * s)
    for line in lines:
        _draw_line(d, pad, width - pad, y, line, f_body, fg, lang)
        y += line_h
    y += round(12 * s)
    if rtl:
        d.text((width - pad, y), meta, font=f_latin, fill=grey, anchor="ra")
    else:
        d.text((pad, y), meta, font=f_latin, fill=grey)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def card_html(lang: str, *, theme: str = "light", font: str = "sans", size: int = 17) -> str:
    """The HTML social-media card the Chromium screenshots are taken of."""
    name, handle, body, meta = post_text(lang)
    bg, fg, grey, avatar = THEMES[theme]
    fam = FONTS[font]
    family = fam[3] if is_rtl(lang) else fam[0]
    e = functools.partial(htmlmod.escape, quote=False)
    direction = "rtl" if is_rtl(lang) else "ltr"
    return f"""<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><style>
body {{ margin: 0; background: {bg}; }}
.card {{ width: 528px; padding: 16px; background: {bg}; color: {fg}; font: {size}px/1.4 '{family}'; }}
.head {{ display: flex; align-items: center; gap: 10px; margin-bottom: 12px; }}
.avatar {{ width: 48px; height: 48px; border-radius: 50%; background: {avatar}; flex: none; }}
.name {{ font-weight: bold; }}
.handle, .meta {{ color: {grey}; font-family: '{fam[0]}'; font-size: {size * 0.93:.1f}px; }}
.handle, .meta {{ direction: ltr; unicode-bidi: isolate; }}
.meta {{ margin-top: 12px; text-align: {"right" if is_rtl(lang) else "left"}; }}
</style></head><body><div class="card"><div class="head"><div class="avatar"></div><div><div class="name">{e(name)}
</div><div class="handle">{e(handle)}</div></div></div><div class="text">{e(body)}</div><div class="meta">{e(meta)}
</div></div></body></html>"""


@functools.lru_cache(maxsize=512)
def _chromium_card(lang: str, theme: str, font: str, size: int, scale: float) -> bytes:
    b = _browser()
    if b is None:
        raise RuntimeError("Chromium screenshots need Playwright")
    return b.screenshot(card_html(lang, theme=theme, font=font, size=size), ".card", scale)


def screenshot(
    lang: str, *, theme: str = "light", font: str = "sans", size: int = 17, scale: float = 1.0, engine: str = "pillow"
) -> tuple[bytes, str]:
    """A PNG social-media card of the language's propaganda paragraph (engine "pillow" or "chromium"); expected:
    "name\\nhandle\\nbody\\nmeta"."""
    if theme not in THEMES or font not in FONTS:
        raise ValueError(f"theme in {tuple(THEMES)}, font in {tuple(FONTS)}")
    make = {"pillow": _pillow_card, "chromium": _chromium_card}[engine]
    return make(lang, theme, font, size, float(scale)), _post_expected(lang)


def corrupt_image(kind: str = "truncated") -> bytes:
    """A broken PNG: "truncated" (cut in the image data), "garbage" (PNG signature, then noise) or "bad-crc"."""
    png, _ = screenshot("en")
    if kind == "truncated":
        return png[: len(png) // 2]
    if kind == "garbage":
        return png[:8] + bytes((i * 97 + 13) % 256 for i in range(4096))
    if kind == "bad-crc":
        at = png.index(b"IDAT") + 4  # the first image-data byte
        return png[:at] + bytes([png[at] ^ 0xFF]) + png[at + 1 :]
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------- DOCX, e-mail


def _rtl_paragraph(par: Any) -> None:
    from docx.oxml import OxmlElement

    ppr = par._p.get_or_add_pPr()
    ppr.append(OxmlElement("w:bidi"))
    for run in par.runs:
        run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


@functools.lru_cache(maxsize=32)
def _docx_file(lang: str) -> bytes:
    import docx

    title, paras = TEXTS[lang]
    outlet, section, _ = OUTLETS[lang]
    d = docx.Document()
    d.core_properties.title = title
    d.core_properties.language = lang
    made = [d.add_heading(title, level=1)] + [d.add_paragraph(p) for p in paras]
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = outlet
    table.rows[0].cells[1].text = "07.12.2026"
    sec = d.sections[0]
    sec.header.paragraphs[0].text = f"{outlet} — {section}"
    sec.footer.paragraphs[0].text = "www.example.org"
    if is_rtl(lang):
        for par in made:
            _rtl_paragraph(par)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_file(lang: str) -> tuple[bytes, list[str]]:
    """A python-docx article: Heading 1 title, paragraphs, a table row (outlet, date), header and footer;
    expected body: [title, *paragraphs, outlet, "07.12.2026"] (header "outlet — section", footer www.example.org)."""
    title, paras = TEXTS[lang]
    return _docx_file(lang), [title, *paras, OUTLETS[lang][0], "07.12.2026"]


def eml_file(lang: str, attachments: tuple[str, ...] = ("pdf", "docx", "png")) -> tuple[bytes, list[str]]:
    """An RFC 5322 e-mail: subject = title, plain-text body + HTML alternative, attachments made above (the
    article PDF, the DOCX, a screenshot); expected: the body's paragraphs."""
    title, paras = TEXTS[lang]
    outlet, _, _ = OUTLETS[lang]
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"{outlet} <desk@example.org>"
    msg["To"] = "tips@example.net"
    msg["Subject"] = title
    msg["Date"] = DATE
    msg["Message-ID"] = f"<{lang}-article@example.org>"
    msg.set_content("\n\n".join(paras) + "\n")
    e = functools.partial(htmlmod.escape, quote=False)
    direction = "rtl" if is_rtl(lang) else "ltr"
    msg.add_alternative(
        f'<html dir="{direction}"><body><h1>{e(title)}</h1>' + "".join(f"<p>{e(p)}</p>" for p in paras)
        + "</body></html>",
        subtype="html",
    )  # fmt: skip
    made = {
        "pdf": lambda: (article_pdf(lang)[0], "application", "pdf", f"article-{lang}.pdf"),
        "docx": lambda: (docx_file(lang)[0], "application",
                         "vnd.openxmlformats-officedocument.wordprocessingml.document", f"article-{lang}.docx"),
        "png": lambda: (screenshot(lang)[0], "image", "png", f"post-{lang}.png"),
    }  # fmt: skip
    for kind in attachments:
        data, main, sub, name = made[kind]()
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return msg.as_bytes(), list(paras)


# ---------------------------------------------------------------------------------------------- zip bomb

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    '<w:t xml:space="preserve">Breaking news'
)
_DOC_TAIL = "</w:t></w:r></w:p></w:body></w:document>"


def _deflate(data: bytes, final: bool) -> bytes:
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


@functools.lru_cache(maxsize=4)
def zip_bomb_docx(size: int = 1_100_000_000) -> bytes:
    """A ~1 MB .docx whose word/document.xml inflates to `size` bytes (spaces in one w:t): a valid deflate
    stream of one 1 MiB block of spaces, compressed once and repeated (dictionary reset between copies)."""
    chunk = 1 << 20
    n = max(1, size // chunk)
    head, tail = _DOC_HEAD.encode(), _DOC_TAIL.encode()
    block = _deflate(b" " * chunk, final=False)
    comp = _deflate(head, final=False) + block * n + _deflate(tail, final=True)
    usize = len(head) + n * chunk + len(tail)
    crc = zlib.crc32(tail, _spaces_crc_after(head, n, chunk))
    entries = [
        ("[Content_Types].xml", _DOCX_TYPES.encode(), None),
        ("_rels/.rels", _DOCX_RELS.encode(), None),
        ("word/document.xml", None, (comp, usize, crc)),
    ]
    out, central = bytearray(), bytearray()
    for name, data, pre in entries:
        if pre is None:
            assert data is not None
            comp_i, usize_i, crc_i = _deflate(data, final=True), len(data), zlib.crc32(data)
        else:
            comp_i, usize_i, crc_i = pre
        fname = name.encode()
        offset = len(out)
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc_i, len(comp_i), usize_i)
        out += b"PK\x03\x04" + fields + struct.pack("<HH", len(fname), 0) + fname + comp_i
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        central += struct.pack("<HHHHHII", len(fname), 0, 0, 0, 0, 0, offset) + fname
    cd_offset = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


def _spaces_crc_after(head: bytes, n: int, chunk: int) -> int:
    """CRC-32 of head + n * chunk spaces (the spaces part cached: it is the slow half-second)."""
    crc, block = zlib.crc32(head), b" " * chunk
    for _ in range(n):
        crc = zlib.crc32(block, crc)
    return crc


def zip_declared_size(data: bytes) -> int:
    """The sum of a zip's declared uncompressed sizes (what a reader must check before inflating)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return sum(i.file_size for i in zf.infolist())


# ---------------------------------------------------------------------------------------------- scoring


def normalise(text: str) -> str:
    """Whitespace runs (newlines, CR LF, tabs) to one space, stripped: what CER and containment compare."""
    return " ".join(text.split())


def _myers(pattern: str, text: str, *, anywhere: bool) -> int:
    """Bit-parallel edit distance (Myers 1999 / Hyyrö 2001) on Python ints, O(len(text)) big-int steps: of
    `pattern` against all of `text`, or (`anywhere`) against its best-matching substring."""
    m = len(pattern)
    if m == 0:
        return 0 if anywhere else len(text)
    peq: dict[str, int] = {}
    for i, c in enumerate(pattern):
        peq[c] = peq.get(c, 0) | (1 << i)
    full, top = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = full, 0, m
    best = m
    for c in text:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | (not anywhere)) & full  # anywhere: a free start in `text`, row 0 stays 0
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        best = min(best, score)
    return best if anywhere else score


def levenshtein(a: str, b: str) -> int:
    """Edit distance."""
    return _myers(b, a, anywhere=False) if len(a) >= len(b) else _myers(a, b, anywhere=False)


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate: edit distance of the normalised texts over the reference's length."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return levenshtein(hyp, ref) / max(1, len(ref))


def infix_distance(pattern: str, text: str) -> int:
    """The least edit distance between `pattern` and any substring of `text` (Myers' search mode)."""
    return _myers(pattern, text, anywhere=True)


def body_cer(hypothesis: str, body: str) -> float:
    """CER of `body` against the best-matching stretch of the hypothesis (a post's text among its card's)."""
    ref = normalise(body)
    return infix_distance(ref, normalise(hypothesis)) / max(1, len(ref))
