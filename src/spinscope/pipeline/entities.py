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

import json
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
from ..languages import CONJUNCTIONS, LETTER_WORD, NOUNS_CAPITALISED
from ..models import model_path
from ..readers.txt import chrome
from ..registry import components
from .actors import ENTITIES_SCHEMA, actor_records, merge
from .base import Component, Facet, Field, Table
from .encoder import ENCODING, encoding_of, lacks_middle
from .linear_head import LinearHead, fitted_head
from .mention_types import MentionTyper, retyped
from .names import CAPITALS, TYPE_MAP, common_noun, named_from, names_in, owner_apart, plausible
from .places import CLITICS
from .sourcing import _entry_regex
from .token_ner import head_mentions

ALIASES = Path(__file__).resolve().parent.parent / "lexicons" / "aliases.toml"


MAX_STRETCH = 20_000  # characters a recogniser reads at once
TYPES = ("PER", "ORG", "LOC", "GROUP", "MISC")
_CAPITALISED = re.compile(rf"(?<![\w])(?:[{CAPITALS}][\w'’\-]+)(?:\s+[{CAPITALS}][\w'’\-]+){{0,3}}")


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
    """Upper-case acronyms ("EU", "MSM") match in that case only; the rest ignore case. An Arabic pattern also
    matches with a clitic written on its first word ("وطائفة المناخ": and the climate sect)."""
    ordered = sorted(set(patterns), key=lambda p: (-len(p), p))
    parts = [_entry_regex(p) if not (p.isupper() and len(p) <= 5) else "(?-i:" + _entry_regex(p) + ")" for p in ordered]
    parts = [_with_clitic(part) if _ARABIC_LETTER.match(p) else part for p, part in zip(ordered, parts, strict=True)]
    return re.compile("|".join(parts), re.IGNORECASE)


_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
_WORD_START = r"(?<![\w-])"


def _with_clitic(regex: str) -> str:
    """An entry's regex (`sourcing._entry_regex`, which starts at a word's start) that lets one clitic letter
    (`places.CLITICS`) stand before it."""
    return _WORD_START + f"[{CLITICS}]?" + regex.removeprefix(_WORD_START)


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
        for (start, _), doc in zip(stretches, nlp.pipe(one_line(text[a:b]) for a, b in stretches), strict=True):
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
            doc = Doc(one_line(text[start:end]))
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
        self.floor = 0.0  # the head's confidence floor (`token_ner.head_mentions`), from its metrics.json
        self.problem = Warnings.W006(head="entities token")  # until setup finds the head
        self.types = str(config.get("types", ""))
        self.retyped = frozenset(config.get("retyped", ()))  # languages of other recognisers the typer checks too
        self.typer: MentionTyper | None = None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        """The token head, where shipped and fitted on the encoder that runs, which exports the middle layer too
        (else the `head` recogniser falls back to `capitalised`, with W006 or W007), and the confidence floor it
        was chosen with (its metrics.json)."""
        encoder = upstream[ENCODING].model
        self.head, self.problem = fitted_head(self.folder, encoder, "entities token")
        if self.head is not None and (missing := lacks_middle(encoder, "entities token")) is not None:
            self.head, self.problem = None, missing
        metrics = self.folder / "metrics.json"
        chosen = json.loads(metrics.read_text(encoding="utf-8")) if metrics.is_file() else {}
        self.floor = float(chosen.get("floor", 0.0))
        self.typer = MentionTyper.load(self.folder / self.types) if self.types else None

    @property
    def yielding(self) -> frozenset[str]:
        """The aliases a longer recognised organisation holding them wins over: places and organisations."""
        return frozenset(a.name for a in self.aliases if not a.loaded and a.type != "PER")

    def _recognised(self, doc: Document, spec: str) -> list[tuple[int, int, str]]:
        if spec == "head":
            encoding = encoding_of(doc)
            if self.head is not None and encoding is not None:
                return head_mentions(doc.text, encoding, self.head, doc.language, self.floor)
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
                for a, b, kind in names_in(doc.text, named_from(doc.text, start, lang, floor), end, t, lang)
                if plausible(doc.text, a, b, lang)
                for x, y, kind in owner_apart(doc.text, a, b, kind)
                if not common_noun(doc.text, x, y, kind, lang)
            ]
            checked = (spec == "head" and self.head is not None) or lang in self.retyped
            if checked and self.typer is not None:  # a person the typer found keeps no office's owner in it
                recognised = retyped(recognised, doc.text, self.typer)
                recognised = [(x, y, k, m[3]) for m in recognised for x, y, k in owner_apart(doc.text, *m[:3])]
            recognised = _datelines(doc.text, _named_in_body(_off_page_furniture(doc.text, recognised), doc))
            if lang != "ar":  # Arabic's recognised organisations run on past their name too often
                found = _not_inside_organisations(found, recognised, self.yielding)
            found = _whole_persons(found, recognised)
            found += [m for m in recognised if all(m[1] <= f[0] or f[1] <= m[0] for f in found)]
            if spec in ("capitalised", "head") or doc.language in self.best_effort:
                doc.warn(Warnings.W009(lang=doc.language, detail=f"recogniser {spec!r}"))
        doc.spans["entities"] = [
            doc.make_span(a, b, t, source=self.name, actor=name)
            for a, b, t, name in merge(doc.text, sorted(_trimmed(doc.text, found)))
        ]
        return doc


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


