"""Fit the check-worthiness head on the shared encoder's sentence features; compare it with TF-IDF + LR and
with LR on frozen e5 sentence vectors, by leave-debates-out cross-validation on CLEF 2020 Task 5.

Data: `checkworthiness-clef2020/training/*.tsv` (50 debates and speeches, one sentence a line, 1.1% labelled
check-worthy). Each debate is encoded as one text, its lines joined by newlines, so a sentence's features
(`pipeline.pooling.stretch_features`) carry its context as they do inside an article. Weak labels: the
sentences of EUvsDisinfo case summaries are check-worthy claims by construction (a disinformation claim
stated as fact), added as positives with weight `weak_weight`; they never enter a test fold.

Measures (the task's own): mean average precision over debates and mean precision in each debate's top 10,
of out-of-fold scores; folds hold whole debates (GroupKFold). C is picked by an inner leave-debates-out
cross-validation on each outer training part, so no reported figure saw its own debates.
"""

from __future__ import annotations

import csv
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._optional import require
from ..eval.claims import Debate, ranking_scores, read_debates
from ..eval.formats import resolve_data_root
from ..pipeline.encoder import EncoderModel
from ..pipeline.linear_head import LEXICAL, LinearHead, encoder_identity
from ..pipeline.pooling import stretch_features
from ..pipeline.segment import sentence_bounds
from .corpus import encode_in_groups, model_tag

logger = logging.getLogger(__name__)

OUTER_FOLDS = 5
INNER_FOLDS = 3
C_VALUES = (0.0003, 0.001, 0.003, 0.01)
SURFACE_C_VALUES = (0.01, 0.1, 1.0)  # the surface-feature head has 12 features, not an encoder's hundreds
WEAK_WEIGHTS = (0.0, 0.3)  # weight of each EUvsDisinfo sentence against a CLEF line (0: CLEF only)
BLEND = 0.5  # weight of the encoder head against the lexical head in the blended candidate (fixed, not tuned)
LEXICAL_LANGUAGE = "en"  # the language of the debates: the only one the lexical head is blended in for


