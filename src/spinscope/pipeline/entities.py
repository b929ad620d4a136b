"""Actors: named-entity mentions merged per article, with the alias table for loaded designations.

Mentions come from the alias table (`lexicons/aliases.toml` + a user file: "the Kiev regime" is a mention of
Ukraine's government) and from a named-entity recogniser chosen per language (`components.entities.ner`): a
spaCy small pipeline (`spacy:<package>`, entity recogniser only), natasha (`natasha`, Russian; also used,
best effort, for Ukrainian), `head` (a token head on the shared encoder pass, `token_ner`; best effort,
W009) for languages without a model, or `capitalised` (runs of capitalised words, type MISC; best effort).
Each model loads once per process, when the first document of its language comes. Mentions are merged into
actors (`actors.merge`); the record field links technique spans and claims to them (`actors.actor_records`).
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from ..data import Document
from ..errors import ConfigError, Errors, Warnings
from ..languages import LETTER_WORD, NAME_PARTICLES, NOUNS_CAPITALISED, stop_words
from ..models import model_path
from ..readers.txt import chrome
from ..registry import components
from .actors import ENTITIES_SCHEMA, actor_records, merge
from .base import Component, Facet, Field, Table
from .encoder import ENCODING, encoding_of
from .linear_head import LinearHead, fitted_head
from .mention_types import MentionTyper, retyped
from .places import ARTICLE, CLITICS, clitic, is_place
from .sourcing import _entry_regex
from .token_ner import decode, token_labels

ALIASES = Path(__file__).resolve().parent.parent / "lexicons" / "aliases.toml"
NAMES = Path(__file__).resolve().parent.parent / "lexicons" / "names.toml"


@dataclass(frozen=True)
class NameWords:
    """Words around names in one language (`lexicons/names.toml`): titles and adjectives of nationality that
    lead a name without being part of it, and calendar words, never an actor alone."""

    titles: frozenset[str] = frozenset()
    title_stems: tuple[str, ...] = ()
    title_endings: tuple[str, ...] = ()  # of compounds: "Bundesfinanz|minister", "Chemie|konzern"
    calendar: frozenset[str] = frozenset()
    adjective: re.Pattern[str] | None = None
    adjectives: re.Pattern[str] | None = None  # of nationality, alone before a noun
    apart: frozenset[str] = frozenset()  # lower-case words never inside a name
    sea_before: frozenset[str] = frozenset()  # "Mar | Nero"
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
        frozenset(w.lower() for w in entry.get("calendar", [])),
        re.compile(adjective) if adjective else None,
        re.compile(adjectives) if adjectives else None,
        frozenset(entry.get("apart", [])),
        frozenset(entry.get("sea_before", [])),
        frozenset(entry.get("sea_after", [])),
    )


_CONJUNCTIONS = frozenset(
    ["and", "or", "und", "oder", "et", "ou", "e", "ed", "o", "y", "i", "oraz", "lub", "и", "или", "та", "і", "й", "або"]
)
MAX_STRETCH = 20_000  # characters a recogniser reads at once
TYPES = ("PER", "ORG", "LOC", "GROUP", "MISC")
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
_CAPITALISED = re.compile(r"(?<![\w])(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ][\w'’\-]+)(?:\s+[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ][\w'’\-]+){0,3}")


@dataclass(frozen=True)
class Alias:
    name: str
    type: str
    loaded: bool
    pattern: re.Pattern[str]
    anchors: tuple[str, ...] = ("",)  # each pattern lower-cased up to a "*", one space between words

    def mentions(self, text: str, lowered: str) -> list[tuple[int, int]]:
        """Where the alias occurs in `text` (`lowered`: its lower case, one space for any whitespace): the regex
        runs only when one of its patterns' literal starts occurs, so an alias absent from a text costs a few
        substring searches."""
        if not any(anchor in lowered for anchor in self.anchors):
            return []
        return [m.span() for m in self.pattern.finditer(text)]


def _anchor(pattern: str) -> str:
    return " ".join(pattern.split()).split("*")[0].lower()


def _read_aliases(path: Path) -> list[dict]:
    try:
        actors = tomllib.loads(path.read_text(encoding="utf-8")).get("actor", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(Errors.E506(path=path, reason=exc)) from None
    for a in actors:
        if not (isinstance(a.get("name"), str) and isinstance(a.get("patterns"), list) and a["patterns"]):
            raise ConfigError(Errors.E506(path=path, reason="each [[actor]] needs a name and a list of patterns"))
        if a.get("type", "MISC") not in TYPES:
            raise ConfigError(Errors.E506(path=path, reason=f"type of {a['name']!r} must be one of {TYPES}"))
    return actors


def _alias_pattern(patterns: Sequence[str]) -> re.Pattern[str]:
    """Upper-case acronyms ("EU", "MSM") match in that case only; the rest ignore case."""
    ordered = sorted(set(patterns), key=lambda p: (-len(p), p))
    parts = [_entry_regex(p) if not (p.isupper() and len(p) <= 5) else "(?-i:" + _entry_regex(p) + ")" for p in ordered]
    return re.compile("|".join(parts), re.IGNORECASE)


@cache
def load_aliases(extra: str = "") -> tuple[Alias, ...]:
    merged: dict[str, dict] = {}
    for path in [ALIASES, *([Path(extra).expanduser()] if extra else [])]:
        for a in _read_aliases(path):
            known = merged.setdefault(a["name"], {"type": a.get("type", "MISC"), "loaded": False, "patterns": []})
            known["patterns"] += a["patterns"]
            known["loaded"] = known["loaded"] or bool(a.get("loaded", False))
    return tuple(
        Alias(n, a["type"], a["loaded"], _alias_pattern(a["patterns"]), tuple({_anchor(p) for p in a["patterns"]}))
        for n, a in merged.items()
    )


# --- recognisers: (text, [(start, end)] stretches) -> [(start, end, type)] --------------------------------

Recogniser = Callable[[str, Sequence[tuple[int, int]]], list[tuple[int, int, str]]]


@cache
def spacy_recogniser(package: str) -> Recogniser:
    import importlib

    nlp = importlib.import_module(package).load(
        exclude=["parser", "tagger", "lemmatizer", "attribute_ruler", "morphologizer", "senter"]
    )
    for name in [n for n, pipe in nlp.pipeline if n != "ner" and not getattr(pipe, "listening_components", True)]:
        nlp.remove_pipe(
            name
        )  # a shared tok2vec nothing listens to (the sm pipelines' NER has its own): 1/3 of the time

    def recognise(text: str, stretches: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
        out = []
        for (start, _), doc in zip(stretches, nlp.pipe(text[a:b] for a, b in stretches), strict=True):
            out.extend((start + e.start_char, start + e.end_char, e.label_) for e in doc.ents)
        return out

    return recognise


@cache
def natasha_recogniser() -> Recogniser:
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())

    def recognise(text: str, stretches: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
        out = []
        for start, end in stretches:
            doc = Doc(text[start:end])
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            out.extend((start + s.start, start + s.stop, s.type) for s in doc.spans)
        return out

    return recognise


def capitalised_recogniser(text: str, stretches: Sequence[tuple[int, int]], multiword: bool = False) -> list[tuple]:
    """Runs of capitalised words; a single word that opens a sentence is left out (it is capitalised anyway),
    and with `multiword` (languages that capitalise every noun, such as German) every single word."""
    out = []
    for start, end in stretches:
        for m in _CAPITALISED.finditer(text, start, end):
            lead = text[start : m.start()].rstrip()
            opens = not lead or lead[-1] in '.!?:…"“«„—–-'
            if " " in m.group() or not (opens or multiword):
                out.append((m.start(), m.end(), "MISC"))
    return out


def plausible(text: str, start: int, end: int, lang: str | None) -> bool:
    """Whether a recognised mention can name an actor: not function words only ("nicht", "Oppure", "der"), and
    in a script with capitals, holding a capitalised word ("candelabro", "ucraino" are no actors; Arabic has
    no capitals to go by). Function words are spaCy's stop words of the language."""
    words = LETTER_WORD.findall(text, start, end)
    stops, around = stop_words(lang), name_words(lang)
    if not words or all(
        _function_word(w, stops, lang) or w.lower() in around.calendar or around.leads(w) for w in words
    ):
        return False
    if len(words) == 1 and (_qualifying(text, words[0], end, around) or _elided(text, start, end)):
        return False
    cased = [w for w in words if w.lower() != w.upper()]
    return not cased or any(w[:1].isupper() for w in cased)


