"""What `spinscope train entities` learns from besides silver labels: our annotated sentences, read as whole-word
mentions, and the token features the head reads at inference."""

from __future__ import annotations

import numpy as np

from spinscope.eval.entities import gold_cases
from spinscope.pipeline.encoder import Encoding
from spinscope.pipeline.token_ner import token_features
from spinscope.train.entities import LABELS, TYPES, WRITTEN, token_targets, written_mentions


def test_a_name_inside_a_longer_one_is_no_mention_of_its_own() -> None:
    case = {"text": "Atlético de Madrid ganó en Madrid; Madridista no.", "entities": [["Atlético de Madrid", "ORG"],
                                                                                    ["Madrid", "LOC"]]}  # fmt: skip
    text = case["text"]
    assert written_mentions(case) == [(0, 18, "ORG"), (text.index("en Madrid") + 3, text.index(";"), "LOC")]


def test_our_training_sentences_are_sound_in_every_language_they_cover() -> None:
    files = sorted(WRITTEN.glob("*.toml"))
    assert {f.stem for f in files} >= {"ar", "bg", "de", "es", "it", "pl", "pt", "uk"}
    for path in files:
        cases = gold_cases(path)
        assert len(cases) >= 60, path.name
        for case in cases:
            assert case["lang"] == path.stem
            assert all(kind in TYPES for _, kind in case["entities"]), case["text"]
            assert (
                len(written_mentions(case)) >= len({name for name, _ in case["entities"]}) > 0 or not case["entities"]
            ), case["text"]


def test_the_head_reads_last_and_middle_states_side_by_side() -> None:
    offsets = np.array([[0, 4], [5, 9]])
    hidden, middle = np.ones((2, 3), np.float16), np.zeros((2, 3), np.float16)
    encoding = Encoding(offsets, np.zeros((2, 1)), None, hidden, middle)
    assert token_features(encoding).tolist() == [[1, 1, 1, 0, 0, 0]] * 2
    assert token_features(Encoding(offsets, np.zeros((2, 1)), None, hidden)) is None
    targets = token_targets(encoding, [(5, 9, "PER")])
    assert [LABELS[k] for k in targets] == ["O", "B-PER"]
