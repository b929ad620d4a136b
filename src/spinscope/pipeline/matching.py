"""Matches of claims and technique-bearing sentences against the local bank of debunked cases.

Candidates: each check-worthy claim and each sentence that carries a technique span. A candidate that repeats
a case's title or claim (near) verbatim is matched at once (`via` "exact" / "minhash"); the others are embedded
with the pretrained multilingual e5 (`models/retrieval`, the second model, on these sentences only) and
compared with every case by cosine (`casebank.index`). The closest cases are then verified by a small model
(`models/matching`, `verifier.json`: logistic regression on the cosine, its margin over the other candidates,
number agreement and how close the sentence is to the bank as a whole), fitted on the dev half of our
matching test set, because raw cosine puts news sentences on the same subject as close to a case as true
paraphrases. A case written in another language than the article (a translation) has a cut of its own. A case
whose figures all differ from the sentence's, or that names persons the sentence never names (in any script:
`name_sounds`), is not what the sentence states.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Document, Span
from ..embedder import SentenceEmbedder, load_embedder
from ..errors import CaseBankError, Warnings
from ..models import model_path
from ..registry import components
from .base import Component, Field, Table
from .language import written_in
from .name_sounds import persons_missing

logger = logging.getLogger(__name__)

REBUTTAL_CHARS = 400  # of a case's rebuttal kept in the record
# a figure, its digits grouped by thousands or not ("30.000", "30 000", "1,500", "1500", "2,5")
_NUMBER = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?")
_GROUPING = re.compile(r"(?<=\d)[.,\u00a0\u202f ](?=\d{3}(?!\d))")


# words that scale the figure before them, by the start of the word ("30 тысяч" = "30 000" = "30 ألف")
_SCALES = {
    1_000: ("thousand", "тысяч", "тыс", "тисяч", "тис", "tysi", "tys", "ألف", "آلاف", "mille", "mila", "mil ",
            "tausend"),
    1_000_000: ("million", "millón", "millon", "млн", "миллион", "мільйон", "milion", "مليون", "ملايين", "milioni",
                "mio"),
    1_000_000_000: ("billion", "млрд", "миллиард", "мільярд", "miliard", "مليار", "milliard"),
}  # fmt: skip
_NEXT_WORD = re.compile(r"\s*(\S+\s?)")


def _scaled(value: str, after: str) -> str:
    word = _NEXT_WORD.match(after)
    following = word.group(1).lower() if word else ""
    factor = next((f for f, starts in _SCALES.items() if following.startswith(starts)), 1)
    if factor == 1:
        return value
    scaled = float(value) * factor
    return str(int(scaled)) if scaled.is_integer() else str(scaled)


def numbers(text: str) -> set[str]:
    """The figures of a text as values: thousands separators of any language dropped ("30.000" = "30 000" =
    "30000"), a decimal comma read as a point ("2,5" = "2.5"), a scale word applied ("30 тысяч" = "30000")."""
    return {
        _scaled(_GROUPING.sub("", m.group()).replace(",", "."), text[m.end() : m.end() + 16])
        for m in _NUMBER.finditer(text)
    }


def number_agreement(a: str, b: str) -> float:
    """1 when both texts hold the same numbers (or none), 0 when they share none, else the Jaccard."""
    x, y = numbers(a), numbers(b)
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def figures_differ(a: str, b: str) -> bool:
    """Both texts give figures and share none: they state different claims ("3.000 freed" is not "30 deserted"),
    whatever their wording has in common; such a candidate is never matched."""
    x, y = numbers(a), numbers(b)
    return bool(x and y and not x & y)


_EDGES = " \t\n-–—«»\"“”„‚‘’'"


def edges_off(sentence: str) -> str:
    """A sentence without the dialogue dash and quotation marks at its edges ("– Жодної анексії ...»"), which
    move a sentence's embedding away from the same words without them."""
    return sentence.strip(_EDGES) or sentence


def case_text(case: Any) -> str:
    """The words of a case the verifier compares numbers with: its title and claim."""
    return f"{case.title} {case.claim}"


def across(language: str | None, case_text: str) -> bool:
    """Whether a sentence in `language` would match a case written in another language (a translation sits at
    a lower cosine than a paraphrase in the same language, and so gets a cut of its own)."""
    return bool(language) and written_in(case_text) != language


