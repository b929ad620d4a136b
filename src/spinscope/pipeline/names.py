"""What a recognised mention names: the rules that cut a recogniser's mention to the names it holds, complete
the names it cut, and drop what names no actor, per language (`lexicons/names.toml`, the gazetteer of `places`).

A recogniser's mention runs over titles ("Bundeskanzler | Olaf Scholz"), articles, prepositions and verbs
("صوّت | مجلس الأمن"), several names ("Peskov, Vladimir Putin") and lower-case words; the token head also cuts
names short ("Organización Mundial | de la Salud", "Rafał | Augustyniak") and takes adjectives of nationality,
function words and common nouns for names. `names_in` gives the typed names of one mention, `plausible` whether
a name can be an actor at all; `pipeline.entities` runs them on every recognised mention.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..languages import CONJUNCTIONS, LETTER_WORD, NAME_PARTICLES, NOUNS_CAPITALISED, WORD_INNER, stop_words
from .places import ARTICLE, CLITICS, clitic, is_place, is_place_name

NAMES = Path(__file__).resolve().parent.parent / "lexicons" / "names.toml"
CAPITALS = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ"  # a regex class body: the capitals of the served Latin and Cyrillic scripts


@dataclass(frozen=True)
class NameWords:
    """Words around names in one language (`lexicons/names.toml`): titles and adjectives of nationality that
    lead a name without being part of it, and calendar words, never an actor alone."""

    titles: frozenset[str] = frozenset()
    title_stems: tuple[str, ...] = ()
    title_endings: tuple[str, ...] = ()  # of compounds: "Bundesfinanz|minister", "Chemie|konzern"
    institution_endings: tuple[str, ...] = ()  # of organisations named like nouns: "Bundes|tag", "Bundes|wehr"
    calendar: frozenset[str] = frozenset()
    adjective: re.Pattern[str] | None = None
    adjectives: re.Pattern[str] | None = None  # of nationality, alone before a noun
    apart: frozenset[str] = frozenset()  # lower-case words never inside a name
    sea_before: frozenset[str] = frozenset()  # "Mar | Nero" (lower case, without combining marks: `_bare`)
    sea_after: frozenset[str] = frozenset()  # "Schwarzes | Meer"

    def leads(self, word: str) -> bool:
        """Whether a word before a name is a title or an adjective of nationality."""
        low = word.lower()
        return (
            low in self.titles
            or low.startswith(self.title_stems)
            or low.endswith(self.title_endings)
            or (self.adjective is not None and self.adjective.fullmatch(low) is not None)
        )


@cache
def name_words(lang: str | None) -> NameWords:
    """The language's name words, with the prepositions and clause openers of the sourcing lexicon among the words
    that lead a name without being part of it ("In | Genf" at the start of a sentence), except the particles that
    begin surnames ("Di Maio", "De Gaulle")."""
    from .sourcing import load_lexicon

    entry = tomllib.loads(NAMES.read_text(encoding="utf-8")).get(lang or "", {})
    lexicon = load_lexicon()
    prepositions = (lexicon.prepositions_of(lang) | lexicon.openers_of(lang)) - NAME_PARTICLES
    titles = [t.lower() for t in entry.get("titles", []) + entry.get("leading", [])] + sorted(prepositions)
    adjective, adjectives = entry.get("leading_adjective"), entry.get("adjectives")
    return NameWords(
        frozenset(t for t in titles if not t.endswith("*")),
        tuple(t[:-1] for t in titles if t.endswith("*")),
        tuple(entry.get("title_endings", [])),
        tuple(entry.get("institution_endings", [])),
        frozenset(w.lower() for w in entry.get("calendar", [])),
        re.compile(adjective) if adjective else None,
        re.compile(adjectives) if adjectives else None,
        frozenset(entry.get("apart", [])),
        frozenset(map(_bare, entry.get("sea_before", []))),
        frozenset(map(_bare, entry.get("sea_after", []))),
    )


TYPE_MAP = {
    "PERSON": "PER",
    "PER": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "GROUP",
    "MISC": "MISC",
}


THINGS = NAMES.with_name("things.txt")
_DESIGNATION = re.compile(r"-\d")  # "Ch|-101", "Su|-34"


@cache
def _things() -> re.Pattern[str]:
    lines = THINGS.read_text(encoding="utf-8").splitlines()
    names = sorted((line for line in lines if line and not line.startswith("#")), key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, names)) + r")(?:s|\d{1,2})?", re.IGNORECASE)


def thing(text: str, start: int, end: int) -> bool:
    """A mention that names a thing, no actor: a weapon, product, disease, weather or conference of
    `lexicons/things.txt` ("Patriots", "COP28"), or a designation before "-" and a figure ("Ch-101")."""
    named = " ".join(text[start:end].split())
    return _things().fullmatch(named) is not None or _DESIGNATION.match(text, end) is not None


def plausible(text: str, start: int, end: int, lang: str | None) -> bool:
    """Whether a recognised mention can name an actor: not function words only ("nicht", "Oppure", "der") nor a
    `thing` ("Patriot", "Covid"), and in a script with capitals, holding a capitalised word ("candelabro", "ucraino"
    are no actors; Arabic has no capitals to go by). Function words are spaCy's stop words of the language."""
    words = LETTER_WORD.findall(text, start, end)
    stops, around = stop_words(lang), name_words(lang)
    if not words or all(_no_name_word(w, stops, around, lang) for w in words) or thing(text, start, end):
        return False
    if len(words) == 1 and (
        _qualifying(text, words[0], end, around, lang) or _elided(text, start, end) or _possessed(words[0], lang)
    ):
        return False
    cased = [w for w in words if w.lower() != w.upper()]
    return not cased or any(w[:1].isupper() for w in cased)


