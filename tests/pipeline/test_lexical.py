"""Lexical heads: the numpy TF-IDF features equal scikit-learn's, and a saved head scores the same."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.pipeline.lexical import LexicalHead, char_wb_grams

sklearn = pytest.importorskip("sklearn")

TEXTS = [
    "The Kiev regime hides the truth, and the MSM repeats it word for word.",
    "Weapons sent abroad end up on the black market, an insider claims.",
    "Le gouvernement ment encore : qui peut croire ces experts ?",
    "Die Regierung lügt, sagen Kritiker — wieder einmal.",
    "Правительство снова лжёт, говорят критики.",
    "A quiet report on rainfall in the valley, with figures from the agency.",
    "Experts? Nobody believes the experts any more, the columnist writes.",
    "x  y\tz\n\nI a",
]


def _head(kind: str):
    from spinscope.train.lexical import fit_lexical

    rng = np.random.default_rng(3)
    if kind == "multilabel":
        gold = rng.random((len(TEXTS), 3)) < 0.5
        gold[:, 2] = False  # a label never seen: never predicted
    else:
        gold = np.eye(3, dtype=bool)[[0, 1, 0, 1, 0, 1, 0, 1]]  # third class unseen
    return fit_lexical(kind, TEXTS, gold, word_features=500, char_features=800), gold


def test_char_grams_match_sklearn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    for text in [*TEXTS, "", "a", "ab  c", "no\u00a0break\u3000wide\x1cseparator \r\n\v\f end"]:
        assert char_wb_grams(text, 2, 5) == analyze(text)


@pytest.mark.parametrize("kind", ["multilabel", "multiclass"])
def test_scores_match_sklearn_features(kind):
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    head, gold = _head(kind)
    x = []
    for vocab in head.vocabularies:
        vec = TfidfVectorizer(
            analyzer=vocab.analyzer, ngram_range=vocab.ngram, sublinear_tf=True, vocabulary=vocab.index
        )
        vec.idf_ = vocab.idf
        x.append(vec.transform(TEXTS))
    logits = hstack(x).tocsr() @ head.weights.astype(np.float64) + head.bias
    expected = (
        1 / (1 + np.exp(-logits)) if kind == "multilabel" else np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    )
    got = head.scores(TEXTS)
    assert np.allclose(got, expected, atol=1e-5)
    if kind == "multilabel":
        assert (got[:, 2] < 1e-6).all()
        assert ((got[:, :2] >= 0.5) == gold[:, :2]).mean() > 0.8  # fits its own training texts
    else:
        assert (got.argmax(1) == gold.argmax(1)).all() and (got[:, 2] < 1e-6).all()


def test_save_load_roundtrip(tmp_path):
    head, _ = _head("multilabel")
    head.save(tmp_path)
    again = LexicalHead.load(tmp_path)
    assert np.allclose(again.scores(TEXTS), head.scores(TEXTS), atol=1e-3)  # weights stored in float16
    assert again.scores(["", "!!!"]).shape == (2, 3)  # no known n-gram: the bias alone