def candidate_features(query: str, cosines: Sequence[float], texts: Sequence[str], dense: float) -> np.ndarray:
    """[k, 5] for a sentence's k nearest cases: cosine, its margin over the best other candidate, number
    agreement, whether either holds a number, and the sentence's `density` (a sentence close to many cases
    states none in particular)."""
    rows = []
    for k, (cos, text) in enumerate(zip(cosines, texts, strict=True)):
        other = max((c for j, c in enumerate(cosines) if j != k), default=cos)
        has = float(bool(numbers(query) or numbers(text)))
        rows.append([cos, cos - other, number_agreement(query, text), has, dense])
    return np.array(rows, np.float32).reshape(-1, 5)


MEANS_FILE = "language_means.npz"


@dataclass(frozen=True)
class LanguageMeans:
    """The mean multilingual-e5 embedding of news sentences in each language (`spinscope train matching`). A
    sentence moved by the difference of two means reads as if written in the other language: a translation of a
    case then sits as close to it as an English paraphrase does (the language a sentence is written in is a
    direction of its own in e5, shared by all its sentences)."""

    means: dict[str, np.ndarray]

    def towards(self, vectors: np.ndarray, source: str | None, target: str | None) -> np.ndarray:
        """Unit `vectors` of sentences in `source` moved to `target`; unchanged where either has no mean."""
        if source == target or source not in self.means or target not in self.means:
            return vectors
        moved = vectors - self.means[source] + self.means[target]
        return (moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-9)).astype(np.float32)

    def save(self, folder: Path) -> None:
        np.savez(folder / MEANS_FILE, **self.means)

    @staticmethod
    @cache
    def load(folder: Path) -> LanguageMeans:
        """The means shipped in `folder` (none: sentences stay where they are)."""
        path = folder / MEANS_FILE
        if not path.is_file():
            return LanguageMeans({})
        with np.load(path) as data:
            return LanguageMeans({lang: data[lang].astype(np.float32) for lang in data.files})


