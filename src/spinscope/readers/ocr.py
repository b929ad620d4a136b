"""OCR with Tesseract (the `tesseract` program, Debian's `tesseract-ocr` and its language packs): words with
their boxes, in the language the image is written in.

The language: `ocr.languages` when set (Tesseract codes, "deu+eng"); otherwise the script from Tesseract's
orientation and script detection (or, when that finds too few letters, the script whose first pass reads with
the best confidence), then the language py3langid finds in that first pass, read again with its own pack.
The image comes prepared (`image.prepared`: grey, dark themes inverted).
"""

from __future__ import annotations

import csv
import io
import shutil
import statistics
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import Errors, InputError
from .layout import Line, Word

if TYPE_CHECKING:
    from PIL.Image import Image

# ISO 639-1 -> Tesseract pack, for the languages spinscope serves and their neighbours in script.
PACKS = {
    "en": "eng", "de": "deu", "fr": "fra", "it": "ita", "es": "spa", "pl": "pol", "pt": "por", "nl": "nld",
    "uk": "ukr", "ru": "rus", "bg": "bul", "ar": "ara", "el": "ell", "hi": "hin", "ka": "kat", "he": "heb",
}  # fmt: skip
# Script (as Tesseract's detection names it) -> the pack of a first pass.
SCRIPT_PACKS = {"Latin": "eng", "Cyrillic": "rus", "Arabic": "ara", "Greek": "ell", "Devanagari": "hin"}
FALLBACK_SCRIPTS = ("Latin", "Cyrillic", "Arabic", "Devanagari")  # tried (where installed) when detection gives up
SMALL_TEXT_WIDTH = 1600  # a narrower image whose words are under SMALL_PRINT_PX tall is read at twice the size too
SMALL_PRINT_PX = 28  # 12-20 px type at 1x (words 14-24 px tall), not the same at 2x (bench_ocr: enlarging that hurts)
KEPT_WORDS = 0.9  # the enlarged reading is kept when it finds at least this share of the words the first found
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-<lang>, e.g. tesseract-ocr-deu"


@dataclass(frozen=True, slots=True)
class Recognised:
    lines: list[Line]
    packs: str  # the Tesseract packs that read it ("deu")
    confidence: float  # mean word confidence, 0-100

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def words(self) -> int:
        return sum(len(line.words) for line in self.lines)


@cache
def installed_packs() -> frozenset[str]:
    """The language packs Tesseract has (empty when Tesseract is missing)."""
    if shutil.which("tesseract") is None:
        return frozenset()
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    return frozenset(line.strip() for line in listed.splitlines()[1:] if line.strip())


@cache
def version() -> str:
    first = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30).stdout
    return first.splitlines()[0] if first else "tesseract"


def available() -> bool:
    """Whether Tesseract is installed with at least one language pack."""
    return bool(installed_packs() - {"osd"})


def require(source: str) -> None:
    """E418 when Tesseract (or every language pack) is missing."""
    if not available():
        raise InputError(Errors.E418(source=source, hint=INSTALL_HINT))


def enlarged(image: Image) -> Image:
    return image.resize((image.width * 2, image.height * 2), resample=3)  # 3: bicubic


