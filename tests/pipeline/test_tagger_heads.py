"""The paragraph head and the span head of a technique model folder, on hand-made weights."""

from __future__ import annotations

import json

import numpy as np
import pytest

from spinscope.data import Document
from spinscope.pipeline.encoder import Encoding
from spinscope.pipeline.linear_head import LinearHead
from spinscope.pipeline.segment import SegmentComponent
from spinscope.pipeline.tagger import PARAGRAPH_HEAD, SPAN_HEAD, DecoderConfig, Decoding, TechniqueDecoder

LABELS = ["Loaded_Language", "Doubt"]
TEXT = "Title\nThe corrupt regime lies.\nWho can believe them?"
#       0     6                       31


def tokens() -> Encoding:
    """One token per word; hidden dim 0 marks loaded words, dim 1 marks the doubting line."""
    words = [(m, m + len(w)) for w, m in ((w, TEXT.index(w)) for w in TEXT.replace("\n", " ").split())]
    hidden = np.zeros((len(words), 2), np.float16)
    for i, (s, e) in enumerate(words):
        hidden[i, 0] = 4.0 if TEXT[s:e] in ("corrupt", "regime") else 0.0
        hidden[i, 1] = 4.0 if s >= 32 else 0.0
    probs = np.zeros((len(words), 2), np.float32)
    return Encoding(np.array(words), probs, None, hidden)


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    n = 3 * 2 + 2 * len(LABELS) + 1  # features: mean/first/last hidden (2 each), max/mean probs, length
    weights = np.zeros((n, 2))
    weights[0, 0] = weights[1, 1] = 3.0
    bias = np.array([-2.0, -2.0])
    LinearHead(LABELS, "multiclass", np.zeros(n), np.ones(n), weights, bias).save(tmp_path / SPAN_HEAD)
    thresholds = {"en": [0.5, 0.5]}
    LinearHead(LABELS, "multilabel", np.zeros(n), np.ones(n), weights, bias, thresholds).save(tmp_path / PARAGRAPH_HEAD)
    return tmp_path


def test_span_head_labels_given_spans(folder) -> None:
    decoder = TechniqueDecoder.load(folder)
    spans = [(TEXT.index("corrupt regime"), TEXT.index(" lies")), (TEXT.index("Who"), len(TEXT))]
    assert [label for label, _ in decoder.classify(tokens(), spans)] == ["Loaded_Language", "Doubt"]


def test_paragraph_sources_are_explicit(folder) -> None:
    decoder = TechniqueDecoder.load(folder)  # no thresholds.json: every language takes the technique spans
    enc = tokens()
    assert decoder.paragraph_source("en", enc) == "spans"
    decoder = decoder.with_config(paragraph_sources={"en": "head", "default": "spans"})
    assert decoder.paragraph_source("en", enc) == "head" and decoder.paragraph_source("uk", enc) == "spans"
    assert decoder.paragraph_source("en", Encoding(enc.offsets, enc.probs, None)) == "spans"  # no hidden states
    assert decoder.replace(paragraph_head=None).paragraph_source("en", enc) == "spans"
    doc = SegmentComponent({}, {})(Document("d", TEXT, language="en"))
    assert decoder.paragraph_labels(doc, enc) == {1: [], 2: ["Loaded_Language"], 3: ["Doubt"]}
    with pytest.raises(ValueError, match="unknown paragraph source"):
        decoder.with_config(paragraph_sources={"en": "guess"})


def test_span_head_with_other_labels_is_refused(folder) -> None:
    with pytest.raises(ValueError, match="labels differ"):
        TechniqueDecoder(("Doubt", "Loaded_Language"), span_head=LinearHead.load(folder / SPAN_HEAD))


def test_paragraph_thresholds_label_lines_without_changing_the_spans(folder) -> None:
    """fr has paragraph thresholds of its own: Doubt (prob 0.4 on the last line) is below its span
    threshold, so no span shows it, but above its paragraph threshold, so the line is labelled."""
    thresholds = {
        "spans": {"fr": {"Loaded_Language": 0.5, "Doubt": 0.6}},
        "paragraphs": {"fr": {"Doubt": 0.3}},
        "paragraph_sources": {"fr": "paragraph-spans", "en": "head"},
    }
    (folder / "thresholds.json").write_text(json.dumps(thresholds), encoding="utf-8")
    decoder = TechniqueDecoder.load(folder)
    enc = tokens()
    enc.probs[enc.offsets[:, 0] >= 32, 1] = 0.4
    assert decoder.paragraph_source("fr", enc) == "paragraph-spans"
    assert decoder.paragraph_source("en", enc) == "head"
    doc = SegmentComponent({}, {})(Document("d", TEXT, language="fr"))
    decoder.annotate_spans(doc, enc)
    assert doc.layer("techniques") == []
    assert decoder.paragraph_labels(doc, enc) == {1: [], 2: [], 3: ["Doubt"]}


def test_decoder_config_round_trips(tmp_path) -> None:
    config = DecoderConfig(
        Decoding(4, 8), {"default": {"Doubt": 0.4}}, {"de": {"Doubt": 0.3}}, {"de": "paragraph-spans"}
    )
    config.write(tmp_path)
    assert DecoderConfig.read(tmp_path) == config