def _qualifying(text: str, word: str, end: int, around: NameWords) -> bool:
    """An adjective of nationality alone before a lower-case word or a title qualifies it ("Russian | forces",
    "German | Chancellor")."""
    after = _WORD_AFTER.match(text, end)
    return (
        around.adjectives is not None
        and around.adjectives.fullmatch(word.lower()) is not None
        and (after is not None and (_lower(after.group(1)) or around.leads(after.group(1))))
    )


def _elided(text: str, start: int, end: int) -> bool:
    """A letter elided before an apostrophe ("C'era", "L'anno"): a word's first letter, not a name."""
    return end - start == 1 and text[end : end + 1] in ("'", "’")


def _function_word(word: str, stops: frozenset[str], lang: str | None) -> bool:
    """A stop word of the language; in Arabic also one behind a clitic written with it ("بأن", "فهل")."""
    low = word.lower()
    return low in stops or (lang == "ar" and len(low) > 2 and low[0] in CLITICS + "أ" and low[1:] in stops)


_NAME_PIECE = re.compile(r"[^,;()\[\]]+")  # names are cut at commas, semicolons and brackets
_WORD_BEFORE = re.compile(r"(\w[\w'’\-]*) $")
_WORD_AFTER = re.compile(r" (\w[\w'’\-]*)")
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
        if not name[:1].isupper() or name.lower() in stops or around.leads(name) or name.lower() in around.calendar:
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
                    or _lower(first)
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


