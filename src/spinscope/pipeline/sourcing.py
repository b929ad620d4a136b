"""Sourcing: direct quotes, on whose word a sentence rests (attribution) and hedges, from lexicons (data).

The cues live in `lexicons/sourcing.toml` (per language: reporting verbs, prefix cues such as "according
to", vague sources, hedges); a user file of the same layout is added on top. Everything here returns
character offsets into the verbatim text and never reads past the stretch it is given.

Attribution of a stretch (a sentence or a quote), in this order:
`quote` (it holds or is a direct quote), `vague` (a source that names nobody: "experts say"),
`reported` (a named source: "said", "according to"), else `unattributed`. The speaker is the words the cue
points at: before a following cue ("the minister said"), after it when the cue follows a comma or a
closing quote ("..., said the minister") or is a prefix cue ("according to the minister"), the bracketed
words of a vague cue ("[experts] say").
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..languages import CONJUNCTIONS, NAME_PARTICLES, NOUNS_CAPITALISED, stop_words

LEXICON = Path(__file__).resolve().parent.parent / "lexicons" / "sourcing.toml"
CUE_KINDS = ("reporting", "prefix", "vague", "hedges")
KINDS = (*CUE_KINDS, "prepositions", "openers")
FULL_LANGUAGES = ("en", "ru")  # the others with a lexicon are covered for cues and hedges only
MAX_SPEAKER_WORDS = 12
COMMAS = ",،"
# Words that open a reported clause: a speaker never starts or runs past one.
COMPLEMENTIZERS = frozenset({"that", "que", "qu", "che", "dass", "что", "чтобы", "що", "że", "iż", "أن", "إن", "ان"})
# Relative pronouns after a prefix cue point back to a speaker named before it ("..., secondo cui ...").
RELATIVES = frozenset(
    {
        "cui",
        "quale",
        "quali",
        "lequel",
        "laquelle",
        "lesquels",
        "lesquelles",
        "quien",
        "quienes",
        "whom",
        "которому",
        "которой",
        "которым",
        "котрому",
        "котрій",
        "котрим",
        "którego",
        "której",
        "którym",
    }
)
_CLAUSE_OPENERS = COMPLEMENTIZERS | RELATIVES
# Words after which a reporting verb belongs to a clause inside the sentence, not to its source ("knows that wars
# are rarely about what the newspapers say", "Was er im Gespräch erklärt, werden Sie nie hören", "Chi lo dice viene
# chiamato putiniano").
EMBEDDING = COMPLEMENTIZERS | frozenset({"what", "was", "chi", "wer"})
# Words right before a reporting verb that make it no act of the sentence's source: a passive ("we have been
# told"), an infinitive ("what they are paid to say", "um zu sagen"), a modal: "critics would say" (no one said it).
NOT_AN_ACT = frozenset({"be", "been", "being", "is", "are", "was", "were", "to", "zu", "will", "would", "could", "can",
                        "must", "should", "may", "might"})  # fmt: skip
# German puts the verb last: a modal anywhere before it makes it an infinitive ("Man muss es laut sagen").
GERMAN_MODALS = frozenset({"muss", "müssen", "musste", "kann", "können", "konnte", "darf", "dürfen", "soll", "sollen",
                           "sollte", "will", "wollen", "wollte", "möchte", "wird", "werden", "würde"})  # fmt: skip
# Lower-case words inside a run of capitalised words ("Derechos Humanos | de la | ONU")
RUN_LINKS = NAME_PARTICLES | frozenset({"für", "des", "der", "de", "la", "los", "las", "delle", "degli", "dei"})
_INFINITIVE = {"ru": ("ть", "ти", "чь"), "uk": ("ти", "ть")}  # "попросили его объяснить"
STACK_DEPTH = 8  # open quotation marks a closing one may pair with
MIN_QUOTE_WORDS = 3  # shorter quoted stretches are scare quotes ("carefully tracked"), not statements

# opening mark -> closing marks it accepts; straight double quotes toggle
_PAIRS = {"“": "”", "«": "»", "„": "“”", "‚": "‘’", "‘": "’", "‹": "›", '"': '"'}
# what ends a speaker window, commas apart (a wrapped line goes on)
_STOPS = r"[;؛:.!?()\[\]\"“”«»„‚‹›—–]|\s-\s|\n\s*\n|[‘’](?!\w)"
_HARD_STOP = re.compile(_STOPS)
_DATELINE_DASH = re.compile(r"[^\n]{0,80}?\)\s+[-–—]\s+")  # "KYIV, Nov 14 (Reuters) - "
_SPEAKER_STOP = re.compile(f"[{COMMAS}]|{_STOPS}")
_PARENTHETICAL = re.compile(r"\((\w[\w.\- ]{0,24})\)")  # "(VCI)", "(Omm)": part of the name before it
_PHRASE = re.compile(r"[^,،]+")  # a comma-separated phrase
_ABBREVIATION = re.compile(r"\b([A-Z]|Dr|Mr|Mrs|Ms|St|Prof|Gen|Gov|Sen|Rep|Jr|dr|prof|ds|gen|płk|ppłk)\.")  # U.S., Dr.
_WORD = re.compile(r"[^\W_][\w'’\-.]*")


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    kind: str  # reporting | prefix | vague | hedges
    speaker: tuple[int, int] | None = None  # bracketed speaker words of a vague cue
    before: bool = False  # a vague cue whose source is named right before it ("an officer, who asked not ...")


@dataclass(frozen=True)
class Lexicon:
    patterns: dict[str, dict[str, re.Pattern[str]]] = field(default_factory=dict)  # lang -> kind -> regex
    prepositions: dict[str, frozenset[str]] = field(default_factory=dict)  # lang -> words (lower case)
    openers: dict[str, frozenset[str]] = field(default_factory=dict)  # lang -> words (lower case)

    def prepositions_of(self, lang: str | None) -> frozenset[str]:
        return self.prepositions.get(lang or "", frozenset())

    def openers_of(self, lang: str | None) -> frozenset[str]:
        return self.openers.get(lang or "", frozenset())

    def covers(self, lang: str | None) -> bool:
        return (lang or "") in self.patterns

    def cues(self, text: str, start: int, end: int, lang: str | None, kind: str) -> list[Cue]:
        pattern = self.patterns.get(lang or "", {}).get(kind)
        if pattern is None:
            return []
        out = []
        for m in pattern.finditer(text, start, end):
            inner = next((m.span(g) for g in range(1, (pattern.groups or 0) + 1) if m.group(g)), None)
            before = m.lastgroup is not None and m.lastgroup.startswith("before")
            out.append(Cue(m.start(), m.end(), kind, None if before else inner, before))
        return out


def _entry_regex(entry: str, n: int = 0) -> str:
    """One lexicon entry as a regex: words with any whitespace between, "*" = any word ending, [..] = group;
    a leading "<" marks (by a named group `before<n>`) an entry whose source is named before it."""
    if entry.startswith("<"):
        return f"(?P<before{n}>{_entry_regex(entry[1:].strip())})"
    parts = []
    for piece in re.split(r"(\[|\])", entry.strip()):
        if piece == "[":
            parts.append("(")
        elif piece == "]":
            parts.append(")")
        elif piece:
            words = [re.escape(w).replace(r"\*", r"\w*") for w in piece.split()]
            lead = r"\s+" if piece[:1].isspace() and parts else ""
            tail = r"\s+" if piece[-1:].isspace() else ""
            parts.append(lead + r"\s+".join(words) + tail)
    body = "".join(parts)
    return rf"(?<![\w-]){body}(?![\w-])" if entry.rstrip()[-1:] != "." else rf"(?<![\w-]){body}"


def compile_entries(entries: Sequence[str]) -> re.Pattern[str] | None:
    """Longest entries first, so "according to sources" wins over "according to"."""
    if not entries:
        return None
    ordered = sorted(set(entries), key=lambda e: (-len(e), e))
    return re.compile("|".join(_entry_regex(e, n) for n, e in enumerate(ordered)), re.IGNORECASE)


def read_lexicon_file(path: Path) -> dict[str, dict[str, list[str]]]:
    from ..errors import ConfigError, Errors

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(Errors.E506(path=path, reason=exc)) from None
    for lang, table in data.items():
        if not isinstance(table, dict) or set(table) - set(KINDS):
            raise ConfigError(Errors.E506(path=path, reason=f"[{lang}] may only hold {', '.join(KINDS)}"))
        if not all(isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v) for v in table.values()):
            raise ConfigError(Errors.E506(path=path, reason=f"[{lang}] lists must hold non-empty strings"))
    return data


@cache
def load_lexicon(extra: str = "") -> Lexicon:
    """The packaged lexicon with the user file `extra` (a path, or "" for none) added on top."""
    tables = read_lexicon_file(LEXICON)
    if extra:
        for lang, table in read_lexicon_file(Path(extra).expanduser()).items():
            for kind, entries in table.items():
                tables.setdefault(lang, {}).setdefault(kind, []).extend(entries)
    compiled = {
        lang: {kind: p for kind in CUE_KINDS if (p := compile_entries(table.get(kind, []))) is not None}
        for lang, table in tables.items()
    }
    words = {
        kind: {lang: frozenset(w.lower() for w in table.get(kind, [])) for lang, table in tables.items()}
        for kind in ("prepositions", "openers")
    }
    return Lexicon(compiled, words["prepositions"], words["openers"])


# --- quotes ---------------------------------------------------------------------------------------------


def _opens(text: str, i: int) -> bool:
    """A single curly mark opens only where no word runs into it (else it is an apostrophe)."""
    return text[i] not in "‘‚" or i == 0 or not text[i - 1].isalnum()


def _closes(text: str, i: int) -> bool:
    """’ closes only where no word follows it at once (don’t, l’Europe)."""
    return text[i] != "’" or i + 1 >= len(text) or not text[i + 1].isalnum()


def quote_marks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(open, close) offsets of the outermost balanced quotation marks in text[start:end], in one pass.

    A closing mark pairs with the nearest of the last STACK_DEPTH opening marks that accepts it (openers
    above it are left unmatched); nested quotes stay inside their outer quote; marks never paired are
    ignored, so unbalanced or mixed quotation marks cannot swallow the rest of the text.
    """
    stack: list[tuple[int, str]] = []
    pairs: list[tuple[int, int]] = []
    for i in range(start, end):
        ch = text[i]
        depth = next(
            (d for d in range(len(stack) - 1, max(-1, len(stack) - 1 - STACK_DEPTH), -1) if ch in stack[d][1]), None
        )
        if depth is not None and _closes(text, i):
            pairs.append((stack[depth][0], i))
            del stack[depth:]
        elif ch in _PAIRS and _opens(text, i):
            stack.append((i, _PAIRS[ch]))
    outer: list[tuple[int, int]] = []
    for a, b in sorted(pairs):
        if not outer or a > outer[-1][1]:
            outer.append((a, b))
    return outer


def quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted stretches (inside the marks, trimmed) of at least one word."""
    out = []
    for a, b in quote_marks(text, start, end):
        inner = text[a + 1 : b]
        lead = len(inner) - len(inner.lstrip())
        body = inner.strip()
        if body and _WORD.search(body):
            out.append((a + 1 + lead, a + 1 + lead + len(body)))
    return out


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


# --- attribution ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attribution:
    kind: str  # quote | reported | vague | unattributed
    speaker: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None

    def record(self, text: str, name: str | None = None) -> dict[str, Any]:
        speaker = None if self.speaker is None else text[self.speaker[0] : self.speaker[1]]
        return {
            "kind": self.kind,
            "speaker": speaker,
            "speaker_start": None if self.speaker is None else self.speaker[0],
            "speaker_end": None if self.speaker is None else self.speaker[1],
            "cue": None if self.cue is None else text[self.cue[0] : self.cue[1]],
            "name": name,
        }


def _masked(region: str) -> str:
    """Short parentheticals and abbreviations read as words ("Der Verband (VCI) warnte": "(VCI)" -> " VCI ",
    "Dr. Rainer" -> "Dr_ Rainer"; same length, so offsets hold)."""
    region = _PARENTHETICAL.sub(lambda m: f" {m.group(1)} ", region)
    return _ABBREVIATION.sub(lambda m: f"{m.group(1)}_", region)


def _closed(text: str, a: int, b: int) -> tuple[int, int]:
    """A window that ends inside a parenthetical it opened takes the closing mark ("(VCI" -> "(VCI)")."""
    return (a, b + 1) if text[b : b + 1] == ")" and text.rfind("(", a, b) > text.rfind(")", a, b) else (a, b)


def _after_last_stop(region: str) -> int:
    """Where the words after the region's last comma, quote mark or stop begin (0 without any)."""
    return max((m.end() for m in _SPEAKER_STOP.finditer(region)), default=0)