def read_weak_claims(root: Path) -> list[str]:
    """Sentences of the EUvsDisinfo case summaries (each summary states a disinformation claim as fact)."""
    out = []
    with (root / "euvsdisinfo" / "full_dataset_formatted.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = " ".join((row.get("summary") or "").split())
            out.extend(text[a:b] for a, b in sentence_bounds(text, 0, len(text)) if b - a >= 20)
    return out


# --- features ------------------------------------------------------------------------------------------


def _cached(path: Path | None, build: Callable[[], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    if path is not None and path.is_file():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    arrays = build()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path.with_suffix(".tmp.npz"), **arrays)
        path.with_suffix(".tmp.npz").replace(path)
    return arrays


def encoder_features(
    model: EncoderModel, debates: list[Debate], weak: list[str], cache: Path | None
) -> tuple[list[np.ndarray], np.ndarray]:
    """([n_lines, dim] per debate, [n_weak, dim]) sentence features of the shipped encoder; `cache` is the
    model's own cache folder (`corpus.model_tag`)."""

    def build() -> dict[str, np.ndarray]:
        texts, bounds = zip(*(d.text_and_bounds() for d in debates), strict=True)
        arrays = {
            d.name: stretch_features(e, b)
            for d, e, b in zip(debates, encode_in_groups(model, list(texts), group=4), bounds, strict=True)
        }
        arrays["__weak__"] = np.concatenate(
            [stretch_features(e, [(0, len(t))]) for t, e in zip(weak, encode_in_groups(model, weak), strict=True)]
        )
        return arrays

    arrays = _cached(cache / "claims-clef2020.npz" if cache else None, build)
    return [arrays[d.name] for d in debates], arrays["__weak__"]


def frozen_features(model_dir: Path, debates: list[Debate], weak: list[str], cache: Path | None) -> tuple:
    """The same shapes from the pretrained e5 (mean-pooled, each sentence on its own, "query: " prefix; torch)."""

    def build() -> dict[str, np.ndarray]:
        from .torch_graph import TorchEncoder

        model = TorchEncoder.frozen_e5(model_dir)
        arrays = {}
        for d in [*debates, None]:
            texts = weak if d is None else d.sentences
            encodings = encode_in_groups(model, [f"query: {t}" for t in texts], group=256)
            arrays["__weak__" if d is None else d.name] = np.stack([e.vector for e in encodings])
        return arrays

    arrays = _cached(cache / "frozen-e5" / "claims-clef2020.npz" if cache else None, build)
    return [arrays[d.name] for d in debates], arrays["__weak__"]


def _tfidf(fit_texts: list[str]) -> Callable[[list[str]], object]:
    require("sklearn", feature="TF-IDF baseline")
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(fit_texts)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=200_000, sublinear_tf=True)
    char.fit(fit_texts)
    return lambda texts: hstack([word.transform(texts), char.transform(texts)]).tocsr()


# --- cross-validation -----------------------------------------------------------------------------------


@dataclass
class Setup:
    """How one model kind turns debates (by index) into a fitted scorer."""

    name: str
    fit: Callable[[list[int], float, float], Callable[[int], np.ndarray]]  # (debates, C, weak weight) -> scorer


def dense_setup(name: str, per_debate: list[np.ndarray], weak: np.ndarray, debates: list[Debate]) -> Setup:
    def fit(rows: list[int], c: float, weak_weight: float) -> Callable[[int], np.ndarray]:
        clf, mean, scale = fit_dense(per_debate, weak, debates, rows, c, weak_weight)
        return lambda i: clf.decision_function((per_debate[i] - mean) / scale)

    return Setup(name, fit)


def fit_dense(per_debate, weak, debates, rows, c, weak_weight):
    """Balanced LR on standardised features of the debates `rows` (+ weak positives) -> (clf, mean, scale)."""
    from sklearn.linear_model import LogisticRegression

    x = np.concatenate([per_debate[i] for i in rows])
    y = np.concatenate([debates[i].labels for i in rows])
    w = np.ones(len(y))
    if weak_weight > 0:
        x, y = np.concatenate([x, weak]), np.concatenate([y, np.ones(len(weak), np.int8)])
        w = np.concatenate([w, np.full(len(weak), weak_weight)])
    mean, scale = x.mean(0), x.std(0) + 1e-6
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    clf.fit((x - mean) / scale, y, sample_weight=w)
    return clf, mean, scale


def tfidf_setup(debates: list[Debate], weak: list[str]) -> Setup:
    """TF-IDF word 1-2-grams + char_wb 2-5-grams, fitted on the training debates (once per set of debates:
    every C reuses it), LR with C x 100 (sparse features want less regularisation)."""
    fitted: dict[tuple, tuple] = {}

    def fit(rows: list[int], c: float, weak_weight: float) -> Callable[[int], np.ndarray]:
        from sklearn.linear_model import LogisticRegression

        key = (tuple(rows), weak_weight)
        if key not in fitted:
            texts = [s for i in rows for s in debates[i].sentences]
            y = np.concatenate([debates[i].labels for i in rows])
            w = np.ones(len(y))
            if weak_weight > 0:
                texts, y = texts + weak, np.concatenate([y, np.ones(len(weak), np.int8)])
                w = np.concatenate([w, np.full(len(weak), weak_weight)])
            featurize = _tfidf(texts)
            fitted.clear()
            fitted[key] = (featurize, featurize(texts), y, w)
        featurize, x, y, w = fitted[key]
        clf = LogisticRegression(C=c * 100, class_weight="balanced", max_iter=3000).fit(x, y, sample_weight=w)
        return lambda i: clf.decision_function(featurize(debates[i].sentences))

    return Setup("tfidf", fit)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.log(p / (1 - p))


def blend_setup(per_debate: list[np.ndarray], weak: np.ndarray, debates: list[Debate]) -> Setup:
    """BLEND x the encoder head's probability + (1 - BLEND) x a lexical head's (`train.lexical`: TF-IDF word
    and char n-grams, as shipped heads blend them); the weight is fixed, not tuned. Scores are logits of
    the blend, like the other setups'."""
    from .lexical import fit_lexical

    lexical: dict[tuple, tuple] = {}

    def fit(rows: list[int], c: float, weak_weight: float) -> Callable[[int], np.ndarray]:
        key = tuple(rows)
        if key not in lexical:
            texts = [s for i in rows for s in debates[i].sentences]
            gold = np.concatenate([debates[i].labels for i in rows])[:, None]
            lexical.clear()
            lexical[key] = (fit_lexical("multilabel", texts, gold), {})
        head, seen = lexical[key]
        clf, mean, scale = fit_dense(per_debate, weak, debates, rows, c, weak_weight)

        def score(i: int) -> np.ndarray:
            if i not in seen:
                seen[i] = head.scores(debates[i].sentences)[:, 0]
            own = clf.predict_proba((per_debate[i] - mean) / scale)[:, 1]
            return _logit(BLEND * own + (1 - BLEND) * seen[i])

        return score

    return Setup("blend", fit)


def _folds(n: int, k: int, seed: int, rows: list[int] | None = None) -> list[list[int]]:
    rows = list(range(n)) if rows is None else list(rows)
    order = np.random.default_rng(seed).permutation(rows).tolist()
    return [sorted(order[f::k]) for f in range(k)]


def cross_validate(
    setup: Setup, debates: list[Debate], weak_weight: float, seed: int, c_values: tuple[float, ...] = C_VALUES
) -> tuple[dict, list]:
    """Out-of-fold scores of every debate (outer GroupKFold), C chosen per outer fold by inner CV."""
    require("sklearn", feature="spinscope train claims")
    scores: list[np.ndarray | None] = [None] * len(debates)
    chosen = []
    for held in _folds(len(debates), OUTER_FOLDS, seed):
        train = [i for i in range(len(debates)) if i not in held]
        inner = {}
        for c in c_values:
            inner_scores: list = [None] * len(debates)
            for inner_held in _folds(len(debates), INNER_FOLDS, seed + 1, train):
                scorer = setup.fit([i for i in train if i not in inner_held], c, weak_weight)
                for i in inner_held:
                    inner_scores[i] = scorer(i)
            inner[c] = ranking_scores([debates[i] for i in train], [inner_scores[i] for i in train])["MAP"]
        best = max(c_values, key=lambda c: inner[c])
        chosen.append(best)
        scorer = setup.fit(train, best, weak_weight)
        for i in held:
            scores[i] = scorer(i)
        logger.info("%s weak=%s fold C=%s inner MAP %s", setup.name, weak_weight, best, inner)
    result = {**ranking_scores(debates, scores), "C": chosen, "weak_weight": weak_weight}
    logger.info("%s weak=%s out-of-fold %s", setup.name, weak_weight, result)
    return result, scores


def remembered(path: Path | None, run: Callable[[], tuple[dict, list[np.ndarray]]]) -> tuple[dict, list[np.ndarray]]:
    """A cross-validation result (figures, out-of-fold scores) kept on disk, so a stopped run resumes."""
    if path is not None and path.with_suffix(".json").is_file():
        with np.load(path.with_suffix(".npz")) as z:
            scores = [z[f"s{i}"] for i in range(len(z.files))]
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8")), scores
    result, scores = run()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path.with_suffix(".npz"), **{f"s{i}": s for i, s in enumerate(scores)})
        path.with_suffix(".json").write_text(json.dumps(result), encoding="utf-8")
    return result, scores