def at_sea(text: str, start: int, end: int, lang: str | None) -> tuple[int, int] | None:
    """A mention that names a sea with the word for sea beside it ("Mar | Nero", "Schwarzes | Meer",
    "Чорного | моря", "البحر | الأسود"), as the whole place name; None when no such word stands beside it."""
    around = name_words(lang)
    words = LETTER_WORD.findall(text, start, end)
    if len(words) > 1 and (words[0].lower() in around.sea_before or words[-1].lower() in around.sea_after):
        return start, end  # "Mar Nero" recognised whole
    if (after := _WORD_AFTER.match(text, end)) is not None and after.group(1).lower() in around.sea_after:
        return start, after.end()
    before = _WORD_BEFORE.search(text, max(0, start - 30), start)
    if before is not None and before.group(1).lower() in around.sea_before:
        return before.start(1), end
    return None


def _enumerated(words: list[tuple[int, int]], text: str, lang: str | None) -> list[list[tuple[int, int]]]:
    """The words of a mention as the names they list: one-word names joined by lower-case conjunctions apart
    ("Sachsen und | Brandenburg"; not "Instytutu Meteorologii i Gospodarki Wodnej", one name); in Arabic, a
    clitic before a known place starts a new name without it ("مصر وتونس": Egypt | Tunisia; "وباريس": Paris)."""
    if lang != "ar":
        joined = [text[a:b] in _CONJUNCTIONS for a, b in words]
        listing = len(words) >= 3 and all(conjunction == (k % 2 == 1) for k, conjunction in enumerate(joined))
        return [[w] for w in words[::2]] if listing and len(words) % 2 else [words]
    out: list[list[tuple[int, int]]] = [[]]
    for a, b in words:
        if cut := clitic(text[a:b]):
            out.append([])
        out[-1].append((a + cut, b))
    return [group for group in out if group]


def _lower(word: str) -> bool:
    return word[:1].islower()


