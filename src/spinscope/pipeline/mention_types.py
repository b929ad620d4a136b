"""A second opinion on what a recognised name is: person, organisation, place, or no name at all.

The token head (`token_ner`) types names from the shared encoder, which was fine-tuned for techniques and says
little about what a name refers to: "ONU" and "Unión Europea" came out as places, "Sputnik" and "Washington" as
persons. The pretrained multilingual e5 (`models/retrieval`, the second model) places a name near its
translations, so a softmax head on the embedding of the name alone, fitted on the names spaCy and natasha
find in English, French and Russian articles (and on common words, as "no name"), types names in every
language (`spinscope train mention-types`, `models/entities/types/`). It runs only where the recogniser is
the token head, on each distinct mention string of the document.

A mention is retyped when the head gives another type at least its cut, if it is written in the scripts of the
names the head was fitted on (Latin, Cyrillic): the type of a name comes from its form, and e5 reads a foreign
name written in Arabic letters as a place ("غوتيريش", Guterres). A one-word mention, neither an acronym nor a known
place, is dropped when "no name" reaches its cut, in any script: that comes from the word's meaning, which e5
carries across languages ("Hintermänner", "Nachrichtenmagazins", "الموانئ").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .linear_head import LinearHead
from .places import is_place

NONE = "NONE"  # the head's label for a string that is no name
FOLDER = "types"  # subfolder of the entities model folder
SCRIPTS = ("LATIN", "CYRILLIC")  # the scripts of the silver names
ACRONYM_LETTERS = 5  # a longer word in capitals is a name set in capitals (a dateline), not an acronym
KNOWN = 50_000  # names whose answer is kept across documents ("Putin" is embedded once a run)


@dataclass
class MentionTyper:
    """The head and the embedder whose vectors it reads (its fingerprint is checked at load). A name's answer
    depends on the name alone (a text's vector never depends on the texts embedded with it), so answers are
    kept, up to KNOWN names."""

    head: LinearHead
    embedder: object
    known: dict[str, str | None] = field(default_factory=dict)

    @staticmethod
    def load(folder: Path) -> MentionTyper | None:
        """The shipped typer, or None where the head or the embedder it was fitted on is missing."""
        from ..embedder import load_embedder

        if not (folder / "head.npz").is_file():
            return None
        head, embedder = LinearHead.load(folder), load_embedder()
        if embedder is None or head.encoder.get("embedder") != embedder.fingerprint:
            return None
        return MentionTyper(head, embedder)

    def types(self, names: Sequence[str]) -> dict[str, str | None]:
        """Each distinct name -> the type the head gives it at its cut, NONE, or None where no label reaches
        its cut."""
        known = self.known  # never cleared, only replaced: another thread may be reading it
        answers = {name: known[name] for name in set(names) if name in known}
        new = sorted(set(names) - answers.keys())
        if new:
            scores = self.head.scores(self.embedder.embed(new))
            cuts = self.head.thresholds_for(None)
            for name, row in zip(new, scores, strict=True):
                best = int(np.argmax(row))
                answers[name] = self.head.labels[best] if row[best] >= cuts[best] else None
            if len(known) + len(new) > KNOWN:
                self.known = known = {}
            known.update((name, answers[name]) for name in new)
        return answers


def retyped(mentions: list[tuple[int, int, str, None]], text: str, typer: MentionTyper) -> list[tuple]:
    """`mentions` (start, end, type, None) with the typer's types; "no name" one-word mentions left out. Known
    places keep the place type the gazetteer gave them."""
    asked = [_asked(text[a:b]) for a, b, _, _ in mentions]
    given = typer.types(asked)
    out = []
    for (a, b, kind, actor), question in zip(mentions, asked, strict=True):
        name = text[a:b]
        said = given.get(question)
        if said is None or is_place(name):
            out.append((a, b, kind, actor))
        elif said != NONE:
            out.append((a, b, said if _in_silver_scripts(name) else kind, actor))
        elif len(name.split()) > 1 or name.isupper():
            out.append((a, b, kind, actor))  # several words or an acronym: a name, whatever its meaning
    return out


def _asked(name: str) -> str:
    """What the typer is asked: a word in capitals longer than an acronym as it is written in running text
    ("GINEVRA" of a dateline reads as an organisation's acronym, "Ginevra" as the city)."""
    return name.title() if name.isupper() and len(name) > ACRONYM_LETTERS else name


def _in_silver_scripts(name: str) -> bool:
    return all(unicodedata.name(ch, "").startswith(SCRIPTS) for ch in name if ch.isalpha())
