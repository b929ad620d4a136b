"""Language codes in one place (the SemEval-2023 dataset codes and their ISO 639-1 equivalents), and the
function words of each language.

The datasets name folders en, fr, ge, it, po, ru; documents carry ISO 639-1 codes (de, pl, ...). A model
lists the dataset codes it was trained on in its config.json (`langs`); every other language is zero-shot.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from functools import cache

DATASET_TO_ISO: dict[str, str] = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
DATASET_LANGS: tuple[str, ...] = tuple(DATASET_TO_ISO)
ISO_TO_DATASET: dict[str, str] = {iso: code for code, iso in DATASET_TO_ISO.items()}
# a word that starts with a letter (no figures, no "_"), with the combining marks written on its letters (Arabic
# vowel signs and shadda, "صوّت"; a Cyrillic stress accent), which \w leaves out
WORD_INNER = r"\w'’\-\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # (a character class's inside)
LETTER_WORD = re.compile(rf"[^\W\d_][{WORD_INNER}]*")
NOUNS_CAPITALISED = frozenset({"de", "lb"})  # languages that capitalise every noun: a capital marks no name there
# Coordinating conjunctions of the served languages ("and", "und", "і"): no name word, no speaker.
CONJUNCTIONS = frozenset(
    ["and", "or", "und", "oder", "et", "ou", "e", "ed", "o", "y", "i", "oraz", "lub", "и", "или", "та", "і", "й", "або"]
)
# Particles a name may hold between capitalised words ("Ursula von der Leyen", "Secretary of State X").
NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "dos", "das", "du", "von", "van", "der", "den", "la", "le", "al", "bin", "ibn"}
    | {"of"}
)


def iso_codes(dataset_codes: Iterable[str]) -> frozenset[str]:
    """ISO 639-1 codes of dataset language codes (a code that is no dataset code is taken as ISO already)."""
    return frozenset(DATASET_TO_ISO.get(code, code) for code in dataset_codes)


@cache
def stop_words(language: str | None) -> frozenset[str]:
    """spaCy's stop words of a language (lower case); none for a language spaCy has no list for."""
    if not language or not language.isalpha():
        return frozenset()
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(word.lower() for word in module.STOP_WORDS)
