"""Technique decoding: token probabilities of the encoder pass, thresholded per technique (and language),
become word-snapped character spans and paragraph labels; heads on pooled features (`pooling`) label
paragraphs and given spans where the model folder ships them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Document
from ..text import labels_overlapping
from .encoder import Encoding
from .linear_head import LinearHead
from .pooling import stretch_features, token_range
from .span_guards import designation_matches, guard

DEFAULT_THRESHOLD = 0.5
THRESHOLDS_FILE = "thresholds.json"  # the decoder config tuning writes (`DecoderConfig`)
PARAGRAPH_HEAD = "paragraph_head"  # subfolder: multilabel head on line features
SPAN_HEAD = "span_head"  # subfolder: multiclass head on span features (technique of a given span)
PTC_HEAD = "span_head_ptc14"  # subfolder: the same over the 14 PTC classes, where it beat the summed span head
PARAGRAPH_SOURCES = ("head", "paragraph-spans", "spans")


Tables = dict[str, dict[str, float]]  # language (or "default") -> technique -> threshold
NOT_SHOWN = 1.01  # the display cut of a technique no cut makes right often enough


class ThresholdTable:
    """Per-language threshold vectors in label order; settings overrides win over tuned values."""

    def __init__(self, tables: Tables, labels: Sequence[str], overrides: Mapping[str, float]) -> None:
        self.by_lang = {
            lang: np.array([overrides.get(t, table.get(t, DEFAULT_THRESHOLD)) for t in labels], dtype=np.float32)
            for lang, table in tables.items()
        }
        self.fallback = self.by_lang.get("default", np.array([overrides.get(t, DEFAULT_THRESHOLD) for t in labels]))

    def get(self, language: str | None) -> np.ndarray:
        return self.by_lang.get(language or "", self.fallback)


@dataclass(frozen=True, slots=True)
class Decoding:
    """How token decisions become spans: gaps of up to `max_gap` tokens are bridged, slivers dropped."""

    max_gap: int = 1
    min_chars: int = 3


@dataclass(frozen=True)
class DecoderConfig:
    """Everything tuning decides about decoding, written explicitly to the model's thresholds.json.

    `spans`: span thresholds per language ("default" serves every other language; before tuning there are
    none and every technique uses 0.5). `paragraphs`: thresholds of their own for the languages whose
    paragraph labels come from spans decoded with them. `paragraph_sources`: per language (and "default")
    how paragraphs are labelled, one of PARAGRAPH_SOURCES: "head" (the paragraph head on line features),
    "paragraph-spans" (spans decoded with the `paragraphs` thresholds) or "spans" (the technique spans).
    """

    decoding: Decoding = Decoding()
    spans: Tables = field(default_factory=dict)
    paragraphs: Tables = field(default_factory=dict)
    paragraph_sources: dict[str, str] = field(default_factory=dict)
    display: dict[str, dict[str, list[list[float]]]] = field(default_factory=dict)  # `spinscope train display`

    def __post_init__(self) -> None:
        if bad := sorted(set(self.paragraph_sources.values()) - set(PARAGRAPH_SOURCES)):
            raise ValueError(f"unknown paragraph source(s) {bad}; expected one of {PARAGRAPH_SOURCES}")

    def paragraph_source(self, language: str | None) -> str:
        return self.paragraph_sources.get(language or "", self.paragraph_sources.get("default", "spans"))

    def display_cut(self, language: str | None, technique: str, precision: float) -> float:
        """The lowest score at which this technique's spans were right `precision` of the time in this language
        (its curve there, else over all languages: "default"); above any score where no cut gets there; 0 for
        `precision` 0 or without a display table (every span is shown)."""
        if not precision or not self.display:
            return 0.0
        curve = self.display.get(language or "", {}).get(technique) or self.display.get("default", {}).get(technique)
        return next((float(cut) for cut, share, _ in curve or [] if share >= precision), NOT_SHOWN)

    @classmethod
    def read(cls, folder: Path) -> DecoderConfig:
        path = folder / THRESHOLDS_FILE
        raw = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(
            Decoding(**raw.get("decoding", {})),
            raw.get("spans", {}),
            raw.get("paragraphs", {}),
            raw.get("paragraph_sources", {}),
            raw.get("display", {}),
        )

    def write(self, folder: Path) -> None:
        body = {
            "decoding": asdict(self.decoding),
            "spans": self.spans,
            "paragraphs": self.paragraphs,
            "paragraph_sources": self.paragraph_sources,
            "display": self.display,
        }
        (folder / THRESHOLDS_FILE).write_text(json.dumps(body, indent=1, sort_keys=True), encoding="utf-8")


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow to whole words, then trim surrounding whitespace, so spans never cut a word in half."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def decode_spans(
    text: str,
    offsets: np.ndarray,
    probs: np.ndarray,
    thresholds: np.ndarray,
    labels: Sequence[str],
    decoding: Decoding = Decoding(),
) -> list[tuple[str, int, int, float]]:
    """(label, start, end, score) spans from token probabilities [n_tokens, n_labels]; score = mean prob.

    A run of positive tokens (gaps of up to `max_gap` bridged) that crosses a line break becomes one span per
    line: gold spans almost never cross one (0.1-0.3% of them in each SemEval-2023 language). Runs that snap
    into one word (a long one cut into many tokens) join.
    """
    spans = []
    hits = probs >= thresholds[None, :]
    for k, label in enumerate(labels):
        rows = np.flatnonzero(hits[:, k])
        if not len(rows):
            continue
        for start, end, raw_start, raw_end in _snapped(text, _runs(text, offsets, rows, decoding.max_gap)):
            a, b = token_range(offsets, raw_start, raw_end)  # the run's own tokens
            if end - start >= decoding.min_chars and b > a:
                spans.append((label, start, end, float(probs[a:b, k].mean())))
    return spans


def _runs(text: str, offsets: np.ndarray, rows: np.ndarray, max_gap: int) -> Iterator[tuple[int, int]]:
    """Character ranges of the runs of token `rows` (gaps of up to `max_gap` rows bridged), cut at line breaks."""
    breaks = np.flatnonzero(np.diff(rows) > max_gap + 1)
    for first, last in zip(np.r_[0, breaks + 1], np.r_[breaks, len(rows) - 1], strict=True):
        yield from _lines(text, int(offsets[rows[first], 0]), int(offsets[rows[last], 1]))


def _snapped(text: str, pieces: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """(start, end, raw start, raw end) of ordered pieces snapped to whole words. A piece that starts inside the
    previous snapped span (runs apart inside one long word) joins it, so no word yields the same span twice."""
    out: list[tuple[int, int, int, int]] = []
    for raw_start, raw_end in pieces:
        if out and raw_start < out[-1][1]:
            start, end, first_start, _ = out[-1]
            end = end if raw_end <= end else _snap(text, start, raw_end)[1]
            out[-1] = (start, end, first_start, raw_end)
        else:
            out.append((*_snap(text, raw_start, raw_end), raw_start, raw_end))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) cut at every line break inside it (the breaks themselves left out)."""
    pieces, cursor = [], start
    while (cut := text.find("\n", cursor, end)) != -1:
        pieces.append((cursor, cut))
        cursor = cut + 1
    pieces.append((cursor, end))
    return [(a, b) for a, b in pieces if b > a]