def _qualifying(text: str, word: str, end: int, around: NameWords, lang: str | None) -> bool:
    """An adjective of nationality alone before a lower-case word or a title qualifies it ("Russian | forces",
    "German | Chancellor"); where every noun is capitalised, alone it is never a name ("Russische | Drohnen",
    "Millionen | Deutsche": a name that holds one has more words, "Deutsche Bank")."""
    if around.adjectives is None or around.adjectives.fullmatch(word.lower()) is None:
        return False
    after = _WORD_AFTER.match(text, end)
    return lang in NOUNS_CAPITALISED or (after is not None and (_lower(after.group(1)) or around.leads(after.group(1))))


# Arabic: a pronoun written on a noun ("حكوماتنا": our governments, "قادتهم": their leaders) after a plural or
# feminine ending, or on a noun after "and" ("وغازنا": and our gas); the other clitics start foreign names too
# ("كاتارينا", "فالنتينا")
_POSSESSED = re.compile(r"\w+(?:ات|ت)(?:نا|هم|كم|هن)|و\w{2,}(?:نا|هم|كم|هن)")


def _possessed(word: str, lang: str | None) -> bool:
    """An Arabic noun with a possessive pronoun on it: a common noun, not a name (known places stay)."""
    return lang == "ar" and _POSSESSED.fullmatch(word) is not None and not is_place(word)


def _elided(text: str, start: int, end: int) -> bool:
    """A letter elided before an apostrophe ("C'era", "L'anno"): a word's first letter, not a name."""
    return end - start == 1 and text[end : end + 1] in ("'", "’")


def _no_name_word(word: str, stops: frozenset[str], around: NameWords, lang: str | None) -> bool:
    """A word no name is made of: a function word, a calendar word, or one that leads a name (a title)."""
    return _function_word(word, stops, lang) or word.lower() in around.calendar or around.leads(word)


def _function_word(word: str, stops: frozenset[str], lang: str | None) -> bool:
    """A stop word of the language; in Arabic also one behind a clitic written with it ("بأن", "فهل"), and a
    letter alone (a clitic the recogniser cut off, or a letter of an abbreviation: "أ ف ب", AFP)."""
    low = word.lower()
    if lang != "ar":
        return low in stops
    return low in stops or len(low) == 1 or (len(low) > 2 and low[0] in CLITICS + "أ" and low[1:] in stops)


