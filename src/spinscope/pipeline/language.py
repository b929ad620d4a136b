"""Language identification with py3langid, on the article body (the ` date` header is left out)."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from ..data import Document
from ..errors import Warnings
from ..registry import components
from .base import Component

SAMPLE_CHARS = 20_000  # enough for a stable guess, keeps 100k-word articles cheap


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the most likely language."""
    lang, prob = _identifier().classify(text[:SAMPLE_CHARS])
    return str(lang), float(prob)


@lru_cache(maxsize=65_536)
def written_in(text: str) -> str:
    """The language a case's text is written in (EUvsDisinfo writes its cases in English whatever the outlet's);
    cached, for the same case texts come back with every article."""
    return identify(text)[0]


def ranked(text: str) -> list[tuple[str, float]]:
    """Every language py3langid knows, most likely first, with its probability."""
    return [(str(lang), float(prob)) for lang, prob in _identifier().rank(text[:SAMPLE_CHARS])]


@components.register("language")
class LanguageComponent(Component):
    """Sets Document.language unless a reader or `components.language.force` already fixed it."""

    name = "language"
    writes = ("language",)

    def __call__(self, doc: Document) -> Document:
        forced = self.config["force"]
        if forced:
            doc.language = forced
            return doc
        if doc.language:
            return doc
        body = doc.text[doc.meta.get("header_end", 0) :]
        lang, prob = identify(body)
        doc.language = lang
        doc.meta["language_score"] = round(prob, 4)
        if prob < self.config["min_confidence"]:
            doc.warn(Warnings.W003(lang=lang, conf=prob))
        return doc
