"""Field values as the case bank stores them: ISO 639-1 language codes, ISO dates, lists of names."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

# Language names as EUvsDisinfo and ClaimReview publishers write them. EUvsDisinfo sometimes names the
# outlet's country instead; those with one clear language are listed too (not Belarus, say).
LANGUAGE_NAMES: dict[str, str] = {
    "arabic": "ar",
    "armenian": "hy",
    "azerbaijani": "az",
    "belarusian": "be",
    "bulgarian": "bg",
    "chinese": "zh",
    "croatian": "hr",
    "czech": "cs",
    "dutch": "nl",
    "english": "en",
    "estonian": "et",
    "finnish": "fi",
    "french": "fr",
    "georgian": "ka",
    "german": "de",
    "greek": "el",
    "hungarian": "hu",
    "italian": "it",
    "kazakh": "kk",
    "latin": "la",
    "latvian": "lv",
    "lithuanian": "lt",
    "macedonian": "mk",
    "moldavian": "ro",
    "norwegian": "no",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "serbian": "sr",
    "slovak": "sk",
    "slovenian": "sl",
    "spanish": "es",
    "swedish": "sv",
    "turkish": "tr",
    "ukrainian": "uk",
    "bulgaria": "bg",
    "germany": "de",
    "lithuania": "lt",
    "moldova": "ro",
    "romania": "ro",
    "serbia": "sr",
    "spain": "es",
}
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def language_code(value: str | None) -> str | None:
    """'Russian' -> 'ru', 'en-US' -> 'en'; None for anything else (the bank keeps codes only)."""
    name = (value or "").strip().lower()
    if name in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[name]
    code = re.split(r"[-_]", name, maxsplit=1)[0]
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def iso_date(value: str) -> str | None:
    """The date part of an ISO date or datetime ('2021-03-04T10:00Z' -> '2021-03-04'); None for ''.

    Raises ValueError for anything else, so the caller can name the record."""
    value = value.strip()
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if not match:
        raise ValueError(value)
    return dt.date(*map(int, match.groups())).isoformat()


def split_list(value: Any) -> list[str]:
    """'Ukraine, US' or ['Ukraine', 'US'] -> ['Ukraine', 'US'] (empty items dropped)."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [text for item in items if (text := str(item).strip())]