def _words_before(text: str, stop: int, floor: int) -> tuple[int, int] | None:
    """The up to MAX_SPEAKER_WORDS words right before `stop`, back to a punctuation boundary."""
    region = _masked(text[floor:stop])
    words = list(_WORD.finditer(region, _after_last_stop(region)))[-MAX_SPEAKER_WORDS:]
    return _closed(text, floor + words[0].start(), floor + words[-1].end()) if words else None


def _words_after(text: str, begin: int, ceiling: int) -> tuple[int, int] | None:
    """The up to MAX_SPEAKER_WORDS words right after `begin`, up to a punctuation boundary or a complementizer
    ("said the minister that ...", Arabic "قال الوزير إن ..."); None when a complementizer comes first: the
    words after the cue are then the statement ("a estimé que ..."), not its source."""
    region = _masked(text[begin:ceiling])
    stop = _SPEAKER_STOP.search(region)
    words = list(_WORD.finditer(region, 0, stop.start() if stop else len(region)))[:MAX_SPEAKER_WORDS]
    first = next((k for k, w in enumerate(words) if w.group().lower().rstrip("'’") in _CLAUSE_OPENERS), len(words))
    words = words[:first]
    return _closed(text, begin + words[0].start(), begin + words[-1].end()) if words else None


def _outside(spans: Sequence[tuple[int, int]], a: int, b: int) -> bool:
    return not any(s <= a and b <= e for s, e in spans)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def trimmed(
    text: str, window: tuple[int, int] | None, lang: str | None, prepositions: frozenset[str] = frozenset()
) -> tuple[int, int] | None:
    """A speaker window cut to what can be a speaker: after a name (two or more capitalised words that are no
    function words) no prepositional phrase ("Руслан Эдельгериев в комментарии ТАСС", "Volodymyr Zelensky en
    publiant ..."), nor after a capitalised word (two in German, where nouns are capitalised) a phrase opened by
    one of `prepositions` ("Estévez en conversación"), and no function word at its end after a word that is
    none ("il sindaco della"; spaCy's Italian list holds "città" too, so "della città" stays). Function words
    are spaCy's stop words of the language; without a list, or when nothing else is left ("he"), the window is
    kept."""
    stops = stop_words(lang)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text, *window)] if window and stops else []
    words = [text[a:b] for a, b in spans]
    if lang == "ar" and spans:  # no capitals to find the name by: cut at the phrases of time and place around it
        spans = _arabic_speaker(spans, words, prepositions)
        words = [text[a:b] for a, b in spans]

    def named(k: int) -> bool:  # a capitalised word that is no function word, nor capitalised as a sentence's first
        initial = k == 0 and not text[: spans[0][0]].rstrip()[-1:].isalnum()
        return _capitalised(words[k]) and words[k].lower() not in stops and not initial

    def name_goes_on(k: int) -> bool:  # "Organización Panamericana | de la | Salud": a particle inside a name
        rest = [w for w in words[k:] if w.lower() not in NAME_PARTICLES]
        return words[k].lower() in NAME_PARTICLES and bool(rest) and _capitalised(rest[0])

    for k in range(len(words) - 1, 0, -1):
        low = words[k].lower()
        if name_goes_on(k):
            continue
        if (low in prepositions and named(k - 1) and (lang not in NOUNS_CAPITALISED or (k > 1 and named(k - 2)))) or (
            k > 1 and low in stops and named(k - 1) and named(k - 2)
        ):
            spans, words = spans[:k], words[:k]
            break
    if len(words) > 1 and words[-1].lower() in stops and words[-2].lower() not in stops:  # not "della città"
        spans, words = spans[:-1], words[:-1]
    return _closed(text, spans[0][0], spans[-1][1]) if spans else window