_NAME_PIECE = re.compile(r"[^,;()\[\]]+")  # names are cut at commas, semicolons and brackets
_WORD_BEFORE = re.compile(rf"(\w[{WORD_INNER}]*) $")  # the word before, with its combining marks ("البَحْر")
_WORD_AFTER = re.compile(rf" (\w[{WORD_INNER}]*)")
_SENTENCE_BEFORE = re.compile(r"(?:^|[.!?:«\"“\n]\s*)$")
ARTICLES = frozenset({"el", "la", "los", "las", "le", "les", "il", "lo", "gli", "der", "die", "das", "the"})


def named_from(text: str, start: int, lang: str | None, floor: int = 0) -> int:
    """Where a recognised name starts once the capitalised words just before it are taken in ("Santiago |
    Bernabéu", "Comisión | Europea", "Kylian | Mbappé"): the token head often tags the last word of a name
    alone. Not in languages that capitalise every noun, not for a mention that starts in lower case, nor over a
    function word, a title, the first word of a sentence or the mention before (which ends at `floor`); an article
    written in capitals inside a sentence is the name's first word ("según El País")."""
    if lang in NOUNS_CAPITALISED or not text[start : start + 1].isupper():
        return start
    stops, around = stop_words(lang), name_words(lang)
    while (word := _WORD_BEFORE.search(text, max(floor, start - 40), start)) is not None:
        name = word.group(1)
        if _SENTENCE_BEFORE.search(text, max(0, word.start() - 3), word.start()):
            break
        if name.lower() in ARTICLES and name[:1].isupper():
            return word.start()  # "según | El País", "secondo | La Stampa": an article inside a sentence in capitals
        if not name[:1].isupper() or _no_name_word(name, stops, around, lang):
            break
        start = word.start()
    return start


def name_parts(text: str, start: int, end: int, lang: str | None) -> list[tuple[int, int]]:
    """A recognised mention as the names it holds: cut at commas, semicolons and brackets ("Peskov, Vladimir Putin") and
    at lower-case words never inside a name ("Ostsee | vor | Rügen"), without the lower-case words before the name
    ("il portavoce | Dmitry Peskov", "agli ordini di | Washington", "der | USA"), without the titles and
    adjectives of nationality that lead it (`lexicons/names.toml`: "ukrainische Präsident | Wolodymyr
    Selenskyj"), without an article before a name of two words or more or an acronym ("The | European Union",
    "La | ONU"; "Der Spiegel" stays) and without function words after it ("Maidan | non")."""
    stops, around = stop_words(lang), name_words(lang)
    out = []
    for piece in _NAME_PIECE.finditer(text, start, end):
        for run in _apart(text, [m.span() for m in LETTER_WORD.finditer(text, *piece.span())], around.apart):
            for words in _enumerated(run, text, lang):
                while len(words) > 1 and (
                    around.leads(first := text[slice(*words[0])])
                    or _lower(_after_elision(first))
                    or (first.lower() in stops and first[:1].isupper() and _named_after_article(text, words))
                ):
                    words.pop(0)
                while len(words) > 1 and text[slice(*words[-1])].lower() in stops:
                    words.pop()
                if words:
                    out.append((words[0][0], words[-1][1]))
    return out


def _named_after_article(text: str, words: list[tuple[int, int]]) -> bool:
    """Whether the words after the first make a name without it: two words or more, an acronym or a known place
    ("La | Russia" at a sentence's start; "La Stampa" stays)."""
    rest = text[slice(*words[1])] if len(words) == 2 else ""
    return len(words) > 2 or (len(words) == 2 and (_ACRONYM.fullmatch(rest) is not None or is_place(rest)))


def _apart(text: str, words: list[tuple[int, int]], apart: frozenset[str]) -> list[list[tuple[int, int]]]:
    """The words of a mention in runs cut at the lower-case words in `apart`, which are left out."""
    runs: list[list[tuple[int, int]]] = [[]]
    for a, b in words:
        if text[a:b] in apart:
            runs.append([])
        else:
            runs[-1].append((a, b))
    return [run for run in runs if run]


