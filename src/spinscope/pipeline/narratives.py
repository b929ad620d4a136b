"""Narratives: the SemEval-2025 Task 10 taxonomy (Ukraine war, climate change) and the user's own.

Taxonomy labels come from a multi-label head (`models/narratives`) on the whole-text features of the shared
encoder pass (`text_features`: the mean state in the encoder's middle layer), blended in the languages of its
training data with a lexical head, decoded with the hierarchy, one domain per article (`narrative_domain`: what
the article is about, read by the pretrained multilingual e5 from its first sentences; without that head, the best
narrative's domain, and the other domain at its own cut). A narrative is scored by the higher of its own head and
its best sub-narrative; `Other` when the Other head reaches its cut or no narrative reaches its own; within a
kept narrative, the sub-narratives at their cut, else "<narrative>: Other".
Evidence: the same head applied to each sentence's features; a label's evidence is its best-scoring sentences.

A report carries no narrative: in a language the head was not trained on, an article the genre head calls
reporting (`reporting`, probability at least) with few stretches of shown technique spans (under `report_density` per
1,000 characters) is `Other` whatever the head says. Wire copy on the war is close to the war's narratives in the
head's features of a language it never saw, and it saw no `Other` document there; the two signals it lacks
(genre, loaded language) hold across languages. In its training languages the head learned `Other` from such
documents, and there the rule would cost: Russian state-media reports, plain in tone, carry narratives in the
SemEval-2025 data (benchmarks/RESULTS.md, "Narratives on reports").

User narratives (`components.narratives.user`, a YAML file, see `user_narratives.py`) are matched zero-shot:
each sentence is embedded with the multilingual e5 (`models/retrieval`) and compared with the narrative's
description and examples; the narrative applies when its best sentences reach `user_threshold`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..data import Document
from ..errors import Warnings
from ..labels import OTHER
from ..models import model_path
from ..registry import components
from .base import Component, Facet, Field, Table
from .encoder import ENCODING, Encoding, encoding_of, lacks_middle
from .linear_head import LinearHead, fitted_head
from .narrative_domain import DomainHead, lead_vector
from .plain_report import plain_report
from .pooling import middle_means
from .user_narratives import UserNarrative, load_user_narratives

NEVER = 1.01  # a cut no probability reaches
LEXICAL_LANGUAGE = "en"  # where a head names no `lexical_languages`, its lexical part was fitted on English
EVIDENCE = 3  # sentences per label
EVIDENCE_WORDS = 5  # shorter sentences ("They are not.") carry too little to show why
TAXONOMY = "semeval2025"
TRAINED_LANGUAGES = ("en", "bg", "pt", "hi", "ru")  # of the SemEval-2025 documents (originals and MT)


class Taxonomy:
    """Label layout of the head: narratives (ending with `Other`), then sub-narratives "<narrative>: <sub>"."""

    def __init__(self, labels: list[str]) -> None:
        self.narratives = labels[: labels.index(OTHER) + 1]
        self.subs = labels[len(self.narratives) :]
        self.other = len(self.narratives) - 1
        self.parent = np.array([self.narratives.index(s.rsplit(": ", 1)[0]) for s in self.subs])
        self.named = np.array([not s.endswith(": Other") for s in self.subs])
        self.domain = np.array([n.split(":")[0] if n != OTHER else "" for n in self.narratives])

    def lifted(self, narr: np.ndarray, sub: np.ndarray) -> np.ndarray:
        """Narrative scores [..., narratives] raised to their best named sub-narrative's score."""
        out = narr.copy()
        for j in np.flatnonzero(self.named):
            out[..., self.parent[j]] = np.maximum(out[..., self.parent[j]], sub[..., j])
        return out

    def decode(
        self, scores: np.ndarray, cuts: np.ndarray, domain: str | None = None
    ) -> list[tuple[int, int | None, float]]:
        """(narrative column, sub-narrative column or None for "<narrative>: Other", score) of one article's
        label scores; [(Other, None, score)] when no narrative applies. Cuts: Other, narrative, sub-narrative
        and cross-domain: a narrative of the other domain (CC, URW) than the article's best narrative is kept only
        at that cut (no fourth cut: never). Given the article's `domain` (what it is about), narratives of the
        other domain are never kept: one document in 1,039 of the SemEval-2025 data carries both."""
        t_other, t_narr, t_sub = (float(c) for c in cuts[:3])
        t_cross = float(cuts[3]) if len(cuts) > 3 and domain is None else NEVER
        narr, sub = scores[: len(self.narratives)], scores[len(self.narratives) :]
        other = self.other
        lifted = self.lifted(narr, sub)
        best = max((i for i in range(len(lifted)) if i != other), key=lambda i: lifted[i])
        lead = domain or self.domain[best]
        kept = [
            i
            for i in np.argsort(-lifted)
            if i != other and lifted[i] >= t_narr and (self.domain[i] == lead or lifted[i] >= t_cross)
        ]
        if narr[other] >= t_other or not kept:
            return [(other, None, float(max(narr[other], 1.0 - lifted[:other].max())))]
        out: list[tuple[int, int | None, float]] = []
        for i in kept:
            inside = [j for j in np.flatnonzero(self.parent == i) if self.named[j] and sub[j] >= t_sub]
            out += [(i, j, float(sub[j])) for j in sorted(inside, key=lambda j: -sub[j])] or [
                (i, None, float(lifted[i]))
            ]
        return out