RECOGNISERS = ("natasha", "capitalised", "head")
RECOGNISER_KINDS = "spacy:<package>, natasha, head or capitalised"


def recogniser(spec: str, lang: str | None) -> Recogniser:
    """`spacy:<package>`, `natasha` or `capitalised` (E505 for anything else; `head` is the component's)."""
    if spec.startswith("spacy:"):
        return spacy_recogniser(spec.removeprefix("spacy:"))
    if spec == "natasha":
        return natasha_recogniser()
    if spec == "capitalised":
        return lambda text, stretches: capitalised_recogniser(text, stretches, lang in NOUNS_CAPITALISED)
    raise ConfigError(Errors.E505(key="components.entities.ner", kind=RECOGNISER_KINDS))


ACTOR_TABLES = (
    Table(
        "entities",
        """SELECT {doc}, e.name, e.type, len(e.mentions) AS mentions, len(e.targeted_by) AS targeted,
        len(e.claims) AS claims FROM base, unnest(entities) AS u(e)""",
    ),
    Table(
        "roles",
        """SELECT {doc}, e.name AS actor, e.type, e.roles.main AS main_role, e.roles.fine[1].role AS fine_role,
        e.roles.fine[1].score AS fine_score, list_transform(e.roles.fine, lambda f: f.role) AS fine_roles
        FROM base, unnest(entities) AS u(e) WHERE e.roles IS NOT NULL""",
        needs="entities[1].roles",  # schema 1.6
        columns=(
            *(("actor", "VARCHAR"), ("type", "VARCHAR"), ("main_role", "VARCHAR"), ("fine_role", "VARCHAR")),
            *(("fine_score", "DOUBLE"), ("fine_roles", "VARCHAR[]")),
        ),
    ),
)


# --- the component ------------------------------------------------------------------------------------------