def names_sea(name: str, lang: str | None) -> bool:
    """Whether a name, in its language or in English (the alias table's names), is that of a sea or an ocean
    ("Black Sea", "Mar Nero", "Чорне море", "البحر الأسود"): a place that acts in no story."""
    words = LETTER_WORD.findall(name)
    return any(_sea_words(words, around) for around in (name_words(lang), name_words("en")))


def _sea_words(words: list[str], around: NameWords) -> bool:
    """Whether words are a sea's whole name: its word for sea leads them ("Mar Nero") or ends them."""
    return len(words) > 1 and (_bare(words[0]) in around.sea_before or _bare(words[-1]) in around.sea_after)


# what a sea's word goes on to where it names no sea ("Antarctic sea | ice", "sea | level")
_OF_THE_SEA = re.compile(r" (?:ice|level|levels|surface|water|waters|temperature|temperatures)\b")
_SEA_THING = re.compile(r" (?:sea|ocean)" + _OF_THE_SEA.pattern, re.IGNORECASE)


def _before_sea_thing(text: str, start: int, end: int) -> int:
    """Where a mention ends that runs on into a thing of the sea ("Antarctic | sea ice", spaCy's place)."""
    found = _SEA_THING.search(text, start, end)
    return found.start() if found else end


def at_sea(text: str, start: int, end: int, lang: str | None) -> tuple[int, int] | None:
    """A mention that names a sea with the word for sea beside it ("Mar | Nero", "Schwarzes | Meer",
    "Чорного | моря", "البحر | الأسود"), as the whole place name; None when no such word stands beside it, or
    when the word for sea goes on to a thing of the sea ("Antarctic sea | ice")."""
    around = name_words(lang)
    words = LETTER_WORD.findall(text, start, end)
    if _sea_words(words, around):
        return start, end  # "Mar Nero" recognised whole
    after = _WORD_AFTER.match(text, end)
    if after is not None and _bare(after.group(1)) in around.sea_after and not _OF_THE_SEA.match(text, after.end()):
        return start, after.end()
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    if before is None:
        return None
    article = _ARTICLE_ELIDED.match(before.group(1))  # "l’|océan Atlantique", "nell’|oceano Atlantico"
    sea = before.start(1) + (article.end() if article else 0)
    return (sea, end) if _bare(text[sea:start].strip()) in around.sea_before else None


def _bare(word: str) -> str:
    """Lower case without the combining marks written on its letters ("البَحْر" -> "البحر")."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def _enumerated(words: list[tuple[int, int]], text: str, lang: str | None) -> list[list[tuple[int, int]]]:
    """The words of a mention as the names they list: one-word names joined by lower-case conjunctions apart
    ("Sachsen und | Brandenburg"; not "Instytutu Meteorologii i Gospodarki Wodnej", one name), and a known place
    from the name after its conjunction ("Londynie i | Nowym Jorku"); in Arabic, a
    clitic before a known place starts a new name without it ("مصر وتونس": Egypt | Tunisia; "وباريس": Paris), and
    so does a conjunction written apart ("أو": or)."""
    if lang != "ar":
        joined = [text[a:b] in CONJUNCTIONS for a, b in words]
        listing = len(words) >= 3 and all(conjunction == (k % 2 == 1) for k, conjunction in enumerate(joined))
        if listing and len(words) % 2:
            return [[w] for w in words[::2]]
        if len(words) >= 3 and joined[1] and is_place(text[slice(*words[0])]):  # "Londynie i | Nowym Jorku"
            return [words[:1], words[2:]]
        return [words]
    out: list[list[tuple[int, int]]] = [[]]
    for a, b in words:
        if text[a:b] in _ARABIC_OR:  # "القاهرة أو بيروت": Cairo | Beirut
            out.append([])
            continue
        if cut := clitic(text[a:b]):
            out.append([])
        out[-1].append((a + cut, b))
    return [group for group in out if group]


_ARABIC_OR = frozenset({"أو", "و", "ثم"})  # or, and (written apart), then


def _lower(word: str) -> bool:
    return word[:1].islower()


def names_in(text: str, start: int, end: int, label: str, lang: str | None) -> list[tuple[int, int, str]]:
    """The names of a recognised mention (`name_parts`), typed: a sea's name with its word for sea is a place, a
    person's name ends in a capitalised word."""
    out, kind = [], TYPE_MAP[label]
    for a, b in name_parts(text, start, end, lang):
        a += _elided_article(text, a, b, lang)
        b = _HYPHENATED.match(text, b).end()  # "Jastrzębiu|-Zdroju"
        if kind == "PER":
            b = _particle_surname(text, _surname_after(text, a, _without_lower_end(text, a, b), lang))
        if kind == "ORG" and lang in ROMANCE and text[a : a + 1].isupper():
            b = _of_name(text, b)
        if (club := _club(text, a, b)) is not None:
            out.append((*club, "ORG"))
            continue
        b = _before_sea_thing(text, a, b)
        sea = at_sea(text, a, b, lang)
        out.append((*sea, "LOC") if sea else (a, b, _typed(kind, text[a:b], lang)))
    return out


