from __future__ import annotations

import numpy as np
import pytest

from spinscope.pipeline.encoder import Encoding
from spinscope.pipeline.linear_head import LinearHead
from spinscope.pipeline.pooling import feature_size, middle_means, stretch_features, token_range
from spinscope.pipeline.tagger import pick_label

# "The corrupt regime lies." : four tokens
OFFSETS = np.array([[0, 3], [4, 11], [12, 18], [19, 24]])


def encoding(with_hidden: bool = True) -> Encoding:
    probs = np.array([[0.1, 0.0], [0.9, 0.2], [0.5, 0.4], [0.0, 0.8]], np.float32)
    hidden = np.arange(12, dtype=np.float16).reshape(4, 3) if with_hidden else None
    return Encoding(OFFSETS, probs, None, hidden)


def test_token_range_counts_partial_overlap() -> None:
    assert token_range(OFFSETS, 4, 11) == (1, 2)
    assert token_range(OFFSETS, 10, 13) == (1, 3)  # touches "corrupt" and "regime"
    assert token_range(OFFSETS, 11, 12) == (2, 2)  # the space between: no token


def test_features_are_mean_first_last_hidden_then_max_mean_probs_and_length() -> None:
    feats = stretch_features(encoding(), [(4, 18), (11, 12)])
    assert feats.shape == (2, feature_size(encoding())) == (2, 3 * 3 + 4 + 1)
    mean, first, last = [4.5, 5.5, 6.5], [3, 4, 5], [6, 7, 8]
    assert feats[0] == pytest.approx([*mean, *first, *last, 0.9, 0.4, 0.7, 0.3, np.log(3)])
    assert not feats[1].any()


def test_features_without_hidden_states_are_the_probabilities_and_length() -> None:
    feats = stretch_features(encoding(with_hidden=False), [(0, 24)])
    assert (
        feats.shape == (1, 5) and feats[0, :2] == pytest.approx([0.9, 0.8]) and feats[0, -1] == pytest.approx(np.log(5))
    )


def test_middle_means_average_the_middle_states_of_the_covered_tokens() -> None:
    states = np.arange(12, dtype=np.float16).reshape(4, 3)
    with_middle = Encoding(OFFSETS, encoding().probs, None, None, states)
    means = middle_means(with_middle, [(4, 18), (11, 12), (19, 24)])
    assert means.dtype == np.float32 and means.tolist() == [[4.5, 5.5, 6.5], [0, 0, 0], [9, 10, 11]]


def test_multiclass_head_scores_rows_and_single_vectors() -> None:
    head = LinearHead(["a", "b"], "multiclass", np.zeros(2), np.ones(2), np.eye(2), np.zeros(2))
    rows = head.scores(np.array([[2.0, 0.0], [0.0, 2.0]]))
    assert rows.sum(1) == pytest.approx([1, 1]) and rows[0, 0] > 0.8 and rows[1, 1] > 0.8
    assert head.scores(np.array([2.0, 0.0])) == pytest.approx(rows[0])


def test_pick_label_merges_techniques_sharing_a_name() -> None:
    scores = np.array([0.3, 0.3, 0.4])
    assert pick_label(scores, ["X", "X", "Y"], np.add) == ("X", pytest.approx(0.6))
    assert pick_label(scores, ["X", "X", "Y"], np.maximum) == ("Y", pytest.approx(0.4))
    assert pick_label(scores, [None, "X", None], np.add) == ("X", pytest.approx(0.3))