def _evidence(doc: Document, scores: np.ndarray | None) -> list[dict[str, Any]]:
    """The best sentences by one label's sentence scores."""
    if scores is None or not len(scores):
        return []
    sentences = doc.layer("sentences")
    long_enough = [k for k, s in enumerate(sentences) if len(s.text.split()) >= EVIDENCE_WORDS] or range(len(sentences))
    best = sorted(long_enough, key=lambda k: -scores[k])[:EVIDENCE]
    return [{"start": sentences[k].start, "end": sentences[k].end, "score": round(float(scores[k]), 4)} for k in best]


NARRATIVES_SCHEMA = {
    "type": "array",
    "description": "Narratives of the SemEval-2025 taxonomy (source semeval2025, `Other` when none applies) and "
    "the user's narratives that apply (source user), each with the sentences that carry it most.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["narrative", "subnarrative", "score", "source", "evidence"],
        "properties": {
            "narrative": {
                "type": "string",
                "description": "Exactly as in the taxonomy, e.g. URW: Discrediting Ukraine.",
            },
            "subnarrative": {
                "type": ["string", "null"],
                "description": 'Full path "<narrative>: <sub>"; "<narrative>: Other" when none fits; '
                "Other for an Other document; null for user narratives.",
            },
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "source": {"enum": [TAXONOMY, "user"]},
            "evidence": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["start", "end", "score"],
                    "properties": {
                        "start": {"$ref": "#/$defs/offset"},
                        "end": {"$ref": "#/$defs/offset"},
                        "score": {"type": "number"},
                    },
                },
            },
        },
    },
}


def narrative_records(doc: Document) -> list[dict[str, Any]]:
    return list(doc.labels.get("narratives", []))


NARRATIVES_TABLE = Table(
    "narratives", "SELECT {doc}, n.narrative, n.subnarrative, n.score, n.source FROM base, unnest(narratives) AS u(n)"
)


def evidence_spans(items: list[dict[str, Any]]):
    for item in items:
        yield from item["evidence"]


def text_features(encoding: Encoding, bounds: list[tuple[int, int]]) -> np.ndarray:
    """[len(bounds), hidden]: the mean states of each stretch (the article, a sentence) in the encoder's middle
    layer, which tells narratives apart better than the last, tuned to techniques (the model card)."""
    return middle_means(encoding, bounds)


