"""Fit lexical heads (`pipeline.lexical`): TF-IDF n-grams + logistic regression, blended with encoder heads.

The features are the TF-IDF baseline's (word 1-2-grams and char_wb 2-5-grams, sublinear tf), fitted on
the training texts of all languages together, with vocabularies capped so that a head stays a few MB.
Multilabel heads are one liblinear regression per label, multiclass heads one softmax regression; both
with balanced class weights, as in the baseline. The blend weight of the encoder head is picked on the
validation split from BLENDS (1.0 = the encoder head alone, chosen on ties).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .._optional import require
from ..pipeline.lexical import LexicalHead, Vocabulary

BLENDS = (1.0, 0.8, 0.7, 0.6, 0.5)
WORD_FEATURES = 50_000
CHAR_FEATURES = 50_000
LEXICAL_C = 1.0


def fit_lexical(
    kind: str,
    texts: Sequence[str],
    gold: np.ndarray,
    *,
    word_features: int = WORD_FEATURES,
    char_features: int = CHAR_FEATURES,
    c: float = LEXICAL_C,
    balanced: bool = True,
) -> LexicalHead:
    """`gold`: multi-hot [n, labels] for "multilabel", one-hot [n, labels] for "multiclass"; `balanced`: class
    weights inverse to the classes' frequencies (as the TF-IDF baseline), else every row weighs the same."""
    require("sklearn", feature="spinscope train (lexical heads)")
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    min_df = 2 if len(texts) > 20 else 1
    vectorizers = [
        TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True, max_features=word_features),
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=min_df, sublinear_tf=True, max_features=char_features
        ),
    ]
    x = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    n_labels = gold.shape[1]
    weighting = "balanced" if balanced else None
    weights, bias = np.zeros((x.shape[1], n_labels), np.float32), np.full(n_labels, -30.0)
    if kind == "multilabel":
        for k in range(n_labels):
            y = gold[:, k].astype(bool)
            if y.all():
                bias[k] = 30.0
            elif y.any():
                clf = LogisticRegression(solver="liblinear", C=c, class_weight=weighting).fit(x, y)
                weights[:, k], bias[k] = clf.coef_[0], clf.intercept_[0]
    else:
        y = gold.argmax(1)
        present = np.unique(y)
        if len(present) == 1:
            bias[present] = 30.0
        else:
            clf = LogisticRegression(C=c, class_weight=weighting, max_iter=2000).fit(x, y)
            coef, intercept = clf.coef_, clf.intercept_
            if len(present) == 2:  # binary form: softmax([0, w.x + b])
                coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.r_[0.0, intercept]
            weights[:, clf.classes_], bias[clf.classes_] = coef.T, intercept
    vocabularies = [
        Vocabulary(v.analyzer, tuple(v.ngram_range), {t: int(i) for t, i in v.vocabulary_.items()}, v.idf_)
        for v in vectorizers
    ]
    return LexicalHead(kind, vocabularies, weights, bias)


def choose_blend(own: np.ndarray, lexical: np.ndarray, score: Callable[[np.ndarray], float]) -> tuple[float, dict]:
    """The weight w of `own` scores maximising score(w * own + (1 - w) * lexical), and every weight's score."""
    tried = {w: round(float(score(w * own + (1 - w) * lexical)), 4) for w in BLENDS}
    return max(tried, key=tried.__getitem__), tried