def _optional_head(folder: Path) -> LinearHead | None:
    return LinearHead.load(folder) if (folder / "head.npz").is_file() else None


@dataclass(frozen=True)
class TechniqueDecoder:
    """Turns an Encoding into technique spans and paragraph labels: immutable, built from a DecoderConfig,
    the model's labels and, where shipped, its paragraph head and span heads. Tuning tries other settings
    with `replace`/`with_config`, which build new decoders."""

    labels: tuple[str, ...]
    config: DecoderConfig = DecoderConfig()
    paragraph_head: LinearHead | None = None
    span_head: LinearHead | None = None
    ptc_head: LinearHead | None = None
    overrides: Mapping[str, float] = field(default_factory=dict)  # settings thresholds, over the tuned span ones
    display_precision: float = 0.0  # share of right spans a shown span needs (`DecoderConfig.display_cut`)

    def __post_init__(self) -> None:
        if self.span_head is not None and tuple(self.span_head.labels) != self.labels:
            raise ValueError("the span head's labels differ from the model's")
        object.__setattr__(self, "span_thresholds", ThresholdTable(self.config.spans, self.labels, self.overrides))
        object.__setattr__(self, "paragraph_thresholds", ThresholdTable(self.config.paragraphs, self.labels, {}))

    @classmethod
    def load(
        cls, folder: Path, overrides: Mapping[str, float] | None = None, display_precision: float = 0.0
    ) -> TechniqueDecoder:
        """The decoder of a model folder (read once per folder and process)."""
        return replace(_load(folder), overrides=dict(overrides or {}), display_precision=display_precision)

    def replace(self, **changes: Any) -> TechniqueDecoder:
        return replace(self, **changes)

    def with_config(self, **changes: Any) -> TechniqueDecoder:
        return replace(self, config=replace(self.config, **changes))

    def classify(
        self,
        encoding: Encoding,
        spans: Sequence[tuple[int, int]],
        scheme: str = "semeval23",
        language: str | None = None,
    ) -> list[tuple[str, float]]:
        """Best technique (and its score) for each given span (SemEval-2020 TC).

        With a span head (softmax over the techniques on the span's pooled features) a PTC-14 class scores
        the sum of the probabilities of the techniques it merges, unless a PTC-14 head (fitted on PTC spans)
        is shipped, which then decides. Without one, techniques compete on their
        mean token probability over the span relative to their own span threshold (raw probabilities are not
        comparable across techniques trained with different loss weights) and a PTC class scores its best
        technique. Techniques with no PTC counterpart cannot win in the `ptc14` scheme.
        """
        from ..labels import to_ptc14

        names = self.labels if scheme != "ptc14" else [to_ptc14(t) for t in self.labels]
        if scheme == "ptc14" and self.ptc_head is not None and encoding.hidden is not None and spans:
            probs = self.ptc_head.scores(stretch_features(encoding, spans))
            return [pick_label(row, self.ptc_head.labels, np.add) for row in probs]
        if self.span_head is not None and encoding.hidden is not None and spans:
            probs = self.span_head.scores(stretch_features(encoding, spans))  # columns in self.labels order
            return [pick_label(row, names, np.add) for row in probs]
        scale = 1.0 / np.clip(self.span_thresholds.get(language), 0.05, 1.0)
        results = []
        for start, end in spans:
            first, last = token_range(encoding.offsets, start, end)
            mean = encoding.probs[first:last].mean(0) if last > first else np.zeros(len(self.labels), np.float32)
            results.append(pick_label(mean * scale, names, np.maximum))
        return results

    def paragraph_source(self, language: str | None, encoding: Encoding) -> str:
        """How paragraphs of this language are labelled (`DecoderConfig.paragraph_sources`); "head" falls back
        to "spans" where no paragraph head is shipped or the model exports no hidden states."""
        source = self.config.paragraph_source(language)
        if source == "head" and (self.paragraph_head is None or encoding.hidden is None):
            return "spans"
        return source

    def annotate_spans(self, doc: Document, encoding: Encoding) -> None:
        """Replace the document's `techniques` layer with the spans decoded from token probabilities, past the
        guards of `span_guards` (no function-word spans; loaded designations always tagged). A span is `shown`
        when it reaches its display cut or lies on a loaded designation of its technique."""
        doc.spans["techniques"] = []
        named = designation_matches(doc)
        for label, start, end, score in guard(doc, self._spans(doc, encoding, self.span_thresholds), named):
            shown = score >= self.config.display_cut(doc.language, label, self.display_precision) or any(
                t == label and a < end and start < b for t, a, b in named
            )
            doc.add_span("techniques", start, end, label, score=score, source="techniques", shown=shown)

    def paragraph_labels(self, doc: Document, encoding: Encoding) -> dict[int, list[str]]:
        """line -> sorted techniques of each paragraph, from the language's paragraph source."""
        paragraphs = doc.layer("paragraphs")
        source = self.paragraph_source(doc.language, encoding)
        if source == "head":
            return self._head_labels(doc, encoding) if paragraphs else {}
        if source == "paragraph-spans":
            spans = [span[:3] for span in self._spans(doc, encoding, self.paragraph_thresholds)]
        else:
            spans = [(s.label, s.start, s.end) for s in doc.layer("techniques")]
        return {p.attrs["line"]: labels_overlapping(p.start, p.end, spans) for p in paragraphs}

    def _spans(self, doc: Document, encoding: Encoding, table: ThresholdTable) -> list[tuple[str, int, int, float]]:
        """Spans decoded with `table`'s thresholds for the document's language, none inside its header."""
        thresholds = table.get(doc.language)
        header_end = doc.meta.get("header_end", 0)
        decoded = decode_spans(
            doc.text, encoding.offsets, encoding.probs, thresholds, self.labels, self.config.decoding
        )
        return [span for span in decoded if span[1] >= header_end]

    def _head_labels(self, doc: Document, encoding: Encoding) -> dict[int, list[str]]:
        """line -> techniques whose paragraph-head probability passes its threshold for the language."""
        paragraphs = doc.layer("paragraphs")
        bounds = [(p.start, p.end) for p in paragraphs]
        scores = self.paragraph_head.blended(stretch_features(encoding, bounds), [doc.text[a:b] for a, b in bounds])
        hits = scores >= self.paragraph_head.thresholds_for(doc.language)[None, :]
        return {
            p.attrs["line"]: sorted(self.paragraph_head.labels[k] for k in np.flatnonzero(row))
            for p, row in zip(paragraphs, hits, strict=True)
        }


@cache
def _load(folder: Path) -> TechniqueDecoder:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return TechniqueDecoder(
        tuple(labels),
        DecoderConfig.read(folder),
        _optional_head(folder / PARAGRAPH_HEAD),
        _optional_head(folder / SPAN_HEAD),
        _optional_head(folder / PTC_HEAD),
    )


def pick_label(scores: np.ndarray, names: Sequence[str | None], merge: np.ufunc) -> tuple[str, float]:
    """The best named label; scores of techniques sharing a name (PTC-14 merges) are combined by `merge`."""
    combined: dict[str, float] = {}
    for name, score in zip(names, scores, strict=True):
        if name is not None:
            combined[name] = float(merge(combined[name], score)) if name in combined else float(score)
    label = max(combined, key=combined.__getitem__)
    return label, combined[label]
