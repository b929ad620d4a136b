"""Check-worthiness from what a sentence shows in any language: numbers, names, attribution, quotes, questions.

The claims head on encoder features was fitted on English debates; outside English it scores loaded language,
not checkable fact (on our wild articles it ranks name-calling above the figures of wire reports in every
language). This head reads only surface features that mean the same in every language, so it transfers by
construction: a logistic regression (`models/claims/verifiable.json`, fitted by `spinscope train claims` on
the CLEF debates) over the FEATURES below, the cues taken from the sourcing lexicon of the sentence's
language.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..languages import LETTER_WORD
from .sourcing import Lexicon

FILE = "verifiable.json"
FEATURES = (
    "numbers",  # log(1 + figures in the sentence)
    "percent",
    "year",
    "capitalised_share",  # capitalised words after the first, over all words (names; 0 in scripts without case)
    "capitalised",  # log(1 + those words)
    "quote_marks",
    "reporting_cue",  # "said", "according to" in the sentence's language
    "vague_cue",  # "experts say"
    "hedge",  # "allegedly"
    "question",
    "exclamation",
    "length",  # log(1 + words)
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_QUOTE = re.compile(r"[\"“”«»„]")


def sentence_features(text: str, start: int, end: int, lang: str | None, lexicon: Lexicon) -> list[float]:
    """The FEATURES of text[start:end], in that order."""
    sentence = text[start:end]
    words = LETTER_WORD.findall(sentence)
    capitalised = sum(w[:1].isupper() for w in words[1:])

    def cue(kind: str) -> float:
        return float(bool(lexicon.cues(text, start, end, lang, kind)))

    return [
        float(np.log1p(len(_NUMBER.findall(sentence)))),
        float("%" in sentence),
        float(bool(_YEAR.search(sentence))),
        capitalised / max(len(words), 1),
        float(np.log1p(capitalised)),
        float(bool(_QUOTE.search(sentence))),
        max(cue("reporting"), cue("prefix")),
        cue("vague"),
        cue("hedges"),
        float(sentence.rstrip().endswith(("?", "؟"))),
        float("!" in sentence),
        float(np.log1p(len(words))),
    ]


@dataclass(frozen=True)
class VerifiableHead:
    """Standardised features -> logistic regression -> probability of `checkworthy`; `threshold` is its cut."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def scores(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1 / (1 + np.exp(-z))

    def save(self, folder: Path, figures: dict) -> None:
        data = {
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "cross_validation": figures,
        }
        (folder / FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> VerifiableHead | None:
        """The head in `folder`, or None where none is shipped or it was fitted on other features."""
        path = folder / FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            return None
        return cls(
            np.array(data["mean"]),
            np.array(data["scale"]),
            np.array(data["coef"]),
            float(data["intercept"]),
            float(data["threshold"]),
        )
