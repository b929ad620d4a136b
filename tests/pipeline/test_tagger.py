from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.pipeline.encoder import window_starts
from spinscope.pipeline.tagger import Decoding, decode_spans

TEXT = "The corrupt regime lies. Nothing else."
OFFSETS = np.array([[0, 3], [4, 11], [12, 18], [19, 23], [23, 24], [25, 32], [33, 37], [37, 38]])


def probs_with(rows: dict[int, float], k: int = 0, n_labels: int = 2) -> np.ndarray:
    probs = np.zeros((len(OFFSETS), n_labels), np.float32)
    for row, value in rows.items():
        probs[row, k] = value
    return probs


def test_one_token_gap_is_bridged() -> None:
    probs = probs_with({1: 0.9, 2: 0.2, 3: 0.9})
    spans = decode_spans(TEXT, OFFSETS, probs, np.array([0.5, 0.5]), ["A", "B"])
    assert [(label, TEXT[s:e]) for label, s, e, _ in spans] == [("A", "corrupt regime lies")]


def test_two_token_gap_splits() -> None:
    probs = probs_with({1: 0.9, 5: 0.9, 6: 0.9})
    spans = decode_spans(TEXT, OFFSETS, probs, np.array([0.5, 0.5]), ["A", "B"])
    assert [TEXT[s:e] for _, s, e, _ in spans] == ["corrupt", "Nothing else"]


def test_score_is_mean_probability_and_slivers_drop() -> None:
    probs = probs_with({0: 0.6, 1: 0.8})
    probs[7, 1] = 0.99  # the final "." alone is a sliver
    spans = decode_spans(TEXT, OFFSETS, probs, np.array([0.5, 0.5]), ["A", "B"], Decoding(max_gap=0, min_chars=3))
    assert spans == [("A", 0, 11, pytest.approx(0.7))]


def test_partial_word_tokens_snap_to_whole_words() -> None:
    offsets = np.array([[4, 8], [8, 11]])  # "corr" + "upt"
    probs = np.array([[0.9], [0.1]], np.float32)
    assert decode_spans(TEXT, offsets, probs, np.array([0.5]), ["A"]) == [("A", 4, 11, pytest.approx(0.9))]


def test_runs_inside_one_long_word_give_one_span() -> None:
    text = "Lies " + "a" * 40 + " end."
    offsets = np.array([[0, 4], *[[a, a + 4] for a in range(4, 45, 4)], [45, 49], [49, 50]])
    probs = np.zeros((len(offsets), 1), np.float32)
    probs[[1, 5, 9], 0] = 0.9  # three runs of the one 40-letter word, more than `max_gap` tokens apart
    spans = decode_spans(text, offsets, probs, np.array([0.5]), ["A"])
    assert spans == [("A", 5, 45, pytest.approx(probs[1:10, 0].mean()))]


@given(st.integers(0, 3000), st.integers(2, 300), st.integers(1, 300))
def test_windows_cover_every_token(n: int, content: int, stride: int) -> None:
    stride = min(stride, content)
    starts = window_starts(n, content, stride)
    covered = set()
    for a in starts:
        covered.update(range(a, min(a + content, n)))
    assert covered == set(range(n))
    assert starts == sorted(set(starts))


def test_embedding_cache_is_written_then_mapped(tmp_path, monkeypatch) -> None:
    from spinscope.runtime import word_embeddings

    monkeypatch.setenv("SPINSCOPE_CACHE", str(tmp_path))
    built = word_embeddings.__wrapped__()
    assert built.dtype == np.float16 and built.shape[1] == 384
    (cached,) = tmp_path.glob("e5-word-embeddings-*.npy")
    mapped = word_embeddings.__wrapped__()
    assert isinstance(mapped, np.memmap)
    assert np.array_equal(mapped[[0, 1000, 250000]], built[[0, 1000, 250000]])
    cached.write_bytes(b"garbage")  # a broken cache is rebuilt, not fatal
    assert np.array_equal(word_embeddings.__wrapped__()[[7]], built[[7]])


def test_paragraph_labels_from_spans_fill_the_paragraph_rows() -> None:
    from spinscope.data import Document
    from spinscope.pipeline.encoder import Encoding
    from spinscope.pipeline.paragraph_labels import LABEL, paragraph_records
    from spinscope.pipeline.segment import SegmentComponent
    from spinscope.pipeline.tagger import TechniqueDecoder

    doc = SegmentComponent({}, {})(Document("d", "Title\n\nBody one.\nBody two."))
    doc.add_span("techniques", 7, 11, "Loaded_Language")
    assert [p["techniques"] for p in paragraph_records(doc)] == [[], [], []]  # not labelled yet
    empty = Encoding(np.zeros((0, 2), np.int64), np.zeros((0, 1), np.float32), None)
    doc.labels[LABEL] = TechniqueDecoder(("Loaded_Language",)).paragraph_labels(doc, empty)  # source "spans"
    assert [p["techniques"] for p in paragraph_records(doc)] == [[], ["Loaded_Language"], []]
