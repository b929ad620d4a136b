"""Frames/genre head training pieces that need no encoder: the TF-IDF baseline features and the
cross-validated genre figure."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from spinscope.train.heads import Articles, _standardised, cross_validated_genre, tfidf_features

GENRES = ["opinion", "reporting", "satire"]


def articles(rng: np.random.Generator, per_genre: int = 12) -> tuple[Articles, np.ndarray]:
    """Two languages, three genres; vectors whose first three dimensions carry the genre."""
    ids, langs, labels, rows = [], [], [], []
    for lang in ("en", "fr"):
        for k, genre in enumerate(GENRES):
            for j in range(per_genre):
                ids.append(f"{lang}/{genre}{j}")
                langs.append(lang)
                labels.append([genre])
                rows.append(np.r_[np.eye(3)[k] * 4.0, rng.normal(size=5)])
    n = len(ids)
    return Articles(ids, langs, [""] * n, labels, np.zeros(n, bool)), np.array(rows)


def test_cross_validated_genre_scores_out_of_fold_predictions_per_language() -> None:
    rng = np.random.default_rng(0)
    arts, vectors = articles(rng)
    separable = cross_validated_genre(lambda fit: _standardised(vectors, fit)[0], arts, GENRES, 1.0, 13)
    assert set(separable) >= {"en", "fr"} and separable["en"] == separable["fr"] == 1.0

    noise = rng.normal(size=vectors.shape)  # no genre signal: out-of-fold guesses are near chance
    chance = cross_validated_genre(lambda fit: _standardised(noise, fit)[0], arts, GENRES, 1.0, 13)
    assert chance["en"] < 0.7 and chance["fr"] < 0.7


def test_cross_validated_genre_fits_features_on_the_training_folds_only() -> None:
    arts, vectors = articles(np.random.default_rng(1), per_genre=6)
    seen: list[np.ndarray] = []

    def featurize(fit: np.ndarray) -> np.ndarray:
        seen.append(fit)
        return _standardised(vectors, fit)[0]

    cross_validated_genre(featurize, arts, GENRES, 1.0, 13)
    assert len(seen) == 5
    held = np.concatenate([np.setdiff1d(np.arange(len(arts.ids)), fit) for fit in seen])
    assert sorted(held.tolist()) == list(range(len(arts.ids)))  # each article held out exactly once


def test_tfidf_features_take_their_vocabulary_from_the_fitted_texts_only() -> None:
    texts = ["alpha beta gamma", "alpha beta delta", "alpha beta gamma delta", "xx yy", "qq xx"]
    x = tfidf_features(texts, np.array([0, 1, 2]))
    assert x.shape[0] == 5
    assert x[3].nnz == 0 and x[4].nnz == 0  # none of their words or character grams was fitted
    assert x[0].nnz > 0