_ARABIC_TIME = frozenset({"مساء", "صباح", "يوم", "أمس", "اليوم", "ليل", "ظهر", "فجر"})


def _arabic_speaker(spans: list[tuple[int, int]], words: list[str], prepositions: frozenset[str]) -> list:
    """An Arabic speaker window without the time phrase before the speaker ("مساء الأحد | مدير جهاز الإسعاف") and
    cut at the first phrase of time or place after two words ("أنطونيو غوتيريش | في بيان", "بيسكوف |
    للصحافيين" (to the journalists), "وتركيا | الخميس", "إردوغان | بالقرار" (with the decision); not "الأمين العام |
    للأمم المتحدة", of the UN), and without the verb of a clause before the cue ("وأشاد | الرئيس التركي ...")."""
    from .names import name_words  # names reads this module's lexicon syntax

    around = name_words("ar")
    calendar = around.calendar | _ARABIC_TIME
    while len(spans) > 1 and words[0] in calendar:
        spans, words = spans[1:], words[1:]
    if len(words) > 2 and words[0].startswith("وأ") and words[1] in around.titles:  # "وأشاد | الرئيس": and praised
        spans, words = spans[1:], words[1:]
    for k in range(2, len(words)):
        to = words[k].startswith("لل") and not _of_a_known_actor(" ".join(words[k : k + 4]))
        if words[k] in prepositions or words[k] in calendar or to or words[k].startswith("بال"):
            return spans[:k]
    return spans