class OcrRun:
    """Tesseract calls on one image (`scale` times the size of the one the boxes are for), each limited to
    `limits.ocr_timeout` seconds (E420)."""

    def __init__(self, image: Image, source: str, settings: Mapping[str, Any], scale: float = 1.0) -> None:
        buffer = io.BytesIO()
        image.convert("L").save(buffer, format="PNG")  # grey: what Tesseract binarises; any source mode
        self.png = buffer.getvalue()
        self.scale = scale
        self.source = source
        self.timeout = float(settings["limits"]["ocr_timeout"])
        self.psm = str(settings["ocr"]["psm"])

    def _tesseract(self, *args: str) -> str:
        try:
            done = subprocess.run(
                ["tesseract", "stdin", "stdout", *args], input=self.png, capture_output=True, timeout=self.timeout
            )
        except subprocess.TimeoutExpired as exc:
            raise InputError(Errors.E420(source=self.source, seconds=self.timeout)) from exc
        return done.stdout.decode("utf-8", "replace")

    def script(self) -> str | None:
        """The script Tesseract's detection sees, None when it finds too few letters to say."""
        for line in self._tesseract("--psm", "0").splitlines():
            if line.startswith("Script:"):
                return line.split(":", 1)[1].strip()
        return None

    def read(self, packs: str) -> Recognised:
        """Words and lines from Tesseract's TSV output (`--psm` from `ocr.psm`)."""
        rows = csv.DictReader(io.StringIO(self._tesseract("-l", packs, "--psm", self.psm, "tsv")), delimiter="\t",
                              quoting=csv.QUOTE_NONE)  # fmt: skip
        lines: dict[tuple[str, str, str], Line] = {}
        paragraph: tuple[str, str] | None = None
        for row in rows:
            text = (row.get("text") or "").strip()
            if row.get("level") != "5" or not text:
                continue
            left, top, width, height = (float(row[key]) / self.scale for key in ("left", "top", "width", "height"))
            word = Word(text, (left, top, left + width, top + height), float(row["conf"]))
            key = (row["block_num"], row["par_num"], row["line_num"])
            if key not in lines:
                lines[key] = Line([], new_paragraph=paragraph is not None and paragraph != key[:2])
                paragraph = key[:2]
            lines[key].words.append(word)
        found = list(lines.values())
        confidences = [word.confidence or 0.0 for line in found for word in line.words]
        return Recognised(found, packs, statistics.fmean(confidences) if confidences else 0.0)


def _first_pass(run: OcrRun, large: OcrRun | None) -> Recognised:
    """The image read in the pack of its script (detected on the enlarged image when there is one: small
    letters leave Tesseract's detection unsure)."""
    script = (large or run).script()
    if script in SCRIPT_PACKS and SCRIPT_PACKS[script] in installed_packs():
        return run.read(SCRIPT_PACKS[script])
    packs = [SCRIPT_PACKS[s] for s in FALLBACK_SCRIPTS if SCRIPT_PACKS[s] in installed_packs()]
    tries = [run.read(pack) for pack in packs or sorted(installed_packs() - {"osd"})[:1]]  # or the one there is
    return max(tries, key=lambda r: (r.confidence, len(r.text)))


def _language_pack(text: str) -> str | None:
    """The installed pack of the most likely language of `text` that has one."""
    from ..pipeline.language import ranked

    for lang, _ in ranked(text):
        if PACKS.get(lang) in installed_packs():
            return PACKS[lang]
    return None


def _small_print(found: Recognised) -> bool:
    """Whether the words read are small (a screenshot at 1x), which Tesseract reads better at twice the size."""
    heights = [word.box[3] - word.box[1] for line in found.lines for word in line.words]
    return not heights or statistics.median(heights) < SMALL_PRINT_PX


def recognise(image: Image, source: str, settings: Mapping[str, Any]) -> Recognised:
    """The image's words, read in its own language (see the module's docstring), boxes in the image's pixels.

    Small print (a screenshot at 1x) is read again at twice the size, which Tesseract reads better, unless
    that reading loses words the first one found (its layout analysis may drop a line of an enlarged image):
    then the image's own size is read. A phone's screenshot at 2x or 3x is read as it is.
    """
    require(source)
    run = OcrRun(image, source, settings)
    large = OcrRun(enlarged(image), source, settings, scale=2.0) if image.width < SMALL_TEXT_WIDTH else None
    if configured := settings["ocr"]["languages"]:
        first = run.read(configured)
        pack = configured
    else:
        first = _first_pass(run, large)
        pack = (_language_pack(first.text) if first.text.strip() else None) or first.packs
    if large is not None and _small_print(first):
        better = large.read(pack)
        if better.words >= KEPT_WORDS * first.words:
            return better
    return first if pack == first.packs else run.read(pack)
