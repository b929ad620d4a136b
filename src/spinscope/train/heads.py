"""Fit the frames and genre heads on article vectors of the shipped encoder, and compare them with TF-IDF.

Data: SemEval-2023 Task 3 subtask 1 (genre) and subtask 2 (frames) labels of the six languages; the texts
are the subtask-3 articles (same ids). Train/validation: the fixed split of `spinscope.eval.splits`. The
heads are logistic regressions fitted jointly on all languages (scikit-learn, class weights balanced);
frame thresholds are tuned per frame on the pooled validation articles. Genre is also scored by 5-fold
cross-validation over all labelled articles (`cross_validated_genre`), reported only. Torch-free: vectors
come from the ONNX encoder.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from .._optional import require
from ..eval.formats import load_semeval2023, read_article_labels, resolve_data_root
from ..eval.scorers import document_scores
from ..eval.splits import SEMEVAL_LANGS, split_validation
from ..pipeline.encoder import Encoding
from ..pipeline.linear_head import LEXICAL, LinearHead, encoder_identity
from .cards import write_head_card
from .corpus import corpus_articles, encode_corpus, encode_in_groups
from .lexical import choose_blend, fit_lexical
from .thresholds import grid_thresholds

logger = logging.getLogger(__name__)

GRID = tuple(round(float(t), 2) for t in np.arange(0.1, 0.91, 0.05))
C_VALUES = (0.03, 0.1, 0.3, 1.0)
CV_FOLDS = 5


@dataclass
class Articles:
    """Labelled articles of one task across languages, in a fixed order."""

    ids: list[str]  # "<lang>/<id>"
    langs: list[str]
    texts: list[str]
    labels: list[list[str]]
    is_val: np.ndarray


def read_task(task: str, data_root: Path) -> Articles:
    ids, langs, texts, labels, is_val = [], [], [], [], []
    for lang in SEMEVAL_LANGS:
        data = load_semeval2023(lang, data_root)
        held = set(split_validation(data_root, lang)[1])
        for aid, names in read_article_labels(data, task).items():
            ids.append(f"{lang}/{aid}")
            langs.append(lang)
            texts.append(data.text(aid))
            labels.append(names)
            is_val.append(aid in held)
    return Articles(ids, langs, texts, labels, np.array(is_val))


def article_vectors(articles: Articles, encodings: dict[str, Encoding]) -> np.ndarray:
    """[n, hidden] article vectors of the shared encoder pass (see `train.corpus`)."""
    return np.stack([encodings[aid].vector for aid in articles.ids])


def frozen_vectors(model_dir: Path, articles: Articles, cache: Path | None = None) -> np.ndarray:
    """[n, hidden] mean-pooled embeddings of the pretrained (not fine-tuned) e5 encoder, cached (torch)."""
    path = cache / "vectors-frozen-e5.npz" if cache else None
    known: dict[str, np.ndarray] = {}
    if path is not None and path.is_file():
        with np.load(path) as stored:
            known = dict(zip(stored["ids"].tolist(), stored["vectors"], strict=True))
    missing = [i for i, aid in enumerate(articles.ids) if aid not in known]
    if missing:
        from .torch_graph import TorchEncoder

        model = TorchEncoder.frozen_e5(model_dir)
        for i, enc in zip(missing, encode_in_groups(model, [articles.texts[i] for i in missing]), strict=True):
            known[articles.ids[i]] = enc.vector
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path, ids=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[aid] for aid in articles.ids])


def _binarize(labels: list[list[str]], names: list[str]) -> np.ndarray:
    return np.array([[n in row for n in names] for row in labels], dtype=int)


def _scores_by_lang(
    articles: Articles, pred: list[list[str]], names: list[str], multiclass: bool, rows: np.ndarray | None = None
) -> dict[str, float]:
    """frames: micro-F1; genre: macro-F1 (the official subtask measures, with the official scorer's
    zero_division=1: a genre neither gold nor predicted in a language counts 1.0), per language on `rows`
    (default: the validation articles)."""
    rows = np.flatnonzero(articles.is_val) if rows is None else rows
    out = {}
    for lang in SEMEVAL_LANGS:
        mine = [i for i in rows if articles.langs[i] == lang]
        gold = {articles.ids[i]: articles.labels[i] for i in mine}
        guess = {articles.ids[i]: pred[i] for i in mine}
        res = document_scores(gold, guess, names)
        out[lang] = round(res.macro_f1 if multiclass else res.micro.f1, 4)
    return out


def _judge(task: str, proba: np.ndarray, articles: Articles, names: list[str]) -> tuple[float, dict, np.ndarray]:
    """Validation probabilities [validation articles, labels] -> (score over all validation articles, score
    per language, frame thresholds tuned on them; zeros for genre, which takes the most probable label)."""
    val = np.flatnonzero(articles.is_val)
    if task == "genre":
        thresholds = np.zeros(len(names))
        pred = [[names[k]] for k in proba.argmax(1)]
    else:
        thresholds = grid_thresholds(proba, _binarize(articles.labels, names)[val] == 1, GRID, 0.5)
        pred = [[n for n, p, t in zip(names, row, thresholds, strict=True) if p >= t] for row in proba]
    res = document_scores({i: articles.labels[i] for i in val}, dict(zip(val, pred, strict=True)), names)
    full = [[]] * len(articles.ids)
    for i, row in zip(val, pred, strict=True):
        full[i] = row
    by_lang = _scores_by_lang(articles, full, names, task == "genre")
    return (res.macro_f1 if task == "genre" else res.micro.f1), by_lang, thresholds


def _fitted(task: str, c: float, features: np.ndarray, gold: np.ndarray) -> object:
    """Balanced logistic regression on multi-hot `gold` [n, labels]: softmax over genres, one per frame."""
    require("sklearn", feature="spinscope train frames/genre")
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    if task == "genre":
        return LogisticRegression(C=c, class_weight="balanced", max_iter=2000).fit(features, gold.argmax(1))
    return OneVsRestClassifier(LogisticRegression(C=c, class_weight="balanced", max_iter=2000)).fit(features, gold)


def fit_head(task: str, features: np.ndarray, articles: Articles, names: list[str]) -> tuple[object, np.ndarray]:
    """Logistic regression (C picked on validation) -> (classifier, validation decision thresholds)."""
    train, val = ~articles.is_val, articles.is_val
    gold = _binarize(articles.labels, names)[train]
    best = None
    for c in C_VALUES:
        clf = _fitted(task, c, features[train], gold)
        score, _, thresholds = _judge(task, clf.predict_proba(features[val]), articles, names)
        logger.info("%s C=%s validation %.4f", task, c, score)
        if best is None or score > best[0]:
            best = (score, clf, thresholds)
    return best[1], best[2]


def tfidf_features(texts: list[str], fit: np.ndarray) -> np.ndarray:
    """The baseline's features of all `texts`: word 1-2-grams and char 2-5-grams fitted on the texts at the
    indices `fit`."""
    require("sklearn", feature="TF-IDF baseline")
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    train = [texts[i] for i in fit]
    word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=100_000, sublinear_tf=True).fit(train)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=100_000, sublinear_tf=True)
    char.fit(train)
    return hstack([word.transform(texts), char.transform(texts)]).tocsr()


def _linear_head(task: str, clf: object, mean: np.ndarray, scale: np.ndarray, names: list[str]) -> LinearHead:
    if task == "genre":
        weights, bias = clf.coef_.T, clf.intercept_
    else:
        weights = np.stack([e.coef_[0] for e in clf.estimators_], axis=1)
        bias = np.array([e.intercept_[0] for e in clf.estimators_])
    return LinearHead(names, "multiclass" if task == "genre" else "multilabel", mean, scale, weights, bias)


def _standardised(vectors: np.ndarray, fit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vectors standardised with the mean and scale of vectors[fit], mean, scale)."""
    mean, scale = vectors[fit].mean(0), vectors[fit].std(0) + 1e-6
    return (vectors - mean) / scale, mean, scale


