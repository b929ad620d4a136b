"""Named entities from the shared encoder pass: a linear BIO head over each token's hidden state.

For languages without a named-entity model of their own (German, Italian, Polish, ...), the `head`
recogniser of the entities component reads each token's last and middle-layer states of the one encoder pass
(no second model) and tags them O / B-<type> / I-<type> (PER, ORG, LOC) with a softmax head (`models/entities`)
fitted on silver labels that spaCy (en, fr) and natasha (ru) gave the SemEval training articles and on our own
annotated sentences in eleven languages (`spinscope train entities`). A mention is a run of tokens of one type,
widened to whole words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..languages import NAME_PARTICLES, NOUNS_CAPITALISED, stop_words
from .encoder import Encoding
from .linear_head import LinearHead
from .places import clitic, is_place, is_place_name

OUTSIDE = "O"


def token_features(encoding: Encoding) -> np.ndarray | None:
    """[n_tokens, 2 * hidden] float32: each token's last and middle-layer states side by side (the middle layer,
    less bent towards techniques, tells names apart better); None where either was not exported."""
    if encoding.hidden is None or encoding.middle is None:
        return None
    return np.hstack([encoding.hidden, encoding.middle]).astype(np.float32)


def head_mentions(
    text: str, encoding: Encoding, head: LinearHead, lang: str | None = None, floor: float = 0.0
) -> list[tuple[int, int, str]]:
    """The head's (start, end, type) mentions of a text (none where the states it reads were not exported):
    tokens labelled by their best label, decoded, and kept where the head is sure enough of them, the mean
    probability of their tokens not being O at least `floor` (German nouns it half takes for names,
    "Kohlekraftwerke", "Marschflugkörper"; a known place stays)."""
    features = token_features(encoding)
    if features is None or not len(encoding.offsets):
        return []
    scores = head.scores(features)
    labels = [head.labels[k] for k in scores.argmax(1)]
    named = 1.0 - scores[:, head.labels.index(OUTSIDE)]
    out = []
    for a, b, kind in decode(text, encoding.offsets, labels, lang):
        rows = (encoding.offsets[:, 0] < b) & (encoding.offsets[:, 1] > a)
        if is_place(text[a:b]) or (rows.any() and named[rows].mean() >= floor):
            out.append((a, b, kind))
    return sorted(out + places_left_out(text, out))


_WORD = re.compile(r"\w+(?:-\w+)*")
# a treaty named after a place ("Acuerdo de | París", "اتفاق | باريس", "Pariser Abkommen" aside): no actor
_TREATY_BEFORE = re.compile(
    r"(?i:agreement|accords?|acuerdo|accordo|abkommens?|porozumieni\w*|угод\w*|соглашени\w*|اتفاقية|اتفاق|"
    r"treaty|traité|tratado|trattato|vertrag\w*|protocol\w*|protok\w*)\s+(?:(?:de|di|of|von|z|ze)\s+)?$"
)

# Arabic: a name in -يا after an indefinite noun in -ا is the adjective ("هجوما روسيا": a Russian attack)
_ARABIC_ADJECTIVE = re.compile(r"(\w{2,}ا) \w+يا$")


def _arabic_adjective(text: str, start: int, end: int) -> bool:
    found = _ARABIC_ADJECTIVE.search(text, max(0, start - 30), end)
    return found is not None and found.group(1) not in stop_words("ar")  # "كما روسيا": as Russia (does)


def places_left_out(text: str, mentions: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Known places the head tagged O ("موسكو", "Deutschland"): a word outside every mention that is a known
    place's name as listed (`places.is_place_name`), capitalised in a script with capitals, without an Arabic
    clitic written on it, and neither naming a treaty nor an Arabic adjective."""
    out = []
    for match in _WORD.finditer(text):
        a, b = match.span()
        word = match.group()
        if word[0].isupper() or word[0].isupper() == word[0].islower():  # capitalised, or no case in the script
            a += clitic(word)
            if (
                is_place_name(text[a:b])
                and all(b <= x or y <= a for x, y, _ in mentions)
                and _TREATY_BEFORE.search(text, max(0, a - 30), a) is None
                and not _arabic_adjective(text, a, b)
            ):
                out.append((a, b, "LOC"))
    return out


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """Token offsets carry the space before a word: trim to the letters, then widen to whole words."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end


def _words(text: str, offsets: np.ndarray, labels: Sequence[str]) -> list[list]:
    """[start, end, type] per word, typed by its first token that has a type: the head labels a word's later
    pieces poorly ("Uni|I-ORG a|O"), and a token of white space alone ends nothing."""
    words: list[list] = []
    last_end = -1
    for (a, b), label in zip(offsets.tolist(), labels, strict=True):
        if not text[a:b].strip():
            continue
        if words and a == last_end and not text[a].isspace() and text[a - 1].isalnum():
            words[-1][1] = b  # a later piece of the same word
            words[-1][2] = words[-1][2] or label.partition("-")[2]
        else:
            words.append([a, b, label.partition("-")[2]])
        last_end = b
    return words


def _named(run: str, particles: frozenset[str]) -> bool:
    """Whether a run's first word that is no particle is capitalised ("der Leyen" after "Ursula von")."""
    return next((w for w in run.split() if w.lower() not in particles), "")[:1].isupper()


def _joined(text: str, runs: list[list], particles: frozenset[str]) -> list[list]:
    """Runs of capitalised words next to each other, or with `particles` between ("Ursula | von der Leyen",
    "Casa | Blanca" typed apart), as one mention of the type most of its words have (the last on a tie)."""
    out: list[list] = []
    for run in runs:
        if out:
            prev = out[-1]
            gap = text[prev[1] : run[0]].split()
            if (
                _named(text[run[0] : run[1]], particles)
                and _named(text[prev[0] : prev[1]], particles)
                and all(w.lower() in particles for w in gap)
            ):
                out[-1] = [prev[0], run[1], prev[2] if prev[3] > run[3] else run[2], prev[3] + run[3]]
                continue
        out.append(run)
    return out


def decode(
    text: str, offsets: np.ndarray, labels: Sequence[str], lang: str | None = None
) -> list[tuple[int, int, str]]:
    """Token labels -> (start, end, type) mentions of whole words, no two overlapping.

    A mention is a run of words of one type (B and I alike: the head often starts a new B inside a name,
    "Emmanuel|B Macron|B"); a word of another type or O ends it, and capitalised runs side by side join (over
    name particles too, except where every noun is capitalised: "Berlin den Präsidenten")."""
    runs: list[list] = []  # [start, end, type, words]
    previous = OUTSIDE
    for a, b, typ in _words(text, offsets, labels):
        if typ and runs and previous == typ:
            runs[-1][1] = b
            runs[-1][3] += 1
        elif typ:
            runs.append([a, b, typ, 1])
        previous = typ or OUTSIDE
    merged: list[tuple[int, int, str]] = []
    particles = frozenset() if lang in NOUNS_CAPITALISED else NAME_PARTICLES
    for a, b, typ, _ in _joined(text, [[*_widened(text, r[0], r[1]), r[2], r[3]] for r in runs], particles):
        if b <= a:
            continue
        if merged and a < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(b, last[1]), last[2])
        else:
            merged.append((a, b, typ))
    return merged