def _of_a_known_actor(phrase: str) -> bool:
    """Whether an Arabic phrase opened by the clitic ل is "of" an actor of the alias table ("للأمم المتحدة": of the
    United Nations, part of the speaker's title), not "to" someone ("للصحافيين": to the journalists)."""
    from .entities import load_aliases  # entities reads this module's lexicon syntax

    rest = "ا" + phrase[1:]  # ل + ال is written لل: the article's alif goes
    lowered = rest.lower()
    return any(start == 0 for alias in load_aliases() for start, _ in alias.mentions(rest, lowered))


def _is_name(text: str, a: int, b: int) -> bool:
    """Two to five capitalised words, particles allowed between them ("Dmitri Peskov", "Ursula von der Leyen")."""
    words = [m.group() for m in _WORD.finditer(text, a, b)]
    return (
        2 <= len(words) <= 5
        and _capitalised(words[0])
        and _capitalised(words[-1])
        and all(_capitalised(w) or w.lower() in NAME_PARTICLES for w in words)
    )


def _without_place(
    text: str, window: tuple[int, int] | None, lang: str | None, lexicon: Lexicon, keep: int = 0
) -> tuple[int, int] | None:
    """A window without the phrases of place or time at its start ("da Roma | il ministro", "у середу |
    начальник", "en la presentación del informe" -> None): a preposition, function words, one content word,
    again while the next word is a preposition. Nothing is dropped when fewer than `keep` words would be left."""
    preps, stops = lexicon.prepositions_of(lang), stop_words(lang)
    if window is None or not preps:
        return window
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text, *window)]
    k = 0
    while k < len(spans) and text[slice(*spans[k])].lower() in preps:
        k += 1
        while k < len(spans) - 1 and text[slice(*spans[k])].lower() in stops:
            k += 1
        k += 1
    if k == 0 or (keep and len(spans) - k < keep):
        return window
    return (spans[k][0], spans[-1][1]) if k < len(spans) else None


def _without_openers(text: str, window: tuple[int, int] | None, openers: frozenset[str]) -> tuple[int, int] | None:
    """A window without the words that open a clause or stress what follows at its start ("As | retired U.S. Army
    colonel Douglas Whitfield", "persino | l'ex cancelliera", "وكانت | المتحدثة"), while a word is left."""
    if window is None:
        return None
    spans = [m.span() for m in _WORD.finditer(text, *window)]
    k = 0
    while k < len(spans) - 1 and text[slice(*spans[k])].lower() in openers:
        k += 1
    return (spans[k][0], window[1]) if k else window


def _opening_name(text: str, start: int, stop: int, lang: str | None) -> tuple[int, int] | None:
    """The name that opens a sentence, with the titles inside it, as the subject of a participle cue after the
    main clause ("Kremlin spokesman Dmitry Peskov declined to comment, telling reporters ..."): the words from the
    start while each is capitalised, a title, a name particle or the one other lower-case word allowed ("EU
    envoy Anna Berg"), ending at a capitalised word; None when fewer than two words are left."""
    from .names import name_words  # names reads this module's lexicon syntax

    around, words, spare = name_words(lang), [], 1
    dateline = _DATELINE_DASH.match(text, start, stop)  # "KHERSON, Ukraine, Nov 14 (Reuters) - | Ukrainian ..."
    for m in _WORD.finditer(text, dateline.end() if dateline else start, stop):
        word = m.group()
        if not (_capitalised(word) or around.leads(word) or word.lower() in NAME_PARTICLES):
            if not spare or not words or not _capitalised(text[slice(*words[-1])]):
                break
            spare -= 1
        words.append(m.span())
    while words and not _capitalised(text[slice(*words[-1])]):
        words.pop()
    return (words[0][0], words[-1][1]) if len(words) >= 2 else None


