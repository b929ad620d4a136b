"""TF-IDF + one-vs-rest logistic regression per paragraph: the reference floor for SemEval-2023 subtask 3.

Each paragraph is classified on its own text (no article context), one binary classifier per technique.
It exists so that every trained model has a cheap, reproducible number to beat on the fixed validation
split of `splits.py`. scikit-learn is optional and imported only when the baseline runs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._optional import require
from .formats import (
    ParagraphRecord,
    ParagraphRow,
    load_semeval2023,
    paragraph_rows,
    resolve_data_root,
    to_dataset_lang,
)
from .labels import SUBTASK3_TECHNIQUES
from .scorers import MultiLabelScores, paragraph_scores
from .splits import split_validation as _split_validation

logger = logging.getLogger(__name__)

__all__ = ["baseline_scores", "paragraph_baseline", "split_validation"]

FEATURE = "the TF-IDF paragraph baseline"


def split_validation(lang: str, data_root: str | Path | None = None) -> tuple[list[str], list[str]]:
    """(train_ids, validation_ids) for a SemEval-2023 language (dataset or ISO code).

    English holds out the ids of `ptc2020/dev-articles` (the 2023 English set is PTC train + dev); the
    other languages hold out a fixed 20%: sorted ids, shuffled with seed 13, the first fifth. The split
    itself lives in `splits.py`, shared with the trainers.
    """
    return _split_validation(resolve_data_root(data_root), to_dataset_lang(lang))


def paragraph_baseline(
    train_rows: Sequence[Sequence[Any]],
    val_rows: Sequence[Sequence[Any]],
    labels: Sequence[str] | None = None,
    *,
    seed: int = 13,
) -> list[ParagraphRecord]:
    """Fit on `train_rows`, predict `val_rows`; rows are (article_id, line, text, labels).

    Features: word uni+bigram TF-IDF (sublinear tf, min_df 2) plus char 2-5-gram TF-IDF within word
    boundaries, which copes with the rich morphology of de/pl/ru. Classifier: one liblinear logistic
    regression per technique with balanced class weights (most techniques are rare, so unweighted models
    predict nothing), threshold 0.5. A technique with no positive training paragraph is never predicted.
    """
    sk_fe = require("sklearn.feature_extraction.text", feature=FEATURE)
    sk_lm = require("sklearn.linear_model", feature=FEATURE)
    sk_pipe = require("sklearn.pipeline", feature=FEATURE)
    import numpy as np

    order = list(SUBTASK3_TECHNIQUES if labels is None else labels)
    rows = [ParagraphRow(str(r[0]), int(r[1]), str(r[2]), tuple(r[3])) for r in train_rows]
    val = [ParagraphRow(str(r[0]), int(r[1]), str(r[2]), tuple(r[3]) if len(r) > 3 else ()) for r in val_rows]
    if not val:
        return []
    features = sk_pipe.FeatureUnion(
        [
            (
                "word",
                sk_fe.TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200_000),
            ),
            (
                "char",
                sk_fe.TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, max_features=300_000
                ),
            ),
        ]
    )
    if not rows:
        return [ParagraphRecord(r.article_id, r.line, ()) for r in val]
    x_train = features.fit_transform([r.text for r in rows])
    x_val = features.transform([r.text for r in val])
    predicted = np.zeros((len(val), len(order)), dtype=bool)
    for j, label in enumerate(order):
        y = np.array([label in r.labels for r in rows])
        if not y.any():
            continue
        if y.all():
            predicted[:, j] = True
            continue
        clf = sk_lm.LogisticRegression(solver="liblinear", C=1.0, class_weight="balanced", random_state=seed)
        clf.fit(x_train, y)
        predicted[:, j] = clf.predict_proba(x_val)[:, 1] >= 0.5
    return [
        ParagraphRecord(r.article_id, r.line, tuple(lab for lab, on in zip(order, predicted[i], strict=True) if on))
        for i, r in enumerate(val)
    ]


def baseline_scores(lang: str, data_root: str | Path | None = None, *, zero_division: float = 1.0) -> MultiLabelScores:
    """Train the baseline on one language's training ids and score it on its validation ids."""
    data = load_semeval2023(to_dataset_lang(lang), data_root)
    train_ids, val_ids = split_validation(lang, data_root)
    train_rows = paragraph_rows(data, train_ids)
    val_rows = paragraph_rows(data, val_ids)
    logger.info("%s: %d train / %d validation paragraphs", data.lang, len(train_rows), len(val_rows))
    pred = paragraph_baseline(train_rows, val_rows)
    gold = [(r.article_id, r.line, r.labels) for r in val_rows]
    return paragraph_scores(gold, pred, zero_division=zero_division)