@dataclass
class Verifier:
    """Probability that a sentence states a candidate case's claim, from `candidate_features`; with weights of its
    own for a case written in another language (a translation sits at other cosines and margins than a
    paraphrase), when trained so."""

    weights: np.ndarray
    bias: float
    threshold: float  # tuned on the dev half of our matching test set, for a case in the sentence's language
    retrieve: float  # candidates below this cosine are never verified
    top_k: int
    threshold_across: float | None = None  # the same for a case in another language (None: `threshold`)
    weights_across: np.ndarray | None = None  # the same for a case in another language (None: `weights`)
    bias_across: float = 0.0

    def cut(self, other_language: bool) -> float:
        """The cut for a case in the sentence's language, or in another (`across`)."""
        return float(self.threshold_across) if other_language and self.threshold_across else self.threshold

    def scores(self, features: np.ndarray, other_language: np.ndarray | None = None) -> np.ndarray:
        """[k] probabilities of k candidates; `other_language` [k] bool marks the cases in another language."""
        logits = features @ self.weights + self.bias
        if self.weights_across is not None and other_language is not None:
            logits = np.where(other_language, features @ self.weights_across + self.bias_across, logits)
        return 1.0 / (1.0 + np.exp(-logits))

    def save(self, folder: Path, extra: Mapping[str, Any]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"threshold": self.threshold, "threshold_across": self.threshold_across, **extra}
        meta |= {"retrieve": self.retrieve, "top_k": self.top_k}
        meta |= {"weights": _rounded(self.weights), "bias": float(self.bias)}
        if self.weights_across is not None:
            meta |= {"weights_across": _rounded(self.weights_across), "bias_across": float(self.bias_across)}
        (folder / "verifier.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @staticmethod
    @cache
    def load(folder: Path) -> Verifier | None:
        path = folder / "verifier.json"
        if not path.is_file():
            return None
        meta = json.loads(path.read_text(encoding="utf-8"))
        across = meta.get("weights_across")
        return Verifier(
            np.asarray(meta["weights"], np.float32),
            meta["bias"],
            meta["threshold"],
            meta["retrieve"],
            meta["top_k"],
            meta.get("threshold_across"),
            None if across is None else np.asarray(across, np.float32),
            float(meta.get("bias_across", 0.0)),
        )


def _rounded(weights: np.ndarray) -> list[float]:
    return [round(float(w), 6) for w in weights]


BANK_SAMPLE = 200  # cases read to tell the language a bank is written in
MIN_WORDS = 6  # a shorter sentence ("Who still believes them?") states no claim a case could hold


def candidate_spans(doc: Document, limit: int = 0) -> list[Span]:
    """Claims and sentences overlapping a technique span (at least MIN_WORDS words), each stretch once, in
    text order; with a `limit`, the best that many by claim score or best technique score."""
    techniques = doc.layer("techniques")
    chosen = {(c.start, c.end): (c, c.score) for c in doc.layer("claims")}
    for s in doc.layer("sentences"):
        inside = [t.score for t in techniques if t.start < s.end and s.start < t.end]
        if inside and (s.start, s.end) not in chosen:
            chosen[(s.start, s.end)] = (s, max(inside))
    kept = [(span, score) for span, score in chosen.values() if len(span.text.split()) >= MIN_WORDS]
    if limit:
        kept = sorted(kept, key=lambda k: -k[1])[:limit]
    return sorted((span for span, _ in kept), key=lambda s: s.start)


def once_per_case(found: list[tuple[Span, int, float, float, str]]) -> list[tuple[Span, int, float, float, str]]:
    """The best-scoring sentence of each matched case (a title repeated as the first line matches once)."""
    best: dict[int, tuple[Span, int, float, float, str]] = {}
    for hit in found:
        if hit[1] not in best or (hit[3], hit[2]) > (best[hit[1]][3], best[hit[1]][2]):
            best[hit[1]] = hit
    return list(best.values())


MATCH_SCHEMA = {
    "type": "array",
    "description": "Sentences that state a known debunked claim of the local case bank, best match per sentence.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["start", "end", "text", "case_id", "bank", "title", "similarity", "score", "via", "url"],
        "properties": {
            "start": {"$ref": "#/$defs/offset"},
            "end": {"$ref": "#/$defs/offset"},
            "text": {"type": "string"},
            "case_id": {"type": "string"},
            "bank": {"type": "string", "description": "The case's source (euvsdisinfo, claimreview, a user's)."},
            "title": {"type": "string"},
            "claim": {"type": ["string", "null"]},
            "rebuttal": {"type": ["string", "null"], "description": f"At most {REBUTTAL_CHARS} characters."},
            "rating": {"type": ["string", "null"]},
            "date": {"type": ["string", "null"]},
            "similarity": {"type": "number", "description": "Cosine of the sentence and case embeddings."},
            "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "The verifier's probability."},
            "via": {"enum": ["exact", "minhash", "embedding"]},
            "url": {"type": ["string", "null"]},
        },
    },
}


def match_records(doc: Document) -> list[dict[str, Any]]:
    return [
        {"start": m.start, "end": m.end, "text": m.text, **m.attrs, "score": round(m.score, 4)}
        for m in doc.layer("matches")
    ]