def _fit_on_vectors(task: str, vectors: np.ndarray, articles: Articles, names: list[str]) -> tuple:
    """Standardised vectors -> (validation scores per language, classifier, thresholds, mean, scale)."""
    features, mean, scale = _standardised(vectors, ~articles.is_val)
    clf, thresholds = fit_head(task, features, articles, names)
    return _judge(task, clf.predict_proba(features[articles.is_val]), articles, names)[1], clf, thresholds, mean, scale


def cross_validated_genre(
    featurize: Callable[[np.ndarray], np.ndarray], articles: Articles, names: list[str], c: float, seed: int
) -> dict[str, float]:
    """Genre macro-F1 per language of out-of-fold predictions over every labelled article, training and
    validation together (CV_FOLDS folds stratified by language and genre, shuffled with `seed`; logistic
    regression with C = `c`).
    `featurize(fit)`: the features of all articles, fitted on the articles at the indices `fit` only.

    The fixed split holds one to three satire articles per language, so one article moves its macro-F1 by
    0.1-0.3; this figure rests on all of them (reported beside it, not used to pick anything)."""
    require("sklearn", feature="spinscope train genre")
    from sklearn.model_selection import StratifiedKFold

    gold = _binarize(articles.labels, names)
    strata = np.array([f"{lang}/{row.argmax()}" for lang, row in zip(articles.langs, gold, strict=True)], object)
    kinds, counts = np.unique(strata, return_counts=True)
    strata[np.isin(strata, kinds[counts < CV_FOLDS])] = "rare"
    pred: list[list[str]] = [[] for _ in articles.ids]
    for fit, held in StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed).split(strata, strata):
        features = featurize(fit)
        clf = _fitted("genre", c, features[fit], gold[fit])
        for i, k in zip(held, clf.predict_proba(features[held]).argmax(1), strict=True):
            pred[i] = [names[clf.classes_[k]]]
    return _scores_by_lang(articles, pred, names, True, rows=np.arange(len(articles.ids)))