_PARTICIPLE = {"en": ("ing",), "es": ("ando", "iendo"), "it": ("ando", "endo"), "pt": ("ando", "endo", "indo")}


def _participle(word: str, lang: str | None) -> bool:
    """Whether a word has the ending of a participle or gerund of the language ("speaking", "hablando")."""
    return word.endswith(_PARTICIPLE.get(lang or "", ()))


def _apposition(text: str, cue_start: int, floor: int, lang: str | None = None) -> tuple[int, int] | None:
    """ "ROLE, Name," or "Name, ROLE," right before a cue ("El portavoz del Kremlin, Dmitri Peskov, dijo"): the two
    comma-separated phrases, one of them a name; the first alone when the second is a participle clause ("EU
    foreign policy chief Josep Borrell, speaking in Brussels, said")."""
    region = _masked(text[floor:cue_start]).rstrip()
    if not region or region[-1] not in COMMAS:
        return None
    hard = max((m.end() for m in _HARD_STOP.finditer(region)), default=0)
    parts = [(m.start(), m.end()) for m in _PHRASE.finditer(region, hard, len(region) - 1)]
    parts = [(a + len(region[a:b]) - len(region[a:b].lstrip()), len(region[:b].rstrip())) for a, b in parts]
    if len(parts) < 2:
        return None
    (a1, b1), (a2, b2) = parts[-2], parts[-1]
    if not all(1 <= word_count(region[a:b]) <= MAX_SPEAKER_WORDS for a, b in ((a1, b1), (a2, b2))):
        return None
    second = region[a2:b2].split()[0]
    if second.islower() and _participle(second, lang):  # "X, speaking in Brussels, said"
        return floor + a1, floor + b1
    if not (_is_name(text, floor + a1, floor + b1) or _is_name(text, floor + a2, floor + b2)):
        return None
    return floor + a1, floor + b2


def _with_apposition(
    text: str, window: tuple[int, int] | None, ceiling: int, lang: str | None = None
) -> tuple[int, int] | None:
    """A window followed by ", Name" and a stop takes the name in ("il sindaco della città, Igor Terekhov,";
    in Arabic, without capitals, two or three words that are no function words: "مدير جهاز الإسعاف، سامر خليل")."""
    if window is None:
        return None
    rest = text[window[1] : ceiling]
    lead = len(rest) - len(rest.lstrip())
    if not rest[lead : lead + 1] or rest[lead] not in COMMAS:
        return window
    stop = _SPEAKER_STOP.search(rest, lead + 1)
    a, b = window[1] + lead + 1, window[1] + (stop.start() if stop else len(rest))
    named = _is_name(text, a, b) if lang != "ar" else _arabic_name(text, a, b)
    return (window[0], len(text[:b].rstrip())) if named else window


def _arabic_name(text: str, a: int, b: int) -> bool:
    words = [m.group() for m in _WORD.finditer(text, a, b)]
    return 2 <= len(words) <= 3 and not any(w in stop_words("ar") for w in words)


def _names_someone(text: str, window: tuple[int, int]) -> bool:
    """Whether a window holds a capitalised word (a name; the words after a cue never open the sentence); in a
    script without capitals (Arabic) it may always."""
    words = _WORD.findall(text, *window)
    return any(_capitalised(w) for w in words) or not any(w.lower() != w.upper() for w in words)


def bare(text: str, window: tuple[int, int], lang: str | None) -> bool:
    """Whether a window holds function words only ("Come" of "Come spiega il professor ...", "he")."""
    stops = stop_words(lang)
    return bool(stops) and all(m.group().lower() in stops for m in _WORD.finditer(text, *window))


def _speaker_after(text: str, cue: Cue, end: int, lang: str | None, lexicon: Lexicon) -> tuple[int, int] | None:
    window = trimmed(text, _words_after(text, cue.end, end), lang, lexicon.prepositions_of(lang))
    return _with_apposition(text, _without_place(text, window, lang, lexicon), end, lang)


