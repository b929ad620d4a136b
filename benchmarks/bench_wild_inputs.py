"""Does reading an article from a PDF or a screenshot change what a fact-checker sees? (issue #28)

    python benchmarks/bench_wild_inputs.py [--langs de,ar] [--show]

Every article of the wild set (`benchmarks/wild/<lang>/*.txt`, articles we wrote) is printed to a PDF by
Chromium (title as a heading, paragraphs, a running header and page numbers) and its first two paragraphs are
shot as a social-media post (Chromium, 1x, light theme); spinscope reads both back (pdf and image readers, OCR
by Tesseract) and runs the default pipeline on them and on the same text read from a .txt file. Per language:

- pdf cer / ocr cer: character error rate of the text read back (whitespace normalised) against the text put in;
- pdf paras: share of the article's paragraphs found whole in the PDF's text;
- spans F1: agreement of the shown technique spans (technique and span text) with the .txt analysis (pdf; shot
  against the .txt analysis of the same two paragraphs);
- narr =: documents whose taxonomy narratives are the same as the .txt analysis's;
- s/pdf, s/shot: seconds to read one PDF, one screenshot (reading only, not the analysis).
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

WILD = Path(__file__).resolve().parent / "wild"
RTL = {"ar"}


def paragraphs(text: str) -> tuple[str, list[str]]:
    """(title, body paragraphs) of a wild article: its first line is the title; a ` date` marker is dropped."""
    lines = [line for line in text.split("\n") if not line.startswith(" date ")]
    body = [" ".join(block.split()) for block in "\n".join(lines[1:]).split("\n\n") if block.strip()]
    return lines[0].strip(), body


def article_html(lang: str, title: str, body: list[str]) -> str:
    direction = "rtl" if lang in RTL else "ltr"
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><title>{html.escape(title)}'
        "</title><style>@page{size:A4;margin:22mm 20mm}body{font:11pt/1.45 'Noto Serif','Noto Naskh Arabic',serif}"
        "h1{font-size:18pt}p{margin:0 0 3mm;text-align:justify}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{paras}</body></html>"
    )


def post_html(lang: str, text: str) -> str:
    direction = "rtl" if lang in RTL else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}"><head><meta charset="utf-8"><style>'
        "body{margin:0;background:#fff}.card{width:560px;padding:16px;font:15px/1.4 'DejaVu Sans','Noto Sans Arabic',"
        f"sans-serif;color:#0f1419}}b{{display:block;margin-bottom:6px}}.t{{white-space:pre-line}}</style></head>"
        "<body><div class=card>"
        f"<b>Channel News</b><div class=t>{html.escape(text)}</div></div></body></html>"
    )


def shown(doc) -> set[tuple[str, str]]:
    return {(s.label, " ".join(s.text.split())) for s in doc.spans.get("techniques", []) if s.attrs.get("shown", True)}


def f1(a: set, b: set) -> float:
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def narratives(doc) -> list[str]:
    return sorted(f"{n['narrative']}/{n['subnarrative']}" for n in doc.labels.get("narratives", []) or [])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--langs", default="")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from playwright.sync_api import sync_playwright
    from tests.inputs import cer

    from spinscope.api import analyze_all, load_pipeline
    from spinscope.config import load_settings
    from spinscope.readers import Content, open_content
    from spinscope.readers.txt import text_document

    settings = load_settings(env={})
    pipeline = load_pipeline(settings)
    langs = args.langs.split(",") if args.langs else sorted(p.name for p in WILD.iterdir() if p.is_dir())
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for lang in langs:
            figures: dict[str, list[float]] = {k: [] for k in ("pdf_cer", "ocr_cer", "paras", "pdf_f1", "shot_f1",
                                                                "narr", "s_pdf", "s_shot")}  # fmt: skip
            for path in sorted((WILD / lang).glob("*.txt")):
                text = path.read_text(encoding="utf-8")
                title, body = paragraphs(text)
                page.set_content(article_html(lang, title, body), wait_until="load")
                pdf = page.pdf(format="A4", display_header_footer=True, margin={"top": "22mm", "bottom": "22mm"},
                               header_template='<div style="font-size:8px;width:100%;text-align:center">Channel '
                               "News - Opinion</div>", footer_template='<div style="font-size:8px;width:100%;'
                               'text-align:center"><span class="pageNumber"></span></div>')  # fmt: skip
                excerpt = "\n\n".join(body[:2])
                page.set_content(post_html(lang, excerpt), wait_until="load")
                png = page.locator(".card").screenshot(type="png")
                started = time.perf_counter()
                (pdf_doc,) = open_content(Content(f"{path.stem}.pdf", data=pdf), settings)
                figures["s_pdf"].append(time.perf_counter() - started)
                started = time.perf_counter()
                (shot_doc,) = open_content(Content(f"{path.stem}.png", data=png), settings)
                figures["s_shot"].append(time.perf_counter() - started)
                plain = text_document("\n\n".join([title, *body]) + "\n", doc_id=path.stem, source=path.name,
                                      settings=settings)  # fmt: skip
                excerpt_doc = text_document(
                    "Channel News\n\n" + excerpt + "\n", doc_id="x", source="x", settings=settings
                )
                plain, pdf_doc, shot_doc, excerpt_doc = analyze_all([plain, pdf_doc, shot_doc, excerpt_doc], pipeline,
                                                                    "wild inputs")  # fmt: skip
                figures["pdf_cer"].append(cer(pdf_doc.text, plain.text))
                figures["ocr_cer"].append(cer(shot_doc.text, excerpt_doc.text))
                figures["paras"].append(sum(p in pdf_doc.text for p in body) / len(body))
                figures["pdf_f1"].append(f1(shown(plain), shown(pdf_doc)))
                figures["shot_f1"].append(f1(shown(excerpt_doc), shown(shot_doc)))
                figures["narr"].append(float(narratives(plain) == narratives(pdf_doc)))
                if args.show:
                    print(f"== {lang}/{path.stem}: pdf cer {figures['pdf_cer'][-1]:.3f}, ocr cer "
                          f"{figures['ocr_cer'][-1]:.3f}\n   OCR: {shot_doc.text[:300]!r}")  # fmt: skip
                    print(f"   spans only in txt: {sorted(shown(plain) - shown(pdf_doc))[:5]}")
                    print(f"   spans only in pdf: {sorted(shown(pdf_doc) - shown(plain))[:5]}")
            rows.append((lang, {k: statistics.fmean(v) for k, v in figures.items()}, len(figures["narr"])))
        browser.close()
    head = "lang  n  pdf cer  pdf paras  pdf spans F1  narr =  ocr cer  shot spans F1  s/pdf  s/shot"
    print(f"{time.strftime('%Y-%m-%d')} | {machine()} | tesseract: {subprocess_version()}")
    print(head)
    for lang, m, n in rows:
        print(f"{lang:4} {n:2}  {m['pdf_cer']:.4f}   {m['paras']:.2f}       {m['pdf_f1']:.3f}         "
              f"{m['narr']:.2f}    {m['ocr_cer']:.4f}   {m['shot_f1']:.3f}          {m['s_pdf']:.2f}   "
              f"{m['s_shot']:.2f}")  # fmt: skip
    means = {k: statistics.fmean(m[k] for _, m, _ in rows) for k in rows[0][1]}
    print(f"mean     {means['pdf_cer']:.4f}   {means['paras']:.2f}       {means['pdf_f1']:.3f}         "
          f"{means['narr']:.2f}    {means['ocr_cer']:.4f}   {means['shot_f1']:.3f}          {means['s_pdf']:.2f}   "
          f"{means['s_shot']:.2f}")  # fmt: skip


def subprocess_version() -> str:
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.splitlines()[0] if done.stdout else "missing"


if __name__ == "__main__":
    main()
