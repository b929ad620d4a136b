"""Check-worthy claims and direct quotes, each with on whose word it rests and its hedges.

Every English sentence is scored for check-worthiness by a linear head (`models/claims`) on its features from the
shared encoder pass (`pooling.stretch_features`; no second model), blended with a lexical head on its words where
one is shipped; in every other language by a head on surface features (`verifiable`: figures, names, sources,
questions), since the encoder head, fitted on English debates, scores loaded language there. The `claims` layer
holds, in text order, the sentences at or above the head's tuned threshold, and when fewer pass, the document's
`min_claims` best sentences that reach `floor` (all sentences with `all = true`, the CLI's `--all-claims`). The
threshold was tuned on debates, where 1% of the lines are check-worthy; news carry far more claims and the scores
shift from one article to the next (a news report scores lower throughout than an opinion piece), so the best few of
an article are listed even below the cut. The `quotes` layer holds every direct quote (at least
`sourcing.MIN_QUOTE_WORDS` words: shorter quoted stretches are scare quotes). Attribution and hedges come from
`sourcing`; the speaker's actor name is added in the record where the entity layer has a mention there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..data import Document, Span
from ..errors import Warnings
from ..models import model_path
from ..registry import components
from .actors import actor_at
from .base import Component, Field, Table
from .encoder import ENCODING, encoding_of
from .linear_head import LinearHead, fitted_head
from .pooling import stretch_features
from .sourcing import FULL_LANGUAGES, direct_quotes, hedges, load_lexicon, sentence_attribution
from .verifiable import VerifiableHead, sentence_features

LEXICAL_LANGUAGE = "en"  # the claims head's lexical part was fitted on English debates (train.claims)


def _attribution_record(doc: Document, span: Span) -> dict[str, Any]:
    attribution = dict(span.attrs["attribution"])
    attribution["name"] = actor_at(doc.layer("entities"), attribution["speaker_start"], attribution["speaker_end"])
    return attribution


def claim_records(doc: Document) -> list[dict[str, Any]]:
    return [
        {
            "start": c.start,
            "end": c.end,
            "text": c.text,
            "checkworthiness": round(c.score, 4),
            "attribution": _attribution_record(doc, c),
            "hedges": [{"start": a, "end": b, "text": doc.text[a:b]} for a, b in c.attrs["hedges"]],
        }
        for c in doc.layer("claims")
    ]


def quote_records(doc: Document) -> list[dict[str, Any]]:
    return [
        {"start": q.start, "end": q.end, "text": q.text, "attribution": _attribution_record(doc, q)}
        for q in doc.layer("quotes")
    ]


def sourced_spans(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Claims or quotes, their hedges and their speakers, as start/end/text items (for the offset check)."""
    for item in items:
        yield item
        yield from item.get("hedges", ())
        at = item["attribution"]
        if at["speaker_start"] is not None:
            yield {"start": at["speaker_start"], "end": at["speaker_end"], "text": at["speaker"]}


_OPTIONAL_INT = {"type": ["integer", "null"], "minimum": 0}
ATTRIBUTION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "speaker", "speaker_start", "speaker_end", "cue", "name"],
    "properties": {
        "kind": {"enum": ["quote", "reported", "vague", "unattributed"]},
        "speaker": {"type": ["string", "null"], "description": "Exactly text[speaker_start:speaker_end]."},
        "speaker_start": _OPTIONAL_INT,
        "speaker_end": _OPTIONAL_INT,
        "cue": {"type": ["string", "null"], "description": "The reporting or vague-source words."},
        "name": {
            "type": ["string", "null"],
            "description": "The speaker's actor name, where the entity layer has one.",
        },
    },
}
_HEDGE = {"$ref": "#/$defs/textSpan"}
CLAIMS_SCHEMA = {
    "type": "array",
    "description": "Check-worthy sentences (all sentences with --all-claims), in text order.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["start", "end", "text", "checkworthiness", "attribution", "hedges"],
        "properties": {
            "start": {"$ref": "#/$defs/offset"},
            "end": {"$ref": "#/$defs/offset"},
            "text": {"type": "string"},
            "checkworthiness": {"type": "number", "minimum": 0, "maximum": 1},
            "attribution": ATTRIBUTION_SCHEMA,
            "hedges": {"type": "array", "items": _HEDGE},
        },
    },
}
QUOTES_SCHEMA = {
    "type": "array",
    "description": "Direct quotes (inside the quotation marks), with who says them.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["start", "end", "text", "attribution"],
        "properties": {
            "start": {"$ref": "#/$defs/offset"},
            "end": {"$ref": "#/$defs/offset"},
            "text": {"type": "string"},
            "attribution": ATTRIBUTION_SCHEMA,
        },
    },
}