@components.register("narratives")
class NarrativesComponent(Component):
    """Adds the `narratives` label: taxonomy narratives with evidence, and user narratives when configured."""

    name = "narratives"
    reads = ("spans.sentences", ENCODING)
    uses = ("spans.techniques", "labels.genre")  # the rule for reports
    writes = ("labels.narratives",)
    fields = (
        Field(
            "narratives",
            narrative_records,
            NARRATIVES_SCHEMA,
            offsets="bounds",
            spans=evidence_spans,
            tables=(NARRATIVES_TABLE,),
            facets=(
                Facet("narrative", lambda items: [n for i in items for n in (i["narrative"], i["subnarrative"]) if n]),
            ),
            columns=("len(narratives) AS n_narratives",),
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.folder = model_path(config["model"])
        self.head: LinearHead | None = None
        self.problem = Warnings.W006(head=self.name)
        self.user: list[UserNarrative] = load_user_narratives(str(config.get("user", "")))
        self.user_threshold = float(config["user_threshold"])
        self.reporting = float(config["reporting"])
        self.report_density = float(config["report_density"])
        self.embedder = None
        self.domain_head: DomainHead | None = None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        encoder = upstream[ENCODING].model
        self.head, self.problem = fitted_head(self.folder, encoder, self.name)
        if self.head is not None and (missing := lacks_middle(encoder, self.name)) is not None:
            self.head, self.problem = None, missing
        if self.head is not None:
            self.taxonomy = Taxonomy(self.head.labels)
            self.domain_head = DomainHead.load(self.folder)
        if self.user or self.domain_head is not None:
            from ..embedder import load_embedder

            self.embedder = load_embedder()
            for narrative in self.user:
                narrative.embed(self.embedder)

    def _scores(self, doc: Document, bounds: list[tuple[int, int]]) -> np.ndarray:
        features = text_features(encoding_of(doc), bounds)
        languages = self.head.lexical_languages or [LEXICAL_LANGUAGE]  # heads of before: English only
        if doc.language in languages:
            return self.head.blended(features, [doc.text[a:b] for a, b in bounds], doc.language)
        return self.head.scores(features, doc.language)

    def __call__(self, doc: Document) -> Document:
        found: list[dict[str, Any]] = []
        sentences = [(s.start, s.end) for s in doc.layer("sentences")]
        if self.head is None or encoding_of(doc) is None:
            if encoding_of(doc) is not None:
                doc.warn(self.problem)
        elif sentences:
            if doc.language not in TRAINED_LANGUAGES:
                doc.warn(Warnings.W011(lang=doc.language))
            article = self._scores(doc, [(0, len(doc.text))])[0]
            per_sentence = self._scores(doc, sentences)
            cuts = self.head.thresholds_for(doc.language)
            n_narr = len(self.taxonomy.narratives)
            report = self._report(doc)
            decoded = (
                [(self.taxonomy.other, None, report)]
                if report
                else self.taxonomy.decode(article, cuts, self._domain(doc))
            )
            for i, j, score in decoded:
                is_other = self.taxonomy.narratives[i] == OTHER
                column = i if j is None else n_narr + j
                sub = (
                    OTHER
                    if is_other
                    else self.taxonomy.subs[j]
                    if j is not None
                    else f"{self.taxonomy.narratives[i]}: Other"
                )
                found.append(
                    {
                        "narrative": self.taxonomy.narratives[i],
                        "subnarrative": sub,
                        "score": round(score, 4),
                        "source": TAXONOMY,
                        "evidence": [] if is_other else _evidence(doc, per_sentence[:, column]),
                    }
                )
        if self.user and sentences:
            found += self._user(doc, sentences)
        doc.labels["narratives"] = found
        return doc

    def _domain(self, doc: Document) -> str | None:
        """URW or CC from the first sentences (`narrative_domain`); None without its head or embedder."""
        if self.domain_head is None or self.embedder is None:
            return None
        return self.domain_head.domain(lead_vector(self.embedder, [s.text for s in doc.layer("sentences")]))[0]

    def _report(self, doc: Document) -> float | None:
        """The genre head's reporting probability when the article, in a language the head was not trained on,
        reads as a report with few technique spans (it carries no narrative), else None."""
        if doc.language in TRAINED_LANGUAGES:
            return None
        return plain_report(doc, self.reporting, self.report_density)

    def _user(self, doc: Document, sentences: list[tuple[int, int]]) -> list[dict[str, Any]]:
        vectors = self.embedder.embed([doc.text[a:b] for a, b in sentences])
        out = []
        for narrative in self.user:
            scores = narrative.similarity(vectors)
            top = np.sort(scores)[::-1][:2]
            if top[0] >= self.user_threshold:
                out.append(
                    {
                        "narrative": narrative.name,
                        "subnarrative": None,
                        "score": round(float(top.mean()), 4),
                        "source": "user",
                        "evidence": [e for e in _evidence(doc, scores) if e["score"] >= self.user_threshold],
                    }
                )
        return out