_HYPHENATED = re.compile(rf"(?:-[{CAPITALS}][\w'’]*)?")
ROMANCE = frozenset({"es", "it", "fr", "pt", "ca", "ro"})
_OF_NAME = re.compile(r" (?:de la|de las|de los|del|de|di|della|delle|dei|degli|des|du|de l['’]|dell['’]|da|do|dos)"
                      r" ?((?:[A-ZÀ-ÖØ-Þ][\w'’\-]*)(?: [A-ZÀ-ÖØ-Þ][\w'’\-]*){0,4})")  # fmt: skip


def _of_name(text: str, end: int) -> int:
    """Where a Romance organisation's name ends with the "of ..." part the token head left out ("Organización
    Mundial | de la Salud", "Generalitat | de Catalunya"); not over a known place ("Ministerio de Defensa | de
    España")."""
    found = _OF_NAME.match(text, end)
    if found is None or is_place(LETTER_WORD.findall(found.group(1))[0]):
        return end
    return found.end()


_SURNAME = re.compile(rf"(?: [{CAPITALS}][\w'’\-]*){{1,3}}")


def _surname_after(text: str, start: int, end: int, lang: str | None) -> int:
    """Where a person known by one word ends once the capitalised words right after it are taken in ("Rafał |
    Augustyniak", "Recep | Tayyip Erdogan"): the token head often tags a first name alone. Not over a title, a
    calendar word, a function word or a known place; not in languages that capitalise every noun."""
    if lang in NOUNS_CAPITALISED or " " in text[start:end].strip() or not text[start : start + 1].isupper():
        return end
    found = _SURNAME.match(text, end)
    if found is None:
        return end
    stops, around = stop_words(lang), name_words(lang)
    for word in LETTER_WORD.finditer(text, found.start(), found.end()):
        name = word.group()
        if _no_name_word(name, stops, around, lang) or is_place(name):
            break
        end = word.end()
    return end


# "bin Salman", "ap Iorwerth", "al-Sharaa", "аш-Шараа": a name particle and the capitalised name after it
_PARTICLE_SURNAME = re.compile(
    rf"(?: (?:bin|bint|ibn|ben|ap|бин|бен|ибн|бін|ібн) [{CAPITALS}][\w'’]*"
    rf"|[ -](?:al|el|ad|ash|as|an|ar|at|az|ud|ul|аль|аш|ад|ас|ат|аз|ар|ан|эль|ель)-[{CAPITALS}][\w'’]*)+"
)


def _particle_surname(text: str, end: int) -> int:
    """Where a person's name ends once the Arabic or Welsh name particles right after it and their names are taken
    in ("Ahmed | al-Sharaa", "Tamim bin Hamad | al-Thani", "Rhun | ap Iorwerth")."""
    found = _PARTICLE_SURNAME.match(text, end)
    return found.end() if found else end