@components.register("claims")
class ClaimsComponent(Component):
    """Adds the `claims` and `quotes` layers; `lexicon` names a user sourcing file added to the packaged one."""

    name = "claims"
    reads = ("spans.sentences", "spans.paragraphs", ENCODING)
    writes = ("spans.claims", "spans.quotes")
    fields = (
        Field(
            "claims",
            claim_records,
            CLAIMS_SCHEMA,
            offsets="text",
            spans=sourced_spans,
            columns=("len(claims) AS n_claims",),
            tables=(
                Table(
                    "claims",
                    """SELECT {doc}, c.start, c."end", c.text, c.checkworthiness, c.attribution.kind AS attribution,
                    c.attribution.speaker AS speaker, c.attribution.name AS speaker_actor
                    FROM base, unnest(claims) AS u(c)""",
                ),
            ),
        ),
        Field(
            "quotes",
            quote_records,
            QUOTES_SCHEMA,
            offsets="text",
            spans=sourced_spans,
        ),
    )

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.folder = model_path(config["model"])
        self.head: LinearHead | None = None
        self.problem = Warnings.W006(head=self.name)  # until setup finds the head
        self.all = bool(config.get("all", False))
        self.threshold = float(config.get("threshold", 0.0))
        self.min_claims = int(config.get("min_claims", 5))
        self.floor = float(config.get("floor", 0.05))
        self.lexicon = load_lexicon(str(config.get("lexicon", "")))
        self.surface = VerifiableHead.load(self.folder) if config.get("surface", True) else None

    def setup(self, upstream: Mapping[str, Component]) -> None:
        self.head, self.problem = fitted_head(self.folder, upstream[ENCODING].model, self.name)

    def on_surface(self, lang: str | None) -> bool:
        """Whether sentences in `lang` are scored by the surface-feature head (every language but English)."""
        return self.surface is not None and lang != LEXICAL_LANGUAGE

    def scores(self, doc: Document, sentences: Sequence[Span]) -> np.ndarray | None:
        encoding = encoding_of(doc)
        if self.head is None or encoding is None:
            if encoding is not None:
                doc.warn(self.problem)
            return None
        if not len(sentences):
            return np.zeros(0)
        if self.on_surface(doc.language):
            rows = [sentence_features(doc.text, s.start, s.end, doc.language, self.lexicon) for s in sentences]
            return self.surface.scores(np.array(rows))
        features = stretch_features(encoding, [(s.start, s.end) for s in sentences])
        if doc.language == LEXICAL_LANGUAGE:  # the lexical head knows English n-grams only
            return self.head.blended(features, [s.text for s in sentences])[:, 0]
        return self.head.scores(features)[:, 0]

    def __call__(self, doc: Document) -> Document:
        text, lang = doc.text, doc.language
        if not self.lexicon.covers(lang):
            doc.warn(Warnings.W008(lang=lang, detail="no lexicon: quotation marks only"))
        elif lang not in FULL_LANGUAGES:
            doc.warn(Warnings.W008(lang=lang, detail="speakers by word-order rules, less checked than en and ru"))
        doc.meta["sourcing"] = "full" if lang in FULL_LANGUAGES else "cues" if self.lexicon.covers(lang) else "quotes"
        sentences = [(s.start, s.end) for s in doc.layer("sentences")]
        paragraphs = [(p.start, p.end) for p in doc.layer("paragraphs")]
        found = direct_quotes(text, paragraphs, sentences, lang, self.lexicon)
        doc.spans["quotes"] = [doc.make_span(a, b, "quote", source=self.name, attribution=at) for a, b, at in found]
        scores = self.scores(doc, doc.layer("sentences"))
        if self.threshold:
            cut = self.threshold
        elif self.on_surface(lang):
            cut = self.surface.threshold
        else:
            cut = float(self.head.thresholds_for(lang)[0]) if self.head else 1.0
        doc.spans["claims"] = []
        if scores is None:
            return doc
        best = set(sorted(range(len(scores)), key=lambda i: -scores[i])[: self.min_claims])
        for i, ((start, end), score) in enumerate(zip(sentences, scores, strict=True)):
            if self.all or score >= cut or (i in best and score >= self.floor):
                at = sentence_attribution(text, start, end, found, lang, self.lexicon)
                marks = hedges(text, start, end, lang, self.lexicon)
                doc.spans["claims"].append(
                    doc.make_span(
                        start, end, "claim", score=float(score), source=self.name, attribution=at, hedges=marks
                    )
                )
        return doc