def _name_run(text: str, window: tuple[int, int] | None, lang: str | None) -> tuple[int, int] | None:
    """A speaker after a prefix cue, cut after its first run of capitalised words (name particles and German
    genitive or "für" between them) where lower-case words go on after it: they start the statement ("Według
    danych Komisji | emisje w Unii spadły", "nach Angaben der Kommission | hat die EU"). Not in English, where a
    capitalised word also qualifies the speaker ("according to U.S. officials"). A run followed by one word only is
    left whole."""
    if window is None or lang == "en":
        return window
    spans = [m.span() for m in _WORD.finditer(text, *window)]
    caps = [_capitalised(text[a:b]) for a, b in spans]
    if True not in caps:
        return window
    k = caps.index(True)
    while k + 1 < len(spans):
        links = next((n for n in (0, 1, 2) if k + 1 + n < len(spans) and caps[k + 1 + n]), None)
        words = [text[slice(*spans[k + 1 + i])].lower() for i in range(links or 0)]
        titled = links == 1 and k + 3 < len(spans) and caps[k + 3]  # "Operacyjnego | ppłk | Jacek Goryszewski"
        if links is None or not (titled or all(w in RUN_LINKS for w in words)):
            break
        k += 1 + links  # "Derechos Humanos | de la | ONU", "Ministeriums | für | Verteidigung"
    return (window[0], spans[k][1]) if k + 2 < len(spans) else window  # "губернатора Белгородской области" stays


def _speaker_of(
    text: str, cue: Cue, start: int, end: int, inside: Sequence[tuple[int, int]], lang: str | None, lexicon: Lexicon
) -> tuple | None:
    if cue.kind == "vague" and cue.before:
        return _words_before(text, len(text[: cue.start].rstrip(" ,")), start)
    if cue.kind == "vague":
        return cue.speaker
    if cue.kind == "prefix":  # "за [його] словами" names its source inside the cue
        window = cue.speaker or _name_run(text, _speaker_after(text, cue, end, lang, lexicon), lang)
        if window and lang in NOUNS_CAPITALISED and not _names_someone(text, window) and not bare(text, window, lang):
            return None  # "Man muss es laut | sagen": a German source has a capitalised noun
        return window
    floor = max([start, *(e + 1 for _, e in inside if e < cue.start)])
    if text[: cue.start].rstrip().endswith(",") and _participle(text[cue.start : cue.end], lang):
        return _opening_name(text, start, cue.start, lang)  # "X declined to comment, telling reporters ..."
    previous = _WORD.findall(text, floor, cue.start)[-1:]
    if previous and previous[0].lower() in CONJUNCTIONS:  # "X visited the plant and told workers ..."
        return _opening_name(text, start, cue.start, lang)
    apposed = _apposition(text, cue.start, floor, lang)  # "X, Y, dijo"
    if apposed is not None:
        return apposed
    after = _speaker_after(text, cue, end, lang, lexicon)
    before = text[start : cue.start].rstrip()
    if (
        not before or before[-1] in ',،”»"“’—–' or before.endswith(" -")
    ) and after is not None:  # "..., said the minister" / quote first
        return after
    window = trimmed(
        text,
        _words_before(text, len(text[: cue.start].rstrip(" ,،")), floor),
        lang,
        lexicon.prepositions_of(lang),
    )
    window = _without_place(text, window, lang, lexicon, keep=2)  # "У Москві | речник Кремля ..."
    window = _without_openers(text, window, lexicon.openers_of(lang))  # "As | retired colonel X told"
    if window is None:
        return after
    if bare(text, window, lang):  # function words before the cue: "Come spiega ...", "Elle a appelé ...", "It said"
        if after is not None and _names_someone(text, after):
            return after  # "Come spiega il professor Alberto Ferri"
        if after is None or word_count(text[slice(*window)]) == 1:
            return window  # "Он также | отметил, что", a pronoun ("Elle", "It"), not the object after the cue
        return None  # "Nessuno ci | ha chiesto se ...": nobody named
    return window


