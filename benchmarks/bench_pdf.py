"""PDF text extraction: pypdfium2 against pdfplumber (and spinscope's PDF reader, when there is one).

    python benchmarks/bench_pdf.py [--quick] [--repeat 3]

Inputs are made at run time by `tests.inputs.article_pdf`: the hand-written article of each language (en de fr
it es pl uk ru ar bg pt) printed by Chromium in four layouts (one column; two CSS columns; a running header and a
page-number footer on every page of an A6 page, >= 3 pages; a narrow justified column with soft hyphens, so
words break with a hyphen at line ends). For each extractor and PDF:

- CER: edit distance of the whitespace-normalised extracted text against "title + paragraphs", over the latter;
  "CER fixed": the same after three generic repairs anyone can apply (a line-end U+2010/U+00AD hyphen and its
  line break removed, other U+00AD dropped, pdfium's U+FFFE back to "-"), to show what is left for a reader to do;
- paragraphs: how many expected blocks (title, paragraphs) occur as one contiguous piece (reading order);
- h/f: running headers and "n / N" footers left in the text (header-footer layout; a reader should drop them);
- pages/s: all PDFs of a layout extracted, median of --repeat runs; and one 200-page PDF.
"""

from __future__ import annotations

import argparse
import io
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber
import pypdfium2 as pdfium
from tests.inputs import LANGS, LAYOUTS, article_pdf, cer, many_pages_pdf, normalise, running_lines

Extractor = Callable[[bytes], str]


def pdfium_range(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def pdfium_bounded(data: bytes) -> str:
    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_bounded() for i in range(len(doc)))
    finally:
        doc.close()


def plumber(data: bytes, **kw: object) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text(**kw) or "" for page in pdf.pages)


def spinscope_reader() -> Extractor | None:
    """spinscope.readers.pdf's reader, if the module exists yet: the text of its Documents, joined."""
    try:
        from spinscope.config import load_settings
        from spinscope.readers import pdf as rpdf
        from spinscope.readers.base import Content, Reader
    except ImportError:
        return None
    classes = [c for c in vars(rpdf).values() if isinstance(c, type) and issubclass(c, Reader) and c is not Reader]
    if not classes:
        return None
    reader = classes[0](load_settings(env={}))

    def run(data: bytes) -> str:
        from spinscope.data import Document

        docs = [d for d in reader.read_content(Content("article.pdf", data=data)) if isinstance(d, Document)]
        return "\n\n".join(d.text for d in docs)

    return run


def fixed(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\ufffe", "-")
    return re.sub(r"(\w) ?[\u2010\u00ad]\s*\n\s*(\w)", r"\1\2", text).replace("\u00ad", "")


def headers_left(text: str, lang: str) -> int:
    head, _ = running_lines(lang)
    flat = normalise(text)
    return flat.count(normalise(head)) + len(re.findall(r"(?<![\d.,])\d{1,2} / \d{1,2}(?![\d.,])", flat))


def in_order(text: str, blocks: list[str]) -> int:
    """Expected blocks found whole, each after the previous one found."""
    flat, pos, found = normalise(text), 0, 0
    for b in blocks:
        at = flat.find(normalise(b), pos)
        if at >= 0:
            found += 1
            pos = at + len(normalise(b))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="en de ru ar only, one timing run")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    langs = ("en", "de", "ru", "ar") if args.quick else LANGS
    repeat = 1 if args.quick else args.repeat

    extractors: dict[str, Extractor] = {
        "pypdfium2 get_text_range": pdfium_range,
        "pypdfium2 get_text_bounded": pdfium_bounded,
        "pdfplumber extract_text()": plumber,
        "pdfplumber layout=True": lambda d: plumber(d, layout=True),
    }
    reader = spinscope_reader()
    if reader is not None:
        extractors["spinscope.readers.pdf"] = reader
    t0 = time.perf_counter()
    pdfs = {(lang, layout): article_pdf(lang, layout) for lang in langs for layout in LAYOUTS}
    pages = {k: len(pdfium.PdfDocument(v[0])) for k, v in pdfs.items()}
    print(f"# {len(pdfs)} PDFs made in {time.perf_counter() - t0:.1f} s ({sum(pages.values())} pages)")
    print(f"# {date.today()} {platform.machine()} {platform.python_version()} pypdfium2 {pdfium.version.PYPDFIUM_INFO} "
          f"pdfplumber {pdfplumber.__version__}")  # fmt: skip

    rows: dict[tuple[str, str, str], tuple[float, float, int, int, int]] = {}
    for name, fn in extractors.items():
        print(f"\n## {name}\n| lang | layout | CER | CER fixed | paragraphs | h/f left |\n|---|---|---|---|---|---|")
        for (lang, layout), (data, blocks) in pdfs.items():
            text = fn(data)
            ref = "\n".join(blocks)
            hf = headers_left(text, lang) if layout == "header-footer" else 0
            r = (cer(text, ref), cer(fixed(text), ref), in_order(text, blocks), len(blocks), hf)
            rows[name, lang, layout] = r
            hf_s = f"{hf} of {2 * pages[lang, layout]}" if layout == "header-footer" else ""
            print(f"| {lang} | {layout} | {r[0]:.4f} | {r[1]:.4f} | {r[2]}/{r[3]} | {hf_s} |")

    print("\n## Summary: mean CER (fixed) per layout, all languages but ar; ar alone; pages/s\n")
    head = " | ".join(f"{lay} CER (fixed)" for lay in LAYOUTS)
    print(f"| extractor | {head} | ar CER (fixed) | paragraphs found | h/f left | pages/s (articles) | "
          f"pages/s (200-page PDF) |\n|---|{'---|' * len(LAYOUTS)}---|---|---|---|---|")  # fmt: skip
    big, _ = many_pages_pdf(200)
    for name, fn in extractors.items():
        cells = []
        for layout in LAYOUTS:
            rs = [rows[name, lang, layout] for lang in langs if lang != "ar"]
            cells.append(f"{statistics.mean(r[0] for r in rs):.4f} ({statistics.mean(r[1] for r in rs):.4f})")
        ar = [rows[name, "ar", layout] for layout in LAYOUTS] if "ar" in langs else []
        ar_s = f"{statistics.mean(r[0] for r in ar):.3f} ({statistics.mean(r[1] for r in ar):.3f})" if ar else ""
        found = sum(r[2] for k, r in rows.items() if k[0] == name)
        total = sum(r[3] for k, r in rows.items() if k[0] == name)
        hf = sum(r[4] for k, r in rows.items() if k[0] == name)
        hf_total = sum(2 * pages[lang, "header-footer"] for lang in langs)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            for data, _ in pdfs.values():
                fn(data)
            times.append(time.perf_counter() - t)
        big_times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn(big)
            big_times.append(time.perf_counter() - t)
        speed = sum(pages.values()) / statistics.median(times)
        print(f"| {name} | {' | '.join(cells)} | {ar_s} | {found}/{total} | {hf} of {hf_total} | {speed:.1f} | "
              f"{200 / statistics.median(big_times):.1f} |")  # fmt: skip
    print(f"\n# total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