def _whole_persons(found: list[tuple], recognised: list[tuple]) -> list[tuple]:
    """Alias mentions of a person widened to the recognised name around them, for the alias's actor: the table
    knows "Zajárova" and "غوتيريش", the text writes "María Zajárova" and "أنطونيو غوتيريش"."""
    persons = [(a, b) for a, b, kind, _ in recognised if kind == "PER"]
    out = []
    for f in found:
        around = [(a, b) for a, b in persons if a <= f[0] and f[1] <= b] if f[2] == "PER" else []
        out.append((*max(around, key=lambda r: r[1] - r[0]), *f[2:]) if around else f)
    return out


def _off_page_furniture(text: str, mentions: list[tuple]) -> list[tuple]:
    """The recognised mentions outside lines of page furniture ("Share | Tweet | Print", "Teilen | Twittern",
    `readers.txt.chrome`): a button's label is no actor."""
    lines, start = [], 0
    for line in text.split("\n"):
        if any(bar in line for bar in "|·•") and chrome(line.strip()):
            lines.append((start, start + len(line)))
        start += len(line) + 1
    return [m for m in mentions if not any(a <= m[0] < b for a, b in lines)] if lines else mentions


_CAPS_WORD = rf"[{CAPITALS}][{CAPITALS}'’.]+"
# a wire report's dateline: a place in capitals at a line's start, a date or region and the agency, then a dash
# ("SEATTLE (Reuters) -", "KYIV, Nov 14 (Reuters) -", "BUENOS AIRES, 3 dic (EFE) -", "TORINO, 5 dicembre -")
_DATELINE = re.compile(
    rf"^({_CAPS_WORD}(?:[ -]{_CAPS_WORD})*)"  # the place
    r"(?:,(?: [^\s,()]+){1,3}){0,2}"  # ", Ukraine, Nov 14"
    r"(?: ?\([^\n()]{1,30}\))?\s*[-–—]\s",  # " (Reuters) - "
    re.M,
)


def _datelines(text: str, mentions: list[tuple]) -> list[tuple]:
    """The recognised mentions with each dateline's place a place, whatever the recogniser made of its capitals
    ("SEATTLE" an organisation, "AIRES" alone, "TORINO" missed)."""
    places = [(m.start(1), m.end(1), "LOC", None) for m in _DATELINE.finditer(text)]
    if not places:
        return mentions
    kept = [m for m in mentions if all(m[1] <= a or b <= m[0] for a, b, _, _ in places)]
    return sorted(kept + places)


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


_LINE_BREAK = re.compile(r"(?<![\r\n])\r?\n(?![\r\n])")


def one_line(text: str) -> str:
    """The text with each single line break (a hard wrap, not a paragraph's end) as spaces of the same length,
    so a recogniser reads "Volodymyr / Zelenskiy" across the wrap as one name; offsets stay."""
    return _LINE_BREAK.sub(lambda m: " " * len(m.group()), text)


def _blocks(doc: Document) -> list[tuple[int, int]]:
    """Paragraphs (lines), those a sentence runs across joined: a hard-wrapped paragraph is one block."""
    blocks: list[list[int]] = []
    for start, end in sorted((s.start, s.end) for s in [*doc.layer("paragraphs"), *doc.layer("sentences")]):
        if blocks and start < blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end)
        else:
            blocks.append([start, end])
    return [(a, b) for a, b in blocks]


def _stretches(doc: Document) -> list[tuple[int, int]]:
    """What a recogniser reads: paragraphs (`_blocks`), long ones cut at sentence starts into pieces of about
    MAX_STRETCH characters (spaCy refuses texts over 1M characters and slows down on long ones); a sentence
    longer than that is cut every MAX_STRETCH characters."""
    starts = sorted(s.start for s in doc.layer("sentences"))
    out: list[tuple[int, int]] = []
    for p_start, p_end in _blocks(doc):
        cuts, prev = [p_start], p_start
        for at in [*starts[bisect_right(starts, p_start) : bisect_left(starts, p_end)], p_end]:
            if at - cuts[-1] > MAX_STRETCH and prev > cuts[-1]:
                cuts.append(prev)
            prev = at
        for a, b in zip(cuts, [*cuts[1:], p_end], strict=True):
            out.extend((x, min(x + MAX_STRETCH, b)) for x in range(a, b, MAX_STRETCH))
    return out


_INITIALS = re.compile(r"(?:[A-Z]\.){2,}")  # "U.N.", "U.S.": the full stop is the abbreviation's


def _trimmed(text: str, found: list[tuple]) -> list[tuple]:
    """Mentions without possessive endings and edge punctuation (not the last full stop of initials, "U.N.");
    overlapping NER mentions keep the first."""
    out, last_end = [], -1
    for a, b, t, name in sorted(found, key=lambda m: (m[0], -m[1])):
        while b > a and not text[b - 1].isalnum() and not _INITIALS.fullmatch(text, a, b):
            b -= 1
        if text[a:b].endswith(("'s", "’s")):
            b -= 2
        words = text[a:b].split()
        while len(words) > 1 and words[-1] in CONJUNCTIONS:  # "Odesa and" (a recogniser's slip)
            b = a + len(text[a : text.rfind(words.pop(), a, b)].rstrip())
        if b > a and a >= last_end:
            out.append((a, b, t, name))
            last_end = b
    return out
