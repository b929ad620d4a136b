"""Known places in every served language: the countries and time-zone cities of CLDR (through babel, kept in
`lexicons/places.txt`) and the regions and cities of the war news CLDR lacks (`lexicons/places_news.txt`), read
in each language's own spelling, so a recognised name that is a place is typed LOC ("Kiew", "Київ", "Kijów" and
its cases "Kijowa", "Kijowie"). A token model that has seen few such names types them PER."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

LOCALES = ("en", "fr", "de", "it", "es", "pl", "uk", "ru", "ar", "bg", "pt")
MIN_STEM = 4  # letters a stem keeps: shorter ones ("Ros") would match too much
ENDINGS = 2  # letters a case ending may add or change ("Kijów" -> "Kijowa", "Odessa" -> "Odessie")
PLACE_ENDINGS = 1  # ... of which the place's own name loses at most one ("Odess|a"), so "Russ|e" is not "Russ|ia"
_NOT_LETTER = re.compile(r"[^\w]|[\d_]")
ARTICLE = "ال"  # Arabic's definite article, written as part of the word


def folded(name: str) -> str:
    """Lower case, without diacritics or anything but letters ("Kijów" -> "kijow", "Brüssel" -> "brussel")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return _NOT_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def stems(name: str, endings: int = ENDINGS) -> set[str]:
    """The name folded (and without the Arabic article), less up to `endings` final letters (at least MIN_STEM
    kept)."""
    word = folded(name.removeprefix(ARTICLE))  # the article would make every Arabic stem long enough
    return {word[: len(word) - k] for k in range(endings + 1) if len(word) - k >= MIN_STEM} or {word}


PLACES = Path(__file__).resolve().parents[1] / "lexicons" / "places.txt"
NEWS_PLACES = PLACES.with_name("places_news.txt")  # hand-written: regions and cities of the war news


def cldr_places() -> list[str]:
    """The one-word country and time-zone city names of CLDR (babel) in LOCALES, sorted: what `PLACES` holds
    (written by `python -m spinscope.pipeline.places`; a test checks it is current). Read from the file, the
    gazetteer costs no memory for babel's locale data (about 25 MB)."""
    from zoneinfo import available_timezones

    from babel import Locale
    from babel.dates import get_timezone_location

    names: set[str] = set()
    zones = [z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV"))]
    for lang in LOCALES:
        locale = Locale(lang)
        names |= {name for code, name in locale.territories.items() if len(code) == 2 and code.isalpha()}
        for zone in zones:
            names.add(get_timezone_location(zone, locale=locale, return_city=True))
    return sorted(name for name in names if " " not in name)


@cache
def _listed() -> tuple[str, ...]:
    """The names of both place lists."""
    lines = [*PLACES.read_text(encoding="utf-8").split("\n"), *NEWS_PLACES.read_text(encoding="utf-8").split("\n")]
    return tuple(line for line in lines if line and not line.startswith("#"))


@cache
def _place_stems() -> frozenset[str]:
    return frozenset(stem for name in _listed() for stem in stems(name, PLACE_ENDINGS))


@cache
def _place_names() -> frozenset[str]:
    return frozenset(folded(name.removeprefix(ARTICLE)) for name in _listed())


def is_place_name(word: str) -> bool:
    """Whether a word is a known place's name as listed, in no other grammatical case ("Deutschland", "موسكو";
    not "Ukrainer" or "أوكرانية", which `is_place` reads as forms of a place)."""
    return folded(word.removeprefix(ARTICLE)) in _place_names()


def is_place(mention: str) -> bool:
    """Whether a one-word mention is a known country or city in any served language, in a grammatical case that
    adds or changes at most ENDINGS final letters, of which the place's name loses at most PLACE_ENDINGS."""
    return len(mention.split()) == 1 and bool(stems(mention) & _place_stems())


CLITICS = "وبلكف"  # Arabic: and, with/in, for, like, so, written as one word with the name after them


def clitic(word: str) -> int:
    """How many letters of an Arabic word are a clitic before a known place ("وباريس": and Paris -> 1); 0 when
    there is none or the whole word is a place itself."""
    if len(word) > 3 and word[0] in CLITICS and is_place(word[1:]) and not is_place(word):
        return 1
    return 0


if __name__ == "__main__":
    PLACES.write_text("\n".join(cldr_places()) + "\n", encoding="utf-8")