def _blend_lexical(task: str, head: LinearHead, vectors: np.ndarray, articles: Articles) -> dict:
    """Fit a lexical head on the training texts and blend it into `head` where that scores higher on
    validation (mean over languages); set the frame thresholds on the blended scores. -> what was tried."""
    train, val = ~articles.is_val, articles.is_val
    texts = np.array(articles.texts, dtype=object)
    gold = _binarize(articles.labels, head.labels).astype(bool)
    lexical = fit_lexical(head.kind, list(texts[train]), gold[train])
    own, lexical_val = head.scores(vectors[val]), lexical.scores(list(texts[val]))
    head.blend, tried = choose_blend(
        own, lexical_val, lambda s: np.mean([*_judge(task, s, articles, head.labels)[1].values()])
    )
    blended = head.blend * own + (1 - head.blend) * lexical_val
    head.lexical = lexical if head.blend < 1.0 else None
    _, by_lang, thresholds = _judge(task, blended, articles, head.labels)
    head.thresholds = {"default": [float(t) for t in thresholds]} if task == "frames" else {}
    logger.info("%s: blend weight %s of the encoder head (mean score per weight %s)", task, head.blend, tried)
    return {"weight": head.blend, "tried": tried, "scores": by_lang}


def train_head(
    task: str,
    model_dir: Path,
    out: Path,
    data_root: Path | None = None,
    cache: Path | None = None,
    *,
    seed: int,
) -> dict:
    """Fit the head of `task` on the encoder in `model_dir`, blend in a lexical head where it helps,
    compare with TF-IDF and (where torch is installed) with the same head on frozen e5 embeddings, and
    write it to `out`.

    Article vectors come from the shared corpus encoding (`train.corpus`); `seed` (the settings' `seed`)
    shuffles the cross-validation folds.
    """
    root = resolve_data_root(data_root)
    names = _label_names(task)
    articles = read_task(task, root)
    encodings = encode_corpus(model_dir, corpus_articles(root), cache, splits=("train", "val"))
    vectors = article_vectors(articles, encodings)
    encoder_config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    encoder_only, clf, _, mean, scale = _fit_on_vectors(task, vectors, articles, names)
    head = _linear_head(task, clf, mean, scale, names)
    blend = _blend_lexical(task, head, vectors, articles)
    tfidf = tfidf_features(articles.texts, np.flatnonzero(~articles.is_val))
    base_clf, _ = fit_head(task, tfidf, articles, names)
    compared = {
        "encoder_head": encoder_only,
        "tfidf": _judge(task, base_clf.predict_proba(tfidf[articles.is_val]), articles, names)[1],
    }
    if task == "genre":
        cv = {
            "encoder_head": (lambda fit: _standardised(vectors, fit)[0], clf.C),
            "tfidf": (lambda fit: tfidf_features(articles.texts, fit), base_clf.C),
        }
        compared["cross_validated"] = {
            k: cross_validated_genre(f, articles, names, c, seed) for k, (f, c) in cv.items()
        }
        compared["cross_validated"]["encoder_saw_training_labels"] = bool(encoder_config.get("article_loss"))
    if find_spec("torch") is not None:
        compared["frozen_e5"] = _fit_on_vectors(task, frozen_vectors(model_dir, articles, cache), articles, names)[0]
    head.encoder = encoder_identity(encoder_config)
    shutil.rmtree(out / LEXICAL, ignore_errors=True)
    head.save(out)
    metrics = {
        "task": task,
        "measure": "macro-F1" if task == "genre" else "micro-F1",
        "head": blend["scores"],
        "blend": {"weight": blend["weight"], "tried": blend["tried"]},
        **compared,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    write_head_card(task, out, metrics, head, CV_FOLDS)
    return metrics


def _label_names(task: str) -> list[str]:
    from ..labels import FRAMES, GENRES

    return list(FRAMES) if task == "frames" else list(GENRES)
