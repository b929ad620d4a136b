"""Actors of one article: mentions merged by name, and what the text aims at each of them.

`merge` groups mentions into actors: alias-table mentions carry their actor's name; other mentions join an
actor of a compatible type when every word of the shorter name matches a word of the longer one (the same
word, or a shared stem of at least four letters that leaves at most three letters over, so "Зеленского" joins
"Владимир Зеленский" and "Berg" joins "Anna Berg", but "Iran" stays apart from "Iraq"); an actor of the alias
table also takes such shorter or equal forms of its mentions ("للأمم المتحدة"), and a person takes a lone surname
the recogniser typed otherwise ("Estévez" as ORG). An actor is named by its longest (then most frequent) mention.

`actor_records` builds the record field: per actor its mentions, the technique spans aimed at it (a span
that overlaps a mention of it; else the nearest mention in the same sentence, after the span first, then before)
the claims attributed to it (its mention overlaps the claim's speaker) and, where the `roles` step ran, how the
article casts it (`roles.actor_roles`; null otherwise, and absent from records before schema 1.6).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..data import Document, Span
from .places import is_place
from .roles import ROLES_SCHEMA, actor_roles

_MIN_STEM = 4
_MAX_ENDING = 3
_DROP_LEADING = frozenset(
    ["the", "a", "an", "le", "la", "les", "l'", "l’", "der", "die", "das", "el", "il", "lo", "i", "gli"]
)


_ARABIC = re.compile(r"[\u0621-\u064a]")
_MIN_ARABIC = 3  # letters a word keeps when its clitics are taken off


def _forms(word: str) -> list[str]:
    """A word and, in Arabic, the word without the clitics written onto it, peeled one by one: "and" (و/ف), a
    preposition (ب/ل/ك) and the article (ال, or the ل left of it after ل): "وللناتو" -> ... -> "ناتو", as
    "الناتو" -> "ناتو" (each form keeps at least 3 letters; "بوتين" stays one of its own forms)."""
    forms = [word]
    if _ARABIC.match(word):
        for prefixes in (("و", "ف"), ("ب", "ل", "ك"), ("ال", "ل")):
            lead = next((p for p in prefixes if word.startswith(p) and len(word) - len(p) >= _MIN_ARABIC), "")
            word = word[len(lead) :]
            forms.append(word)
    return forms


def _words(name: str) -> list[str]:
    words = [w.strip(".,'’\"«»“”„").casefold() for w in name.split()]
    while len(words) > 1 and words[0] in _DROP_LEADING:
        words = words[1:]
    return [w for w in words if w]


def _same_stem(a: str, b: str) -> bool:
    if a == b:
        return True
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return common >= _MIN_STEM and max(len(a), len(b)) - common <= _MAX_ENDING


def _same_word(a: str, b: str) -> bool:
    return any(_same_stem(x, y) for x in _forms(a) for y in _forms(b))


@lru_cache(maxsize=1 << 16)
def same_actor(a: str, b: str) -> bool:
    short, long_ = sorted((_words(a), _words(b)), key=len)
    return bool(short) and all(any(_same_word(w, v) for v in long_) for w in short)


def _compatible(t1: str, t2: str) -> bool:
    return t1 == t2 or "MISC" in (t1, t2)


def merge(text: str, mentions: Sequence[tuple[int, int, str, str | None]]) -> list[tuple[int, int, str, str]]:
    """(start, end, type, alias name or None) mentions in text order -> (start, end, type, actor name)."""
    groups: list[dict[str, Any]] = []  # {"type", "alias", "members": [(start, end)]}
    for start, end, kind, alias in sorted(mentions, key=lambda m: m[3] is None):  # the alias table's actors first
        group = next((g for g in groups if _joins(g, text, start, end, kind, alias)), None)
        if group is None:
            group = {"type": kind, "alias": alias, "members": []}
            groups.append(group)
        if group["type"] == "MISC":
            group["type"] = kind
        group["members"].append((start, end))
    out = []
    for g in _surnames_joined(text, groups):
        name = g["alias"] or _best_name(text, g["members"])
        out.extend((a, b, g["type"], name) for a, b in g["members"])
    return sorted(out)


def _joins(group: dict[str, Any], text: str, start: int, end: int, kind: str, alias: str | None) -> bool:
    """An alias mention joins its alias's actor. Another joins an actor of a compatible type that has the same
    name (`same_actor`); an actor of the alias table only as a shorter or equal form of one of its mentions
    ("للأمم المتحدة" of "الأمم المتحدة", "Volodymyr" of "Volodymyr Zelensky"), never as a longer name that holds
    one ("Kremlin spokesman Dmitry Peskov" stays apart from the Kremlin)."""
    if alias is not None or not _compatible(group["type"], kind):
        return alias is not None and group["alias"] == alias
    surface = text[start:end]
    if group["alias"] is None:
        return any(same_actor(surface, text[a:b]) for a, b in group["members"])
    size = len(_words(surface))
    return any(size <= len(_words(text[a:b])) and same_actor(surface, text[a:b]) for a, b in group["members"])


def _surnames_joined(text: str, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A one-word actor that is not a person or a known place (the recogniser typed a lone surname otherwise:
    "Estévez" as ORG, "Мирошниченка" as LOC) joins the person whose full name ends with that word ("Ramiro
    Estévez", "Олег Мирошниченко")."""
    names = [[_words(text[a:b]) for a, b in g["members"]] for g in groups]
    persons = [(g, ns) for g, ns in zip(groups, names, strict=True) if g["type"] == "PER"]
    surnames = [(g, {n[-1] for n in ns if len(n) > 1}) for g, ns in persons]
    kept = []
    for g, ns in zip(groups, names, strict=True):
        lone = [n[0] for n in ns if len(n) == 1]
        person = None
        other = g["type"] != "PER" and not any(is_place(text[a:b]) for a, b in g["members"])
        if other and g["alias"] is None and len(lone) == len(ns):
            person = next((p for p, last in surnames if all(any(_same_word(w, s) for s in last) for w in lone)), None)
        if person is None:
            kept.append(g)
        else:
            person["members"].extend(g["members"])
    return kept