CLUB_MARKS = frozenset({"FC", "AC", "AS", "SC", "SV", "VfB", "VfL", "TSG", "SSC", "CF", "CD", "UD", "RC", "OGC", "RB"})


def _club(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A sports club named with its mark before or after the place or name ("FC | Bayern München", "Chelsea |
    FC"): the whole name, an organisation; None without a mark."""
    before = _WORD_BEFORE.search(text, max(0, start - 6), start)
    after = _WORD_AFTER.match(text, end)
    if before is not None and before.group(1) in CLUB_MARKS:
        start = before.start(1)
    elif after is not None and after.group(1) in CLUB_MARKS:
        end = after.end()
    else:
        return None
    return start, end


_ARTICLE_ELIDED = re.compile(r"(?i:l|dell|all|dall|nell|sull)['’]")  # before any word
_ELIDED = re.compile(_ARTICLE_ELIDED.pattern + r"(?=[A-ZÀ-Ý])")  # before a name


def _after_elision(word: str) -> str:
    """The word without the elided article written on it ("L'emiro" -> "emiro")."""
    found = _ARTICLE_ELIDED.match(word)
    return word[found.end() :] if found else word


def _elided_article(text: str, a: int, b: int, lang: str | None) -> int:
    """How many letters of a French or Italian mention are an article elided onto the name ("L'|OTAN",
    "dell'|ONU")."""
    found = _ELIDED.match(text, a, b) if lang in ("fr", "it") else None
    return found.end() - a if found else 0


def _without_lower_end(text: str, a: int, b: int) -> int:
    """Where a person's name ends without the lower-case words the recogniser ran on to ("Світлана Гринчук |
    повідомила"): a person's name ends in a capitalised word."""
    words = [m.span() for m in LETTER_WORD.finditer(text, a, b)]
    while len(words) > 1 and _lower(text[slice(*words[-1])]):
        words.pop()
    return words[-1][1] if words else b


_ACRONYM = re.compile(r"[A-ZА-ЯЁЇІЄҐ]{2,6}")


def owner_apart(text: str, a: int, b: int, kind: str) -> list[tuple[int, int, str]]:
    """A person's name led by the country or organisation whose office it holds, as the recogniser ran them
    together ("Угорщини | Віктор Орбан", "NATO | Jensa Stoltenberga", "США | Ентоні Блінкен", "Повітряних сил ЗСУ |
    Юрій Ігнат"): the leading place (LOC), acronym or words up to an acronym (ORG) apart, when two words of name
    are left."""
    words = [m.span() for m in LETTER_WORD.finditer(text, a, b)]
    if kind != "PER" or len(words) < 3:
        return [(a, b, kind)]
    first = text[slice(*words[0])]
    owner = "LOC" if is_place(first) else "ORG" if _ACRONYM.fullmatch(first) else None
    if owner is not None:
        return [(words[0][0], words[0][1], owner), (words[1][0], b, kind)]
    acronyms = [k for k in range(1, len(words) - 2) if _ACRONYM.fullmatch(text[slice(*words[k])])]
    if acronyms and all(text[a : a + 1].isupper() for a, _ in words[acronyms[-1] + 1 :]):
        k = acronyms[-1]  # "Повітряних сил ЗСУ | Юрій Ігнат": the organisation ends at its acronym
        return [(words[0][0], words[k][1], "ORG"), (words[k + 1][0], b, kind)]
    return [(a, b, kind)]


# "of the" (a preposition with its article) right before a word. Not Italian or Spanish, whose press writes
# companies with an article ("dell'Eni", "della Fiat"): there it cost recall on our sentences and gained nothing.
_OF_THE = {"fr": re.compile(r"(?i:\bde\s+la|\bde\s+l['’]|\bdu|\bdes|\baux|\bau)\s*$")}
_GERMAN_ARTICLE = re.compile(
    r"\b(?i:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|im|am|vom|zum|zur|beim|ins|ans)\s+"
    r"(?:[a-zäöüß]+\s+){0,2}$"  # "der böse | Russe": lower-case adjectives between
)


def common_noun(text: str, a: int, b: int, kind: str, lang: str | None) -> bool:
    """A one-word person, place or organisation that is a common noun by its article. German: after an article
    ("der Leitzins", "die Zeche", "im Osten", "der Russe", "die Panzerbrigade"): German capitalises every noun,
    and names of people take no article; an organisation stays when it reads as one ("der Bundestag", "die AfD").
    French: a place or organisation after "of the" (`_OF_THE`) is the capitalised noun of a portfolio or a common
    name ("ministère de la | Défense", "l'île des | Serpents"); a company after a bare "de" ("le patron de
    Renault") and an acronym ("de l'OTAN") stay.
    Arabic: a place with the article written on it ("الرئاسة", "والمدن"), which has no capitals to go by. Known
    places ("die Ukraine", "العراق") stay; so do the alias table's ("der Kreml"), matched before.
    English: an adjective of nationality (`english_adjective`)."""
    name = text[a:b]
    if " " in name:
        return False
    if lang == "en":
        return english_adjective(text, a, b, kind)
    if lang == "de" and (kind in ("PER", "LOC") or (kind == "ORG" and not _institution(name, lang))):
        noun = _GERMAN_ARTICLE.search(text, max(0, a - 40), a) is not None
    elif lang in _OF_THE and kind != "PER":
        noun = _OF_THE[lang].search(text, max(0, a - 12), a) is not None and not _institution(name, lang)
    elif lang == "ar" and kind == "LOC":
        noun = name.startswith(ARTICLE) or (name[:1] in CLITICS and name[1:].startswith(ARTICLE))
    else:
        return False
    return noun and not is_place(name)  # the gazetteer only where a language rule calls a name a noun


_DEMONYM_ENDING = re.compile(r"(?:an|ans|ian|ians|i|is|ese|ish)$")
_NEXT_WORD = re.compile(r" [A-Za-z]")


def english_adjective(text: str, start: int, end: int, kind: str) -> bool:
    """An English group or place name of one word [start, end) that is an adjective of nationality, no actor:
    a group in the singular before another word ("Iranian drones", "Saudi Crown Prince"; "the Iranians" stays), or
    a form of a known place that is not its name and ends as demonyms do ("Nepali", "Ukrainian"; "Iran" stays)."""
    word = text[start:end]
    if kind == "GROUP":
        return not word.endswith("s") and _NEXT_WORD.match(text, end) is not None
    return kind == "LOC" and bool(_DEMONYM_ENDING.search(word)) and is_place(word) and not is_place_name(word)


def _institution(name: str, lang: str | None) -> bool:
    """A one-word organisation that is one whatever its article: two capitals or more ("AfD", "BlackRock") or an
    institution's ending (`names.toml` `institution_endings`: "Bundes|tag", "Verfassungs|schutz")."""
    return sum(ch.isupper() for ch in name) > 1 or name.lower().endswith(name_words(lang).institution_endings)


def _typed(kind: str, name: str, lang: str | None = None) -> str:
    """A person, organisation or other name the recogniser found that is a known country or city is a place
    ("PARIS" of a French dateline, MISC to spaCy; a group stays: "Russian" is no place); a French place or other
    name that is a demonym is the group of people ("les Français", "des Ukrainiens", LOC to spaCy)."""
    if lang == "fr" and kind in ("LOC", "MISC") and _FRENCH_DEMONYM.fullmatch(name):
        return "GROUP"  # before the gazetteer, whose stems take "Français" for "França"
    return "LOC" if kind in ("PER", "ORG", "MISC") and is_place(name) else kind


# plural demonyms ("Français", "Ukrainiens", "Américaines", "Allemands", "Européens")
_FRENCH_DEMONYM = re.compile(
    r"[A-ZÉ][a-zàâçéèêëîïôûü]+(?:ais|aises|ois|oises|iens|iennes|éens|éennes|ains|aines|ands|andes)"
)