def best_threshold(debates: list[Debate], scores: list[np.ndarray]) -> float:
    """The probability with the best F1 of check-worthy lines over all out-of-fold scores (the default cut)."""
    prob = 1 / (1 + np.exp(-np.concatenate(scores)))
    gold = np.concatenate([d.labels for d in debates]) == 1
    best, cut = 0.0, 0.5
    for t in np.arange(0.5, 0.99, 0.01):
        pred = prob >= t
        tp = float((pred & gold).sum())
        f1 = 2 * tp / (pred.sum() + gold.sum()) if tp else 0.0
        if f1 > best:
            best, cut = f1, round(float(t), 2)
    return cut


def train_claims(model_dir: Path, out: Path, data_root: Path | None = None, cache: Path | None = None, *, seed: int):
    """Cross-validate the encoder head (with and without weak labels), TF-IDF + LR and frozen e5 + LR; fit
    the encoder head on all debates with the C most folds chose and write it to `out` (head.npz, head.json,
    metrics.json, MODEL_CARD.md)."""
    from importlib.util import find_spec

    from .cards import write_claims_card

    root = resolve_data_root(data_root)
    debates, weak = read_debates(root), read_weak_claims(root)
    model = EncoderModel(model_dir)
    mine = cache / model_tag(model_dir) if cache else None  # this model's encodings and results
    per_debate, weak_x = encoder_features(model, debates, weak, mine)
    results: dict[str, dict] = {}
    oof = {}
    kept = mine / f"claims-cv-seed{seed}" if mine else None
    for weak_weight in WEAK_WEIGHTS:
        key = "encoder_head" + (f"+weak{weak_weight}" if weak_weight else "")
        setup = dense_setup("encoder", per_debate, weak_x, debates)
        results[key], oof[key] = remembered(
            kept / key.replace(".", "_") if kept else None,
            lambda s=setup, w=weak_weight: cross_validate(s, debates, w, seed),
        )
    results["tfidf"], _ = remembered(
        kept / "tfidf" if kept else None, lambda: cross_validate(tfidf_setup(debates, weak), debates, 0.0, seed)
    )
    results["encoder_head+lexical"], oof["encoder_head+lexical"] = remembered(
        kept / "blend" if kept else None,
        lambda: cross_validate(blend_setup(per_debate, weak_x, debates), debates, 0.0, seed),
    )
    if find_spec("torch") is not None:
        frozen, frozen_weak = frozen_features(model_dir, debates, weak, cache)
        setup = dense_setup("frozen", frozen, frozen_weak, debates)
        results["frozen_e5"], _ = remembered(
            kept / "frozen_e5" if kept else None, lambda: cross_validate(setup, debates, 0.0, seed)
        )
    shipped = max((k for k in results if k.startswith("encoder_head")), key=lambda k: results[k]["MAP"])
    weak_weight = results[shipped]["weak_weight"]
    c = max(set(results[shipped]["C"]), key=results[shipped]["C"].count)
    every = list(range(len(debates)))
    clf, mean, scale = fit_dense(per_debate, weak_x, debates, every, c, weak_weight)
    # the cut of the encoder head alone serves every language; English, where the lexical head is blended in
    # (it was fitted on English debates), gets the blend's own cut
    alone = "encoder_head" + (f"+weak{weak_weight}" if weak_weight else "")
    thresholds = {"default": [best_threshold(debates, oof[alone])]}
    if shipped.endswith("+lexical"):
        thresholds[LEXICAL_LANGUAGE] = [best_threshold(debates, oof[shipped])]
    head = LinearHead(
        ["checkworthy"],
        "multilabel",
        mean,
        scale,
        clf.coef_.T,
        clf.intercept_,
        thresholds,
        encoder_identity(model.config),
    )
    if shipped.endswith("+lexical"):
        from .lexical import fit_lexical

        texts = [s for d in debates for s in d.sentences]
        gold = np.concatenate([d.labels for d in debates])[:, None]
        head.lexical, head.blend = fit_lexical("multilabel", texts, gold), BLEND
    shutil.rmtree(out / LEXICAL, ignore_errors=True)
    head.save(out)
    metrics = {
        "task": "claims",
        "measure": "MAP and P@10 over CLEF 2020 Task 5 training debates, leave-debates-out",
        "folds": OUTER_FOLDS,
        "inner_folds": INNER_FOLDS,
        "shipped": shipped,
        "C": c,
        "thresholds": thresholds,
        "weak_sentences": len(weak),
        **results,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    metrics["verifiable"] = train_verifiable(debates, out, seed=seed)
    write_claims_card(out, metrics)
    return metrics


def verifiable_features(debates: list[Debate]) -> list[np.ndarray]:
    """Each debate's sentences as `pipeline.verifiable` features (English cues)."""
    from ..pipeline.sourcing import load_lexicon
    from ..pipeline.verifiable import sentence_features

    lexicon = load_lexicon()
    return [np.array([sentence_features(s, 0, len(s), "en", lexicon) for s in d.sentences]) for d in debates]


def train_verifiable(debates: list[Debate], out: Path, *, seed: int) -> dict:
    """Cross-validate and fit the surface-feature head (`pipeline.verifiable`) that scores check-worthiness
    outside English; writes `verifiable.json` into `out` and returns its figures."""
    from ..pipeline.verifiable import VerifiableHead

    per_debate = verifiable_features(debates)
    no_weak = np.zeros((0, per_debate[0].shape[1]))
    setup = dense_setup("verifiable", per_debate, no_weak, debates)
    result, oof = cross_validate(setup, debates, 0.0, seed, SURFACE_C_VALUES)
    c = max(set(result["C"]), key=result["C"].count)
    clf, mean, scale = fit_dense(per_debate, no_weak, debates, list(range(len(debates))), c, 0.0)
    result["threshold"] = best_threshold(debates, oof)
    VerifiableHead(mean, scale, clf.coef_[0], float(clf.intercept_[0]), result["threshold"]).save(out, result)
    return result