@components.register("matching")
class MatchingComponent(Component):
    """Adds the `matches` layer from the case bank named by `casebank.path` (none: warning W010)."""

    name = "matching"
    reads = ("spans.sentences", "spans.claims", "spans.techniques")
    writes = ("spans.matches",)
    fields = (
        Field(
            "matches",
            match_records,
            MATCH_SCHEMA,
            offsets="text",
            columns=("len(matches) AS n_matches",),
            tables=(
                Table(
                    "matches",
                    """SELECT {doc}, m.start, m."end", m.text, m.case_id, m.bank, m.title, m.similarity, m.score, m.via,
                    m.url FROM base, unnest(matches) AS u(m)""",
                ),
            ),
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        from ..casebank import bank_path

        self.path = bank_path(settings)
        self.folder = model_path(config["model"])
        self.threshold = float(config.get("threshold", 0.0))
        self._index: tuple[int, Any] | None = None  # (bank revision, CaseIndex)
        self._bank: tuple[int, Any] | None = None  # (process id, open CaseBank)
        self._cases: dict[int, Any] = {}
        self.embedder: SentenceEmbedder | None = None
        self._language: tuple[Any, str] | None = None  # (index, the language of its cases)

    def index(self):
        """The bank's index, rebuilt when another process changed the bank; None without a bank. The bank
        stays open for the next documents (reopened in a forked worker: SQLite connections do not cross)."""
        from ..casebank import CaseBank
        from ..casebank.index import CaseIndex

        if self._bank is None or self._bank[0] != os.getpid():
            bank = CaseBank.open_existing(self.path)
            if bank is None:
                return None
            self._bank = (os.getpid(), bank)
        bank = self._bank[1]
        revision = bank.revision()
        if self._index is None or self._index[0] != revision:
            self.embedder = self.embedder or load_embedder(self.config["embedder"])
            cache_file = self.path.with_name(f"{self.path.stem}.index-{self.config['embedder']}.npz")
            self._index = (revision, CaseIndex.build(bank, self.embedder, cache_file))
            self._cases = {}
        return self._index[1]

    def __call__(self, doc: Document) -> Document:
        doc.spans["matches"] = []
        try:
            index = self.index()
        except CaseBankError as exc:
            doc.warn(Warnings.W010(path=self.path, detail=str(exc)))
            return doc
        verifier = Verifier.load(self.folder)
        if index is None or verifier is None:
            detail = "no cases: import some with `spinscope casebank import PATH`" if index is None else "no verifier"
            doc.warn(Warnings.W010(path=self.path, detail=detail))
            return doc
        candidates = candidate_spans(doc, int(self.config.get("max_sentences", 0)))
        found: list[tuple[Span, int, float, float, str]] = []
        rest = []
        for span in candidates:
            hit = index.repeats(span.text)
            if hit is None:
                rest.append(span)
            else:
                found.append((span, hit[0], 1.0, 1.0, hit[1]))
        if rest:
            found.extend(self._verified(index, verifier, rest, doc.language))
        doc.spans["matches"] = [self._span(doc, *f) for f in sorted(once_per_case(found), key=lambda f: f[0].start)]
        return doc

    def _verified(
        self, index, verifier: Verifier, spans: list[Span], language: str | None
    ) -> list[tuple[Span, int, float, float, str]]:
        queries = LanguageMeans.load(self.folder).towards(
            self.embedder.embed([edges_off(s.text) for s in spans]), language, self.bank_language(index)
        )
        floor = self.threshold or min(verifier.cut(False), verifier.cut(True))  # below it no candidate is matched
        out = []
        for span, (near, dense) in zip(spans, index.nearest(queries, verifier.top_k), strict=True):
            if not near or near[0][2] < verifier.retrieve:
                continue
            texts = [case_text(self._case(index, case)) for case, _, _ in near]
            crossing = np.array([across(language, t) for t in texts])
            probs = verifier.scores(candidate_features(span.text, [cos for _, _, cos in near], texts, dense), crossing)
            probs[[figures_differ(span.text, t) for t in texts]] = 0.0
            probs[[p >= floor and persons_missing(span.text, t) for p, t in zip(probs, texts, strict=True)]] = 0.0
            best = int(probs.argmax())
            cut = self.threshold or verifier.cut(bool(crossing[best]))
            if probs[best] >= cut and near[best][2] >= verifier.retrieve:
                out.append((span, near[best][0], near[best][2], float(probs[best]), "embedding"))
        return out

    def bank_language(self, index) -> str:
        """The language most of the bank's cases are written in (of its first BANK_SAMPLE), found once per index."""
        if self._language is None or self._language[0] is not index:
            sample = [written_in(case_text(self._case(index, k))) for k in range(min(BANK_SAMPLE, len(index.ids)))]
            self._language = (index, max(set(sample), key=sample.count) if sample else "")
        return self._language[1]

    def _case(self, index, case: int):
        if case not in self._cases:
            self._cases[case] = self._bank[1].get(index.ids[case])
        return self._cases[case]

    def _span(self, doc: Document, span: Span, case: int, cosine: float, score: float, via: str) -> Span:
        c = self._case(self._index[1], case)
        attrs = {
            "case_id": c.id,
            "bank": c.bank,
            "title": c.title,
            "claim": c.claim,
            "rebuttal": (c.rebuttal or "")[:REBUTTAL_CHARS] or None,
            "rating": c.rating,
            "date": c.date,
            "similarity": round(cosine, 4),
            "via": via,
            "url": c.url,
        }
        return doc.make_span(span.start, span.end, "match", score=score, source=self.name, **attrs)