def attribute(
    text: str, start: int, end: int, lang: str | None, lexicon: Lexicon, quoted: Sequence[tuple[int, int]] = ()
) -> Attribution:
    """Attribution of text[start:end] (a sentence, or the sentence around a quote `quoted` lies in)."""
    inside = [q for q in quoted if start <= q[0] and q[1] <= end]
    cues = [
        c
        for kind in ("vague", "prefix", "reporting")
        for c in lexicon.cues(text, start, end, lang, kind)
        if _outside(inside, c.start, c.end)
    ]
    cues = [c for c in _without_overlaps(cues) if c.kind != "reporting" or _an_act(text, start, c, lang)]
    kind = "quote" if inside else None
    for cue in cues:
        speaker = _speaker_of(text, cue, start, end, inside, lang, lexicon)
        if cue.kind == "vague" or speaker is not None:
            return Attribution(kind or ("vague" if cue.kind == "vague" else "reported"), speaker, (cue.start, cue.end))
    return Attribution(kind or "unattributed")


def _an_act(text: str, start: int, cue: Cue, lang: str | None) -> bool:
    """Whether a reporting cue is what the sentence's source does: not inside a clause (`EMBEDDING` between the
    last comma, quote mark or stop and the cue: ", the WMO said" after "... that ..." is one), not a passive, an
    infinitive or a modal's (`NOT_AN_ACT` right before it, a Russian or Ukrainian infinitive, a German modal
    before it)."""
    region = _masked(text[start : cue.start])
    before = [w.lower() for w in _WORD.findall(region, _after_last_stop(region))]
    verb = text[cue.start : cue.end].split()[0].lower()
    return not (
        any(w.rstrip("'’") in EMBEDDING for w in before)
        or (before and before[-1] in NOT_AN_ACT)
        or verb.endswith(_INFINITIVE.get(lang or "", ()))
        or (lang == "de" and not GERMAN_MODALS.isdisjoint(before))
    )


def _without_overlaps(cues: list[Cue]) -> list[Cue]:
    """Cues in priority order (vague, prefix, reporting), dropping any that overlaps an earlier one."""
    kept: list[Cue] = []
    for c in cues:
        if all(c.end <= k.start or k.end <= c.start for k in kept):
            kept.append(c)
    return kept


def direct_quotes(
    text: str,
    paragraphs: Sequence[tuple[int, int]],
    sentences: Sequence[tuple[int, int]],
    lang: str | None,
    lexicon: Lexicon,
) -> list[tuple[int, int, dict[str, Any]]]:
    """(start, end, attribution record) of the direct quotes of each paragraph (MIN_QUOTE_WORDS or more words);
    the attribution is looked for in the sentences the quote touches, else in a lead-in sentence that ends
    with a colon ("He said:"). `sentences` are in text order and do not overlap (the segment layer), so
    each quote finds its sentences by bisection."""
    starts, ends = [s for s, _ in sentences], [e for _, e in sentences]
    out = []
    for p_start, p_end in paragraphs:
        for a, b in quotes(text, p_start, p_end):
            if word_count(text[a:b]) < MIN_QUOTE_WORDS:
                continue
            around = sentences[bisect_right(ends, a - 1) : bisect_left(starts, b + 1)]  # may join wrapped lines
            start = min([a - 1, *(s for s, _ in around)])
            end = max([b + 1, *(e for _, e in around)])
            at = attribute(text, start, end, lang, lexicon, [(a - 1, b + 1)])
            lead_in = bisect_right(ends, start) - 1  # the last sentence that ends before the quote's
            if at.cue is None and lead_in >= 0 and text[starts[lead_in] : ends[lead_in]].rstrip().endswith(":"):
                lead = attribute(text, *sentences[lead_in], lang, lexicon)
                at = Attribution("quote", lead.speaker, lead.cue) if lead.cue is not None else at
            out.append((a, b, at.record(text)))
    return out


def sentence_attribution(
    text: str,
    start: int,
    end: int,
    found: Sequence[tuple[int, int, dict[str, Any]]],
    lang: str | None,
    lexicon: Lexicon,
) -> dict[str, Any]:
    """The attribution record of a sentence: that of a direct quote it overlaps (`found`), else its own."""
    inside = next((q for q in found if q[0] < end and start < q[1]), None)
    return inside[2] if inside else attribute(text, start, end, lang, lexicon).record(text)


def hedges(text: str, start: int, end: int, lang: str | None, lexicon: Lexicon) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in lexicon.cues(text, start, end, lang, "hedges")]
