"""What technique spans may not be, and what they must include, whatever the model says.

* No span is a function word or two: a span of one or two words that are stop words of the document's
  language (spaCy's lists, which ship for every language we serve: "nicht", "in der", "que", "не") is dropped.
* A single word is not a span of a phrase-level technique where another span covers it: in the SemEval-2023
  training spans of the six languages, single words are 0-5% of every technique's spans except Loaded_Language
  (14.5%), Name_Calling-Labeling (14.5%) and Repetition (35%), so a one-word Doubt or Appeal_to_Hypocrisy on a
  word that already carries a span ("Schlupfloch" as both Loaded_Language and Doubt) is dropped. A one-word
  span alone is kept: dropping it too cost 0.003-0.004 SI F1 (en, it validation; the span there was right,
  its label wrong), which the eval gate pins.
* Every loaded designation of `lexicons/designations.toml` ("the Kiev regime", "die Kiewer Junta", "régimen
  de Kiev", "киевский режим") is a span of its technique, added where no span of that technique covers it.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from ..data import Document
from ..languages import stop_words
from .sourcing import compile_entries

DESIGNATIONS = Path(__file__).resolve().parent.parent / "lexicons" / "designations.toml"
FUNCTION_RUN = 2  # words: a span this short that is only function words is dropped
WORD_LEVEL = frozenset({"Loaded_Language", "Name_Calling-Labeling", "Repetition"})  # may be one word
DESIGNATION_SCORE = 0.9  # the score a lexicon span carries (it is shown whatever the slider's cut below it)
_WORD = re.compile(r"\w+")


def implausible(technique: str, text: str, language: str | None, covered: bool = False) -> bool:
    """One or two words that are both function words (longer runs of them can be a question that sows
    doubt: "Wer weiß das schon?"), or a single word of a phrase-level technique that another span `covered`."""
    words = _WORD.findall(text.lower())
    if len(words) <= 1 and technique not in WORD_LEVEL and covered:
        return True
    stops = stop_words(language)
    return len(words) <= FUNCTION_RUN and bool(stops) and all(word in stops for word in words)


@cache
def designations() -> list[tuple[str, str, re.Pattern[str]]]:
    """(technique, anchor, pattern) of every designation in `DESIGNATIONS`; the anchor (its first word in lower
    case, up to a "*") must be in the lower-cased text before the pattern is tried, which spares running some
    150 patterns over every article."""
    table = tomllib.loads(DESIGNATIONS.read_text(encoding="utf-8"))
    out = []
    for entry in table["designation"]:
        for pattern in entry["patterns"]:
            anchor = pattern.split()[0].split("*")[0].lower()
            out.append((entry["technique"], anchor, compile_entries([pattern])))
    return out


def _overlap(a: tuple[str, int, int, float], b: tuple[str, int, int, float]) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def guard(
    doc: Document, spans: list[tuple[str, int, int, float]], named: list[tuple[str, int, int]] | None = None
) -> list[tuple[str, int, int, float]]:
    """The model's (technique, start, end, score) spans without `implausible` ones, with the designations
    found after the document's header that no span of the same technique overlaps."""
    kept = [
        s
        for s in spans
        if not implausible(s[0], doc.text[s[1] : s[2]], doc.language, any(o is not s and _overlap(o, s) for o in spans))
    ]
    for technique, a, b in designation_matches(doc) if named is None else named:
        if not any(label == technique and x < b and a < y for label, x, y, _ in kept):
            kept.append((technique, a, b, DESIGNATION_SCORE))
    return kept


def designation_matches(doc: Document) -> list[tuple[str, int, int]]:
    """(technique, start, end) of every designation found after the document's header."""
    body = doc.meta.get("header_end", 0)
    lower = doc.text.lower()
    return [
        (technique, *match.span())
        for technique, anchor, pattern in designations()
        if anchor in lower
        for match in pattern.finditer(doc.text, body)
    ]