def _best_name(text: str, members: list[tuple[int, int]]) -> str:
    surfaces = [" ".join(text[a:b].split()) for a, b in members]
    return max(surfaces, key=lambda s: (len(_words(s)), surfaces.count(s), -surfaces.index(s)))


# --- record field -------------------------------------------------------------------------------------------


def _sentence_of(sentences: Sequence[Span], start: int, end: int) -> tuple[int, int] | None:
    return next(((s.start, s.end) for s in sentences if s.start <= start < s.end or s.start < end <= s.end), None)


def target_of(span: Span | Mapping[str, Any], mentions: Sequence[Span], sentences: Sequence[Span]) -> str | None:
    """The actor a technique span aims at: a mention it overlaps (the most overlapped), else the nearest
    mention in its sentence, after it first."""
    start, end = (span.start, span.end) if isinstance(span, Span) else (span["start"], span["end"])
    inside = [m for m in mentions if m.start < end and start < m.end]  # overlapping: "puppet [regime] in Kiev"
    if inside:
        return max(inside, key=lambda m: (min(end, m.end) - max(start, m.start), -m.start)).attrs["actor"]
    bounds = _sentence_of(sentences, start, end)
    if bounds is None:
        return None
    near = [m for m in mentions if bounds[0] <= m.start and m.end <= bounds[1] and (m.end <= start or m.start >= end)]
    if not near:
        return None
    return min(near, key=lambda m: (m.start < start, abs(m.start - end) if m.start >= end else start - m.end)).attrs[
        "actor"
    ]


def actor_at(mentions: Sequence[Span], start: int | None, end: int | None) -> str | None:
    """The actor with a mention overlapping [start, end) (a claim's speaker), if any."""
    if start is None or end is None:
        return None
    hits = [m for m in mentions if m.start < end and start < m.end]
    return max(hits, key=lambda m: m.end - m.start).attrs["actor"] if hits else None


def actor_records(doc: Document) -> list[dict[str, Any]]:
    mentions = doc.layer("entities")
    sentences = doc.layer("sentences")
    actors: dict[str, dict[str, Any]] = {}
    for m in mentions:
        actor = actors.setdefault(
            m.attrs["actor"],
            {"name": m.attrs["actor"], "type": m.label, "aliases": [], "mentions": [], "targeted_by": [], "claims": []},
        )
        actor["mentions"].append({"start": m.start, "end": m.end, "text": m.text})
        surface = " ".join(m.text.split())
        if surface != actor["name"] and surface not in actor["aliases"]:
            actor["aliases"].append(surface)
    for span in doc.layer("techniques"):
        if (name := target_of(span, mentions, sentences)) is not None:
            actors[name]["targeted_by"].append({"technique": span.label, "start": span.start, "end": span.end})
    for i, claim in enumerate(doc.layer("claims")):
        speaker = claim.attrs["attribution"]
        if (name := actor_at(mentions, speaker["speaker_start"], speaker["speaker_end"])) is not None:
            actors[name]["claims"].append(i)
    cast = "roles" in doc.spans
    for name, actor in actors.items():
        actor["roles"] = actor_roles(doc, name) if cast else None
    return sorted(
        actors.values(), key=lambda a: (-len(a["mentions"]) - len(a["targeted_by"]), a["mentions"][0]["start"])
    )


ENTITIES_SCHEMA = {
    "type": "array",
    "description": "Actors of the article: merged mentions, technique spans aimed at them, claims they make.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "type", "aliases", "mentions", "targeted_by", "claims"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "type": {"enum": ["PER", "ORG", "LOC", "GROUP", "MISC"]},
            "aliases": {"type": "array", "items": {"type": "string"}},
            "mentions": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/textSpan"}},
            "targeted_by": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["technique", "start", "end"],
                    "properties": {
                        "technique": {"type": "string"},
                        "start": {"type": "integer", "minimum": 0},
                        "end": {"type": "integer", "minimum": 0},
                    },
                },
            },
            "claims": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "roles": ROLES_SCHEMA,
        },
    },
}
