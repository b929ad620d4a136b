"""Tesseract OCR on social-media screenshots: character error rate per language, font, size, theme, renderer.

    python benchmarks/bench_ocr.py [--quick] [--jobs 2]

Screenshots are made at run time by `tests.inputs.screenshot` (a post card: display name, handle, the
language's propaganda paragraph, a "09:41 · 07.12.2026 · 12.4K" line) in en de fr it es pl uk ru ar bg pt, drawn
by Pillow (DejaVu/Noto fonts, raqm for Arabic) or screenshotted from HTML by Chromium at device scale 1 and 2, in
a sans and a serif font, at 12 and 20 CSS px, light and dark. Tesseract runs as `tesseract IMG stdout -l PACK
--psm N` (one thread each, OMP_THREAD_LIMIT=1, --jobs at a time; the time per image is its own wall time).

1. psm 3, 4, 6 and 11 on the 20 px cards (both themes, Pillow and Chromium at scale 1), the right pack; the best
   body CER (then card CER) is used below;
2. the whole grid at the best psm, three ways: the PNG as is; grey with dark themes inverted; that and a 2x
   bicubic enlargement;
3. packs on the 20 px light and dark cards: the right one, a wrong one of the same script (eng on German, rus on
   Ukrainian, ...; Arabic has none here: eng), and the right one plus eng (the handle and the meta line);
4. spinscope.readers.image (picks the pack itself), when it exists, on the 12 px Chromium cards.
CER "card / body": edit distance of the whitespace-normalised OCR text against the card's whole text (name,
handle, post, meta line), over the latter's length / the post's text against the best-matching stretch of the OCR
text (the post alone: the Latin handle in a Cyrillic or Arabic card weighs on the first, not on the second).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageOps, ImageStat
from tests.inputs import LANGS, body_cer, cer, post_text, screenshot

PACK = {"en": "eng", "de": "deu", "fr": "fra", "it": "ita", "es": "spa", "pl": "pol", "pt": "por", "uk": "ukr",
        "ru": "rus", "bg": "bul", "ar": "ara"}  # fmt: skip
WRONG = {"en": "deu", "de": "eng", "fr": "eng", "it": "eng", "es": "eng", "pl": "eng", "pt": "eng", "uk": "rus",
         "ru": "ukr", "bg": "rus", "ar": "eng"}  # fmt: skip
RENDERERS = {"pillow": ("pillow", 1.0), "chromium": ("chromium", 1.0), "chromium@2x": ("chromium", 2.0)}
PREPS = ("as is", "grey+invert", "grey+invert+2x")
ENV = dict(os.environ, OMP_THREAD_LIMIT="1")

Key = tuple[str, str, str, int, str]  # lang, renderer, font, size, theme


def prepare(png: bytes, how: str) -> bytes:
    if how == "as is":
        return png
    grey = ImageOps.grayscale(Image.open(io.BytesIO(png)).convert("RGB"))
    if ImageStat.Stat(grey).mean[0] < 128:
        grey = ImageOps.invert(grey)
    if how.endswith("2x"):
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.BICUBIC)
    buf = io.BytesIO()
    grey.save(buf, "PNG")
    return buf.getvalue()


def tesseract(png: bytes, pack: str, psm: int) -> tuple[str, float]:
    t = time.perf_counter()
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", pack, "--psm", str(psm)], input=png,
                         capture_output=True, env=ENV, timeout=120, check=True).stdout  # fmt: skip
    return out.decode("utf-8", "replace"), time.perf_counter() - t


def mean(xs: Iterable[float]) -> float:
    xs = list(xs)
    return statistics.fmean(xs) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="en de ru ar, the sans font, no 2x Chromium")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    langs = ("en", "de", "ru", "ar") if args.quick else LANGS
    fonts = ("sans",) if args.quick else ("sans", "serif")
    renderers = ("pillow", "chromium") if args.quick else tuple(RENDERERS)
    sizes, themes = (12, 20), ("light", "dark")
    t0 = time.perf_counter()
    shots: dict[Key, tuple[bytes, str]] = {}
    for lang, r, font, size, theme in product(langs, renderers, fonts, sizes, themes):
        engine, scale = RENDERERS[r]
        shots[lang, r, font, size, theme] = screenshot(lang, theme=theme, font=font, size=size, scale=scale,
                                                       engine=engine)  # fmt: skip
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"# {len(shots)} screenshots made in {time.perf_counter() - t0:.1f} s; {version}; {date.today()} "
          f"{platform.machine()} {os.cpu_count()} cores; {args.jobs} Tesseract jobs at a time")  # fmt: skip
    pool = ThreadPoolExecutor(args.jobs)

    def run(jobs: list[tuple[object, bytes, str, int, str]]) -> dict[object, tuple[float, float, float]]:
        """(tag, png, pack, psm, expected) -> tag: (CER, seconds, body CER); tag[0][0] is the language."""
        futures = {tag: pool.submit(tesseract, png, pack, psm) for tag, png, pack, psm, _ in jobs}
        out = {}
        for tag, _, _, _, expected in jobs:
            text, secs = futures[tag].result()
            out[tag] = (cer(text, expected), secs, body_cer(text, post_text(tag[0][0])[2]))  # type: ignore[index]
        return out

    def cb(vals: list[tuple[float, float, float]]) -> str:
        """Mean card CER / mean body CER."""
        return f"{mean(v[0] for v in vals):.4f} / {mean(v[2] for v in vals):.4f}"

    # 1. psm
    psms = (3, 4, 6, 11)
    sub = [k for k in shots if k[2] == fonts[0] and k[3] == 20 and k[1] in ("pillow", "chromium")]
    res = run([((k, psm), shots[k][0], PACK[k[0]], psm, shots[k][1]) for k in sub for psm in psms])
    print("\n## 1. psm (20 px, light and dark, Pillow and Chromium 1x, the right pack, PNG as is): CER card / body\n")
    print(f"| lang | {' | '.join(f'psm {p}' for p in psms)} |\n|---|{'---|' * len(psms)}")
    for lang in [*langs, "mean"]:
        cells = [cb([v for (k, p), v in res.items() if lang in ("mean", k[0]) and p == psm]) for psm in psms]
        print(f"| {lang} | {' | '.join(cells)} |")
    by_psm = {psm: (mean(v[2] for (_, p), v in res.items() if p == psm), mean(v[0] for (_, p), v in res.items()
              if p == psm)) for psm in psms}  # fmt: skip
    best = min(psms, key=lambda p: by_psm[p])
    print(f"\nbest psm (body CER, then card CER): {best}")

    # 2. the grid, three preparations
    res2 = run([((k, how), prepare(png, how), PACK[k[0]], best, exp) for k, (png, exp) in shots.items()
                for how in PREPS])  # fmt: skip

    def cell(how: str, lang: str = "mean", idx: int = 0, val: object = None) -> str:
        """Card / body CER of one preparation over the cards of `lang` ("mean": all) whose field `idx` is `val`."""
        return cb([v for (k, h), v in res2.items()
                   if h == how and lang in ("mean", k[0]) and (val is None or k[idx] == val)])  # fmt: skip

    small = min(sizes)
    print(f"\n## 2. per language, psm {best}, right pack: CER card / body over {len(shots) // len(langs)} cards each "
          f"({'/'.join(renderers)} x {'/'.join(fonts)} x {'/'.join(map(str, sizes))} px x light/dark)\n")  # fmt: skip
    print(f"| lang | pack | {' | '.join(PREPS)} | {small} px as is | {small} px grey+invert+2x | dark as is | "
          f"dark grey+invert | s/image |\n|---|---|{'---|' * len(PREPS)}---|---|---|---|---|")  # fmt: skip
    for lang in [*langs, "mean"]:
        cells = [cell(how, lang) for how in PREPS]
        cells += [cell("as is", lang, 3, small), cell(PREPS[2], lang, 3, small)]
        cells += [cell("as is", lang, 4, "dark"), cell("grey+invert", lang, 4, "dark")]
        secs = mean(v[1] for (k, h), v in res2.items() if h == "as is" and lang in ("mean", k[0]))
        name = "**mean**" if lang == "mean" else lang
        print(f"| {name} | {PACK.get(lang, '')} | {' | '.join(cells)} | {secs:.2f} |")

    print(f"\n### by rendering choice (psm {best}, all languages): CER card / body\n")
    print(f"| variable | value | {' | '.join(PREPS)} |\n|---|---|{'---|' * len(PREPS)}")
    for idx, name, values in ((1, "renderer", renderers), (2, "font", fonts), (3, "size px", sizes),
                              (4, "theme", themes)):  # fmt: skip
        for val in values:
            print(f"| {name} | {val} | {' | '.join(cell(how, 'mean', idx, val) for how in PREPS)} |")

    # 3. packs
    sub3 = [k for k in shots if k[2] == fonts[0] and k[3] == 20 and k[1] in ("pillow", "chromium")]
    jobs = []
    for k in sub3:
        right = PACK[k[0]]
        plus = right if right == "eng" else f"{right}+eng"
        for tag, pack in (("right", right), ("wrong", WRONG[k[0]]), ("+eng", plus)):
            jobs.append(((k, tag), shots[k][0], pack, best, shots[k][1]))
    res3 = run(jobs)

    reader_rows: dict[str, list[tuple[float, float, float, str]]] = defaultdict(list)
    try:
        from spinscope.config import load_settings
        from spinscope.readers.base import Content
        from spinscope.readers.image import ImageReader

        reader = ImageReader(load_settings(env={}))
    except ImportError:
        reader = None
    if reader is not None:
        for k in [k for k in shots if k[2] == fonts[0] and k[3] == small and k[1] == "chromium"]:
            png, exp = shots[k]
            t = time.perf_counter()
            docs = list(reader.read_content(Content("post.png", data=png)))
            secs = time.perf_counter() - t
            text = "\n".join(getattr(d, "text", "") for d in docs)
            packs = ",".join(",".join(getattr(d, "meta", {}).get("ocr", {}).get("packs", [])) for d in docs)
            reader_rows[k[0]].append((cer(text, exp), secs, body_cer(text, post_text(k[0])[2]), packs))

    print(
        f"\n## 3. language packs (psm {best}, 20 px, light and dark, Pillow and Chromium 1x, as is): CER card / body"
        + (f"; spinscope.readers.image on the {small} px Chromium cards (light, dark)" if reader else "")
        + "\n"
    )
    print("| lang | right | wrong pack (same script) | right+eng |" + (" reader | reader packs | reader s/image |"
          if reader else "") + "\n|---|---|---|---|" + ("---|---|---|" if reader else ""))  # fmt: skip
    for lang in [*langs, "mean"]:
        c = [cb([v for (k, t), v in res3.items() if t == tag and lang in ("mean", k[0])])
             for tag in ("right", "wrong", "+eng")]  # fmt: skip
        right = PACK.get(lang, "")
        plus = right if right in ("eng", "") else f"{right}+eng"
        line = f"| {lang} | {right} {c[0]} | {WRONG.get(lang, '')} {c[1]} | {plus} {c[2]} |"
        if reader is not None:
            rr = [r for key, rows in reader_rows.items() if lang in ("mean", key) for r in rows]
            packs = " ".join(sorted({r[3] for r in rr})) if lang != "mean" else ""
            line += f" {cb([r[:3] for r in rr])} | {packs} | {mean(r[1] for r in rr):.2f} |"
        print(line)
    print(f"\n# total {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