@components.register("entities")
class EntitiesComponent(Component):
    """Adds the `entities` layer: one span per mention, labelled with its type, `actor` = the actor's name."""

    name = "entities"
    reads = ("spans.sentences", ENCODING)
    writes = ("spans.entities",)
    open_config = ("ner",)
    fields = (
        Field(
            "entities",
            actor_records,
            ENTITIES_SCHEMA,
            offsets="text",
            spans=lambda actors: (m for a in actors for m in a["mentions"]),
            columns=("len(entities) AS n_entities",),
            tables=ACTOR_TABLES,
            facets=(
                Facet("actor", lambda actors: [a["name"] for a in actors]),
                Facet("role", lambda actors: [f"{a['name']}: {a['roles']['main']}" for a in actors if a.get("roles")]),
            ),
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.ner: dict[str, str] = dict(config.get("ner", {}))
        for spec in self.ner.values():
            if not isinstance(spec, str) or not (spec.startswith("spacy:") or spec in RECOGNISERS):
                raise ConfigError(Errors.E505(key="components.entities.ner", kind=RECOGNISER_KINDS))
        self.best_effort = frozenset(config.get("best_effort", ()))
        self.aliases = load_aliases(str(config.get("aliases", "")))
        self.folder = model_path(config["model"])
        self.head: LinearHead | None = None
        self.problem = Warnings.W006(head="entities token")  # until setup finds the head
        self.types = str(config.get("types", ""))
        self.typer: MentionTyper | None = None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        """The token head, where shipped and fitted on the encoder that runs (else the `head` recogniser
        falls back to `capitalised`, with W006 or W007)."""
        self.head, self.problem = fitted_head(self.folder, upstream[ENCODING].model, "entities token")
        self.typer = MentionTyper.load(self.folder / self.types) if self.types else None

    @property
    def yielding(self) -> frozenset[str]:
        """The aliases a longer recognised organisation holding them wins over: places and organisations."""
        return frozenset(a.name for a in self.aliases if not a.loaded and a.type != "PER")

    def _recognised(self, doc: Document, spec: str) -> list[tuple[int, int, str]]:
        if spec == "head":
            encoding = encoding_of(doc)
            if self.head is not None and encoding is not None:
                return decode(doc.text, encoding.offsets, token_labels(encoding, self.head), doc.language)
            doc.warn(self.problem)
            spec = "capitalised"
        return recogniser(spec, doc.language)(doc.text, _stretches(doc))

    def __call__(self, doc: Document) -> Document:
        sentences = [(s.start, s.end) for s in doc.layer("sentences")]
        found = _alias_mentions(doc.text, sentences, self.aliases)
        lang = doc.language
        spec = self.ner.get(lang or "", self.ner.get("default", "capitalised"))
        if sentences and spec:
            raw = _within_sentences(self._recognised(doc, spec), [a for a, _ in sentences])
            floors = [0, *(end for _, end, _ in raw)][: len(raw)]
            recognised = [
                (x, y, kind, None)
                for (start, end, t), floor in zip(raw, floors, strict=True)
                if t in TYPE_MAP
                for a, b, kind in _named(doc.text, named_from(doc.text, start, lang, floor), end, t, lang)
                if plausible(doc.text, a, b, doc.language)
                for x, y, kind in _owner_apart(doc.text, a, b, kind)
                if not _common_noun(doc.text, x, y, kind, doc.language)
            ]
            if spec == "head" and self.head is not None and self.typer is not None:
                recognised = retyped(recognised, doc.text, self.typer)
            recognised = _named_in_body(_off_page_furniture(doc.text, recognised), doc)
            if lang != "ar":  # Arabic's recognised organisations run on past their name too often
                found = _not_inside_organisations(found, recognised, self.yielding)
            found += [m for m in recognised if all(m[1] <= f[0] or f[1] <= m[0] for f in found)]
            if spec in ("capitalised", "head") or doc.language in self.best_effort:
                doc.warn(Warnings.W009(lang=doc.language, detail=f"recogniser {spec!r}"))
        doc.spans["entities"] = [
            doc.make_span(a, b, t, source=self.name, actor=name)
            for a, b, t, name in merge(doc.text, sorted(_trimmed(doc.text, found)))
        ]
        return doc


def _named(text: str, start: int, end: int, label: str, lang: str | None) -> list[tuple[int, int, str]]:
    """The names of a recognised mention (`name_parts`), typed: a sea's name with its word for sea is a place, a
    person's name ends in a capitalised word."""
    out = []
    for a, b in name_parts(text, start, end, lang):
        a += _elided_article(text, a, b, lang)
        kind = TYPE_MAP[label]
        b = _HYPHENATED.match(text, b).end()  # "Jastrzębiu|-Zdroju"
        if kind == "PER":
            b = _surname_after(text, a, _without_lower_end(text, a, b), lang)
        if kind == "ORG" and lang in ROMANCE and text[a : a + 1].isupper():
            b = _of_name(text, b)
        if (club := _club(text, a, b)) is not None:
            out.append((*club, "ORG"))
            continue
        sea = at_sea(text, a, b, lang)
        out.append((*sea, "LOC") if sea else (a, b, _typed(kind, text[a:b])))
    return out


_HYPHENATED = re.compile(r"(?:-[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ][\w'’]*)?")
ROMANCE = frozenset({"es", "it", "fr", "pt", "ca", "ro"})
_OF_NAME = re.compile(r" (?:de la|de las|de los|del|de|di|della|delle|dei|degli|des|du|de l['’]|dell['’]|da|do|dos)"
                      r" ?((?:[A-ZÀ-ÖØ-Þ][\w'’\-]*)(?: [A-ZÀ-ÖØ-Þ][\w'’\-]*)*)")  # fmt: skip


def _of_name(text: str, end: int) -> int:
    """Where a Romance organisation's name ends with the "of ..." part the token head left out ("Organización
    Mundial | de la Salud", "Generalitat | de Catalunya"); not over a known place ("Ministerio de Defensa | de
    España")."""
    found = _OF_NAME.match(text, end)
    if found is None or is_place(LETTER_WORD.findall(found.group(1))[0]):
        return end
    return found.end()


_SURNAME = re.compile(r"(?: [A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЇІЄҐ][\w'’\-]*){1,3}")


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
        if name.lower() in stops or around.leads(name) or name.lower() in around.calendar or is_place(name):
            break
        end = word.end()
    return end


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


_ELIDED = re.compile(r"(?i:l|dell|all|dall|nell|sull)['’](?=[A-ZÀ-Ý])")


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


_SPACES = re.compile(r"\s+")


def _alias_mentions(text: str, sentences: list[tuple[int, int]], aliases: Sequence[Alias]) -> list[tuple]:
    """(start, end, type, actor name) of every alias mention that lies within one sentence, alias by alias."""
    starts, lowered = [s for s, _ in sentences], _SPACES.sub(" ", text.lower())
    out = []
    for alias in aliases:
        for a, b in alias.mentions(text, lowered):
            k = bisect_right(starts, a) - 1
            if k >= 0 and b <= sentences[k][1]:
                out.append((a, b, alias.type, alias.name))
    return out


def _not_inside_organisations(found: list[tuple], recognised: list[tuple], yielding: frozenset[str]) -> list[tuple]:
    """Alias mentions without those of a place or organisation (the `yielding` alias names: neither persons nor
    loaded designations) inside a longer recognised organisation, which is the actor then ("Misión de Observación
    de Derechos Humanos de la ONU", "Ministerstwo Obrony Rosji")."""
    organisations = [(a, b) for a, b, kind, _ in recognised if kind == "ORG"]
    return [
        f
        for f in found
        if f[3] not in yielding or not any(a <= f[0] and f[1] <= b and b - a > f[1] - f[0] for a, b in organisations)
    ]


_BUTTON_LINE = re.compile(r"[^\n]*[|·•][^\n]*")


def _off_page_furniture(text: str, mentions: list[tuple]) -> list[tuple]:
    """The recognised mentions outside lines of page furniture ("Share | Tweet | Print", "Teilen | Twittern",
    `readers.txt.chrome`): a button's label is no actor."""
    lines = [m.span() for m in _BUTTON_LINE.finditer(text) if chrome(m.group().strip())]
    return [m for m in mentions if not any(a <= m[0] < b for a, b in lines)] if lines else mentions


def _named_in_body(mentions: list[tuple], doc: Document) -> list[tuple]:
    """The recognised mentions without those in the title whose last word the rest of the text never uses: a
    headline's capitals mislead the recognisers ("The Truth They Will Not Print", "The Chessboard Nobody Wants"),
    while a real name in a headline comes back in the article ("Zelenskiy visits ..." / "Zelenskiy said")."""
    at = doc.text.find(doc.title) if doc.title else -1
    end = at + len(doc.title or "")
    titled = [m for m in mentions if at >= 0 and at <= m[0] and m[1] <= end]
    if not titled:
        return mentions
    rest = doc.text[:at] + "\n" + doc.text[end:]

    def used_again(m: tuple) -> bool:
        words = LETTER_WORD.findall(doc.text, m[0], m[1])
        return bool(words) and re.search(rf"\b{re.escape(words[-1])}\b", rest) is not None

    dropped = [m for m in titled if not used_again(m)]
    return [m for m in mentions if m not in dropped]


def _within_sentences(raw: list[tuple[int, int, str]], starts: list[int]) -> list[tuple[int, int, str]]:
    """Recognised mentions cut where a sentence starts inside them ("أسوأ. | بايدن": "worst. | Biden")."""
    out = []
    for start, end, kind in raw:
        cuts = [start, *starts[bisect_right(starts, start) : bisect_left(starts, end)], end]
        out.extend((a, b, kind) for a, b in pairwise(cuts) if b > a)
    return out


_ACRONYM = re.compile(r"[A-ZА-ЯЁЇІЄҐ]{2,6}")


def _owner_apart(text: str, a: int, b: int, kind: str) -> list[tuple[int, int, str]]:
    """A person's name led by the country or organisation whose office it holds, as the recogniser ran them
    together ("Угорщини | Віктор Орбан", "NATO | Jensa Stoltenberga", "США | Ентоні Блінкен"): the leading place
    (LOC) or acronym (ORG) apart, when two words of name are left."""
    words = [m.span() for m in LETTER_WORD.finditer(text, a, b)]
    if kind != "PER" or len(words) < 3:
        return [(a, b, kind)]
    first = text[slice(*words[0])]
    owner = "LOC" if is_place(first) else "ORG" if _ACRONYM.fullmatch(first) else None
    if owner is None:
        return [(a, b, kind)]
    return [(words[0][0], words[0][1], owner), (words[1][0], b, kind)]


_GERMAN_ARTICLE = re.compile(
    r"\b(?i:der|die|das|den|dem|des|ein|eine|einen|einem|einer|eines|im|am|vom|zum|zur|beim|ins|ans)\s+"
    r"(?:[a-zäöüß]+\s+){0,2}$"  # "der böse | Russe": lower-case adjectives between
)


def _common_noun(text: str, a: int, b: int, kind: str, lang: str | None) -> bool:
    """A one-word person or place that is a common noun by its article. German: after an article ("der
    Leitzins", "die Zeche", "im Osten", "der Russe"): German capitalises every noun, and names of people take
    no article. Arabic: a place with the article written on it ("الرئاسة", "والمدن"), which has no capitals to
    go by. Known places ("die Ukraine", "العراق") stay; so do the alias table's ("der Kreml"), matched before."""
    name = text[a:b]
    if " " in name:
        return False
    if lang == "de" and kind in ("PER", "LOC"):
        noun = _GERMAN_ARTICLE.search(text, max(0, a - 40), a) is not None
    elif lang == "ar" and kind == "LOC":
        noun = name.startswith(ARTICLE) or (name[:1] in CLITICS and name[1:].startswith(ARTICLE))
    else:
        return False
    return noun and not is_place(name)  # the gazetteer only where a language rule calls a name a noun


def _typed(kind: str, name: str) -> str:
    """A person or organisation the recogniser found that is a known country or city is a place (a group stays:
    "Russian" is no place)."""
    return "LOC" if kind in ("PER", "ORG") and is_place(name) else kind


def _stretches(doc: Document) -> list[tuple[int, int]]:
    """What a recogniser reads: paragraphs, long ones cut at sentence starts into pieces of about
    MAX_STRETCH characters (spaCy refuses texts over 1M characters and slows down on long ones); a sentence
    longer than that is cut every MAX_STRETCH characters."""
    starts = sorted(s.start for s in doc.layer("sentences"))
    out: list[tuple[int, int]] = []
    for p in doc.layer("paragraphs") or doc.layer("sentences"):
        cuts, prev = [p.start], p.start
        for at in [*starts[bisect_right(starts, p.start) : bisect_left(starts, p.end)], p.end]:
            if at - cuts[-1] > MAX_STRETCH and prev > cuts[-1]:
                cuts.append(prev)
            prev = at
        for a, b in zip(cuts, [*cuts[1:], p.end], strict=True):
            out.extend((x, min(x + MAX_STRETCH, b)) for x in range(a, b, MAX_STRETCH))
    return out


def _trimmed(text: str, found: list[tuple]) -> list[tuple]:
    """Mentions without possessive endings and edge punctuation; overlapping NER mentions keep the first."""
    out, last_end = [], -1
    for a, b, t, name in sorted(found, key=lambda m: (m[0], -m[1])):
        while b > a and not text[b - 1].isalnum():
            b -= 1
        if text[a:b].endswith(("'s", "’s")):
            b -= 2
        words = text[a:b].split()
        while len(words) > 1 and words[-1] in _CONJUNCTIONS:  # "Odesa and" (a recogniser's slip)
            b = a + len(text[a : text.rfind(words.pop(), a, b)].rstrip())
        if b > a and a >= last_end:
            out.append((a, b, t, name))
            last_end = b
    return out
