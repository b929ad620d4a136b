"""`spinscope train narratives`: the SemEval-2025 Task 10 subtask-2 narrative heads, on the shared encoder.

Data: `narratives-semeval2025/documents.jsonl` (EN, BG, PT, HI, RU; original text and/or the English MT).
Each available version of a document is one training example (grouped by document in every split), encoded
once by the shipped encoder (`runs/encoded/<model_tag>/narratives.npz`). The held-out quarter of the
documents (`is_held_out`, by id hash) is never used for fitting or choosing settings; settings are chosen by
cross-validation on the rest, grouped by document, and the held-out figures are reported beside the CV ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from ..eval.narratives import DATA, NarrativeDoc, is_held_out, read_documents
from ..labels import OTHER
from ..pipeline.encoder import EncoderModel
from ..pipeline.narratives import Taxonomy, text_features
from ..pipeline.pooling import stretch_features
from .claims import _cached
from .corpus import encode_in_groups
from .narrative_domain import fit_domain

DOMAINS = ("CC: ", "URW: ")


@dataclass(frozen=True)
class View:
    """One text of a document the heads are fitted or scored on: its original or its English MT."""

    doc: int  # index into the documents
    english: bool  # the text is English (an English original or the MT)
    mt: bool
    text: str


def read_taxonomy(root: Path) -> tuple[list[str], list[str]]:
    """(narratives incl. Other, sub-narratives with their full "<narrative>: <sub>" path incl. each "...: Other")."""
    taxonomy = json.loads((root / DATA / "taxonomy.json").read_text(encoding="utf-8"))["narratives"]
    narratives = sorted(n for n in taxonomy if n.startswith(DOMAINS))  # it also holds a stray "Unnamed: 0"
    subs = sorted(f"{n}: {s}" for n in narratives for s in taxonomy[n])
    return [*narratives, OTHER], subs


def views_of(docs: list[NarrativeDoc]) -> list[View]:
    out = []
    for i, d in enumerate(docs):
        if d.text:
            out.append(View(i, d.lang == "en", False, d.text))
        if d.text_en and d.lang != "en":
            out.append(View(i, True, True, d.text_en))
    return out


def encoder_features(model: EncoderModel, texts: list[str], cache: Path | None, name: str) -> np.ndarray:
    """[n_texts, hidden] whole-text features of the shipped encoder pass (`pipeline.narratives.text_features`:
    the mean middle-layer state), remembered in `cache`/`name`."""

    def build() -> dict[str, np.ndarray]:
        encodings = encode_in_groups(model, texts, group=8)
        return {"features": np.vstack([text_features(e, [(0, len(t))]) for e, t in zip(encodings, texts, strict=True)])}

    return _cached(cache / name if cache else None, build)["features"]


def last_layer_features(model: EncoderModel, views: list[View], cache: Path | None) -> np.ndarray:
    """[n_views, feature_size] whole-text features of the last layer (`pooling.stretch_features`: mean, first and
    last state, technique probabilities, length), for comparison: what the head read before."""

    def build() -> dict[str, np.ndarray]:
        encodings = encode_in_groups(model, [v.text for v in views], group=8)
        rows = [stretch_features(e, [(0, len(v.text))])[0] for e, v in zip(encodings, views, strict=True)]
        return {"features": np.stack(rows)}

    return _cached(cache / "narratives.npz" if cache else None, build)["features"]


CENTRE_ARTICLES = 60  # SemEval-2023 articles per language whose features give its centre
CENTRED_ELSEWHERE = ("de", "fr", "it", "pl")  # served languages without narratives data, with SemEval-2023 articles
BORROWED = {"uk": ("ru",), "es": ("it", "fr", "pt")}  # no text of their own here: the centre of close languages


def view_language(corpus: Corpus, row: int) -> str:
    view = corpus.views[row]
    return "en" if view.english else corpus.docs[view.doc].lang


def language_centres(
    model: EncoderModel, corpus: Corpus, features: np.ndarray, data_root: Path, cache: Path | None
) -> dict[str, np.ndarray]:
    """The mean whole-text features of each language: of the training texts (English MT counts as English),
    of the first CENTRE_ARTICLES SemEval-2023 articles of `CENTRED_ELSEWHERE`, borrowed for `BORROWED`, and
    their mean as "default" (Arabic and every other language). No label is used."""
    from ..eval.formats import load_semeval2023

    langs = np.array([view_language(corpus, r) for r in range(len(corpus.views))])
    centres = {lang: features[langs == lang].mean(0) for lang in sorted(set(langs))}

    for lang in CENTRED_ELSEWHERE:
        data = load_semeval2023(lang, data_root)
        texts = [data.text(aid) for aid in data.article_ids[:CENTRE_ARTICLES]]
        centres[lang] = encoder_features(model, texts, cache, f"centre-middle-{lang}.npz").mean(0)
    for lang, donors in BORROWED.items():
        centres[lang] = np.mean([centres[d] for d in donors], axis=0)
    centres["default"] = np.mean(list(centres.values()), axis=0)
    return centres


def centred(corpus: Corpus, features: np.ndarray, centres: dict[str, np.ndarray]) -> np.ndarray:
    return features - np.stack([centres[view_language(corpus, r)] for r in range(len(corpus.views))])


def frozen_features(model_dir: Path, views: list[View], cache: Path | None) -> np.ndarray:
    """[n_views, 384] article vectors of the pretrained e5 (mean over its windows; torch), for comparison."""

    def build() -> dict[str, np.ndarray]:
        from .torch_graph import TorchEncoder

        model = TorchEncoder.frozen_e5(model_dir)
        return {"vectors": np.stack([e.vector for e in encode_in_groups(model, [v.text for v in views], group=8)])}

    return _cached(cache / "frozen-e5" / "narratives.npz" if cache else None, build)["vectors"]


def binarize(docs: list[NarrativeDoc], names: list[str], labels: Callable[[NarrativeDoc], frozenset[str]]):
    return np.array([[n in labels(d) for n in names] for d in docs], dtype=np.int8)


# --- fitting and decoding -------------------------------------------------------------------------------


def fit_multilabel(x: np.ndarray, y: np.ndarray, l2: float, iters: int = 300, lr: float = 0.05):
    """One logistic regression per label column, fitted jointly by full-batch Adam on standardised features
    (numpy; seconds for all 117 labels). Returns (mean, scale, weights [dim, labels], bias [labels])."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = (x - mean) / scale
    n, dim = z.shape
    pos = y.mean(0).clip(1 / n, 1 - 1 / n)
    w, b = np.zeros((dim, y.shape[1]), np.float32), np.log(pos / (1 - pos)).astype(np.float32)
    moments = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    for step in range(1, iters + 1):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        gw, gb = z.T @ (p - y) / n + l2 * w, (p - y).mean(0)
        for k, (g, param) in enumerate(((gw, w), (gb, b))):
            m, v = moments[2 * k], moments[2 * k + 1]
            m[:] = 0.9 * m + 0.1 * g
            v[:] = 0.999 * v + 0.001 * g * g
            param -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return mean, scale, w, b


def apply_multilabel(params, x: np.ndarray) -> np.ndarray:
    mean, scale, w, b = params
    return 1 / (1 + np.exp(-(((x - mean) / scale) @ w + b)))


class Hierarchy(Taxonomy):
    """`pipeline.narratives.Taxonomy`'s decoding rule on whole score matrices, for choosing the cuts: masks
    [n, narratives] and [n, subs + 1] (the last column is the document-level `Other`)."""

    def __init__(self, narratives: list[str], subs: list[str]) -> None:
        super().__init__([*narratives, *subs])
        self.fallback = np.array([subs.index(f"{n}: Other") if n != OTHER else -1 for n in narratives])

    def masks(
        self, narr, sub, t_other: float, t_narr: float, t_sub: float, t_cross: float = 1.01
    ) -> tuple[np.ndarray, np.ndarray]:
        lifted = self.lifted(narr, sub)
        lifted[:, self.other] = -1.0
        keep = lifted >= t_narr
        lead = self.domain[lifted.argmax(1)]
        keep &= (self.domain[None, :] == lead[:, None]) | (lifted >= t_cross)
        is_other = (narr[:, self.other] >= t_other) | ~keep.any(1)
        keep[is_other] = False
        keep[is_other, self.other] = True
        fine = np.zeros((len(narr), len(self.subs) + 1), bool)
        fine[:, :-1] = (sub >= t_sub) & self.named & keep[:, self.parent]
        for i in range(len(self.narratives)):
            if i != self.other:
                rows = keep[:, i] & ~fine[:, :-1][:, self.parent == i].any(1)
                fine[rows, self.fallback[i]] = True
        fine[is_other, -1] = True
        return keep, fine


def masked_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    """samples-F1 of multi-hot matrices."""
    inter = (gold & pred).sum(1)
    size = gold.sum(1) + pred.sum(1)
    return float(np.mean(np.where(size > 0, 2 * inter / np.maximum(size, 1), 1.0)))


# --- cross-validation -----------------------------------------------------------------------------------

FOLDS = 5
L2_GRID = (3e-2, 1e-1, 3e-1, 1.0)
T_GRID = tuple(np.round(np.arange(0.05, 0.91, 0.05), 2))


@dataclass
class Corpus:
    docs: list[NarrativeDoc]
    views: list[View]
    narratives: list[str]
    subs: list[str]
    _gold: dict[bytes, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @cached_property
    def hierarchy(self) -> Hierarchy:
        return Hierarchy(self.narratives, self.subs)

    def gold(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Multi-hot (narratives, sub-narratives) of the views at `rows` (kept: the cut search asks thousands
        of times for the same rows)."""
        key = np.asarray(rows, dtype=np.int64).tobytes()
        if key not in self._gold:
            docs = [self.docs[self.views[r].doc] for r in rows]
            narratives = binarize(docs, self.narratives, lambda d: d.narratives)
            self._gold[key] = narratives, binarize(docs, self.subs, lambda d: d.subnarratives)
        return self._gold[key]

    def gold_sets(self, rows: np.ndarray) -> tuple[list[set[str]], list[set[str]]]:
        docs = [self.docs[self.views[r].doc] for r in rows]
        return [set(d.narratives) for d in docs], [set(d.subnarratives) for d in docs]

    def doc_folds(self, rows: np.ndarray, seed: int) -> list[np.ndarray]:
        """FOLDS groups of `rows`, all views of a document in the same group."""
        docs = sorted({self.views[r].doc for r in rows})
        order = np.random.default_rng(seed).permutation(len(docs))
        fold_of = {docs[i]: k % FOLDS for k, i in enumerate(order)}
        return [np.array([r for r in rows if fold_of[self.views[r].doc] == k]) for k in range(FOLDS)]


Scorer = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]  # (fit rows, score rows) -> scores


def dense_scorer(corpus: Corpus, x: np.ndarray, l2: float) -> Scorer:
    def run(fit: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        yn, ys = corpus.gold(fit)
        both = fit_multilabel(x[fit], np.hstack([yn, ys]).astype(np.float32), l2)
        out = apply_multilabel(both, x[score])
        return out[:, : yn.shape[1]], out[:, yn.shape[1] :]

    return run


def lexical_scorer(corpus: Corpus) -> Scorer:
    from .lexical import fit_lexical

    def run(fit: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        yn, ys = corpus.gold(fit)
        head = fit_lexical("multilabel", [corpus.views[r].text for r in fit], np.hstack([yn, ys]))
        out = head.scores([corpus.views[r].text for r in score])
        return out[:, : yn.shape[1]], out[:, yn.shape[1] :]

    return run


def out_of_fold(scorer: Scorer, corpus: Corpus, rows: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every row in `rows` from heads fitted on the other folds."""
    narr, sub = np.zeros((len(rows), len(corpus.narratives))), np.zeros((len(rows), len(corpus.subs)))
    where = {r: i for i, r in enumerate(rows)}
    for held in corpus.doc_folds(rows, seed):
        fit = np.setdiff1d(rows, held)
        n, s = scorer(fit, held)
        idx = [where[r] for r in held]
        narr[idx], sub[idx] = n, s
    return narr, sub


def judged(corpus: Corpus, rows: np.ndarray, narr, sub, cuts: tuple[float, ...]) -> dict[str, float]:
    gold_n, gold_s = corpus.gold(rows)
    gold_s = np.hstack([gold_s, gold_n[:, [corpus.narratives.index(OTHER)]]]).astype(bool)
    keep, fine = corpus.hierarchy.masks(narr, sub, *cuts)
    return {"coarse": round(masked_f1(gold_n.astype(bool), keep), 4), "fine": round(masked_f1(gold_s, fine), 4)}


def best_thresholds(corpus: Corpus, rows: np.ndarray, narr, sub) -> tuple[float, float, float, float]:
    """The (Other, narrative, sub-narrative) cuts maximising coarse + fine samples-F1 on these rows, then the
    cross-domain cut (a narrative of the other domain than the article's best one) chosen with them fixed."""
    grid = [(to, tn, ts) for to in (*T_GRID, 1.01) for tn in T_GRID for ts in T_GRID]
    cuts = max(grid, key=lambda t: sum(judged(corpus, rows, narr, sub, t).values()))
    crossing = [c for c in (*T_GRID, 1.01) if c >= cuts[1]]
    return max(((*cuts, c) for c in crossing), key=lambda t: sum(judged(corpus, rows, narr, sub, t).values()))


def primary(corpus: Corpus, rows: np.ndarray, english_only: bool = False) -> np.ndarray:
    """The view each document is judged on: its original text where there is one, else its English MT."""
    has_original = {v.doc for v in corpus.views if not v.mt}
    keep = [
        r
        for r in rows
        if (not corpus.views[r].mt or corpus.views[r].doc not in has_original)
        and (not english_only or corpus.docs[corpus.views[r].doc].lang == "en")
    ]
    return np.array(keep, dtype=int)


@dataclass
class Result:
    """One setup's out-of-fold scores on the pool, the cuts chosen there, and its held-out scores."""

    setting: object
    cuts: tuple[float, ...]
    cv: dict[str, dict[str, float]]
    held_out: dict[str, dict[str, float]]
    oof: tuple[np.ndarray, np.ndarray]
    pool: np.ndarray
    held_scores: tuple[np.ndarray, np.ndarray]
    held: np.ndarray


def assess(corpus: Corpus, scorer: Scorer, pool: np.ndarray, held: np.ndarray, seed: int, setting=None) -> Result:
    """CV on `pool` (cuts chosen on its out-of-fold scores), then heads fitted on all of `pool` scored on
    `held`; both judged on each document's primary view, for all languages and for English."""
    narr, sub = out_of_fold(scorer, corpus, pool, seed)
    where = {r: i for i, r in enumerate(pool)}
    judge_rows = primary(corpus, pool)
    pick = [where[r] for r in judge_rows]
    cuts = best_thresholds(corpus, judge_rows, narr[pick], sub[pick])
    cv, held_out = {}, {}
    fitted_n, fitted_s = scorer(pool, held) if len(held) else (None, None)
    held_where = {r: i for i, r in enumerate(held)}
    for name, english in (("all", False), ("en", True)):
        rows = primary(corpus, pool, english)
        idx = [where[r] for r in rows]
        cv[name] = judged(corpus, rows, narr[idx], sub[idx], cuts)
        rows = primary(corpus, held, english)
        idx = [held_where[r] for r in rows]
        held_out[name] = judged(corpus, rows, fitted_n[idx], fitted_s[idx], cuts) if len(idx) else {}
    return Result(setting, cuts, cv, held_out, (narr, sub), pool, (fitted_n, fitted_s), held)


def read_corpus(root: Path) -> Corpus:
    docs = read_documents(root)
    narratives, subs = read_taxonomy(root)
    return Corpus(docs, views_of(docs), narratives, subs)


def split_rows(corpus: Corpus, english_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rows = [i for i, v in enumerate(corpus.views) if v.english or not english_only]
    pool = np.array([r for r in rows if not is_held_out(corpus.docs[corpus.views[r].doc].id)])
    held = np.array([r for r in rows if is_held_out(corpus.docs[corpus.views[r].doc].id)])
    return pool, held


BLENDS = (1.0, 0.7, 0.5, 0.3, 0.0)  # weight of the encoder head against the lexical head
CENTRED, UNCENTRED = "middle layer, centred per language", "middle layer"
SHIPPABLE = (CENTRED, UNCENTRED)  # the feature sets the shipped head may read (the CV mean chooses)
OWN_CUTS = 100  # documents a language needs in the pool to get cuts of its own (else the cuts of all)


def _pick(result: Result, rows: np.ndarray, held: bool = False) -> tuple[np.ndarray, np.ndarray]:
    base, scores = (result.held, result.held_scores) if held else (result.pool, result.oof)
    where = {r: i for i, r in enumerate(base)}
    idx = [where[r] for r in rows]
    return scores[0][idx], scores[1][idx]


def _mixed(a, b, w: float) -> tuple[np.ndarray, np.ndarray]:
    return w * a[0] + (1 - w) * b[0], w * a[1] + (1 - w) * b[1]


def _language_rows(corpus: Corpus, rows: np.ndarray) -> dict[str, np.ndarray]:
    langs = [corpus.docs[corpus.views[r].doc].lang for r in rows]
    return {lang: rows[[k for k, x in enumerate(langs) if x == lang]] for lang in sorted(set(langs))}


def _per_language(corpus: Corpus, rows: np.ndarray, scores, cuts: dict[str, tuple]) -> dict[str, dict[str, float]]:
    """Each language's figures with its cuts (`cuts["all"]` where it has none), and their mean ("mean")."""
    where = {r: i for i, r in enumerate(rows)}
    out = {}
    for lang, mine in _language_rows(corpus, rows).items():
        idx = [where[r] for r in mine]
        out[lang] = judged(corpus, mine, scores[0][idx], scores[1][idx], cuts.get(lang, cuts["all"]))
    out["mean"] = {k: round(float(np.mean([v[k] for v in out.values()])), 4) for k in ("coarse", "fine")}
    return out


def _cuts_by_language(corpus: Corpus, rows: np.ndarray, scores) -> dict[str, tuple]:
    """Cuts chosen on every language's rows ("all") and on each language with OWN_CUTS documents or more."""
    where = {r: i for i, r in enumerate(rows)}
    cuts = {"all": best_thresholds(corpus, rows, *scores)}
    for lang, mine in _language_rows(corpus, rows).items():
        if len(mine) >= OWN_CUTS:
            idx = [where[r] for r in mine]
            cuts[lang] = best_thresholds(corpus, mine, scores[0][idx], scores[1][idx])
    return cuts


def compare(corpus: Corpus, features: dict[str, np.ndarray], seed: int) -> tuple[dict, dict]:
    """Every setup's CV and held-out figures, and what the shipped head is built from: the encoder head's
    L2 strength and its blend weight with a lexical head fitted on every language's texts (originals and MT),
    chosen on the mean over languages of the CV (out-of-fold) scores; then the cuts per language (those with
    OWN_CUTS documents) on the blended scores, and the cuts of the encoder head alone for the languages the
    lexical head never saw."""
    pool, held = split_rows(corpus)
    en_pool, en_held = split_rows(corpus, english_only=True)
    table: dict[str, dict] = {}
    encoder: dict[tuple[str, float], Result] = {}
    for name, x in features.items():
        for l2 in L2_GRID:
            result = assess(corpus, dense_scorer(corpus, x, l2), pool, held, seed, l2)
            table[f"{name} l2={l2}"] = {"cv": result.cv, "held_out": result.held_out}
            if name in SHIPPABLE:
                encoder[name, l2] = result
    english = assess(corpus, lexical_scorer(corpus), en_pool, en_held, seed)
    table["tfidf (English texts)"] = {"cv": english.cv, "held_out": english.held_out}
    lexical = assess(corpus, lexical_scorer(corpus), pool, held, seed)
    table["tfidf (all languages)"] = {"cv": lexical.cv, "held_out": lexical.held_out}
    judge_pool, judge_held = primary(corpus, pool), primary(corpus, held)
    best = None
    for (name, l2), result in encoder.items():
        for w in BLENDS:
            scores = _mixed(_pick(result, judge_pool), _pick(lexical, judge_pool), w)
            cuts = {"all": best_thresholds(corpus, judge_pool, *scores)}
            cv = _per_language(corpus, judge_pool, scores, cuts)
            held_scores = _mixed(_pick(result, judge_held, True), _pick(lexical, judge_held, True), w)
            row = {"cv": cv, "held_out": _per_language(corpus, judge_held, held_scores, cuts)}
            table[f"{name} l2={l2} blend={w}"] = row
            if best is None or sum(cv["mean"].values()) > best[0]:
                best = (sum(cv["mean"].values()), name, l2, w, scores)
    _, name, l2, w, scores = best
    cuts = _cuts_by_language(corpus, judge_pool, scores)
    held_scores = _mixed(_pick(encoder[name, l2], judge_held, True), _pick(lexical, judge_held, True), w)
    table[f"shipped: {name} l2={l2} blend={w}, cuts per language"] = {
        "cv": _per_language(corpus, judge_pool, scores, cuts),
        "held_out": _per_language(corpus, judge_held, held_scores, cuts),
    }
    languages = sorted({d.lang for d in corpus.docs})
    chosen = {
        "features": name,
        "l2": l2,
        "blend": w,
        "lexical_languages": languages,
        "cuts": {
            **{lang: list(cuts.get(lang, cuts["all"])) for lang in languages},
            "default": list(encoder[name, l2].cuts),
        },
    }
    return table, chosen


def train_narratives(model_dir: Path, out: Path, data_root: Path, cache_root: Path | None, *, seed: int) -> dict:
    """Compare the setups, then fit the shipped head on every document (all views) and write it with its
    lexical head, cuts, metrics.json and model card."""
    from datetime import date

    from ..pipeline.linear_head import LinearHead, encoder_identity
    from .corpus import model_tag
    from .lexical import fit_lexical

    corpus = read_corpus(data_root)
    model = EncoderModel(model_dir, 1, 1, 0)
    cache = cache_root / model_tag(model_dir) if cache_root else None
    raw = encoder_features(model, [v.text for v in corpus.views], cache, "narratives-middle.npz")
    centres = language_centres(model, corpus, raw, data_root, cache)
    features = {
        CENTRED: centred(corpus, raw, centres),
        UNCENTRED: raw,
        "last layer (pooled features, uncentred)": last_layer_features(model, corpus.views, cache),
        "frozen_e5": frozen_features(model_dir, corpus.views, cache),
    }
    table, chosen = compare(corpus, features, seed)
    rows = np.arange(len(corpus.views))
    yn, ys = corpus.gold(rows)
    gold = np.hstack([yn, ys])
    x = features[chosen["features"]]
    mean, scale, weights, bias = fit_multilabel(x, gold.astype(np.float32), chosen["l2"])
    head = LinearHead(
        [*corpus.narratives, *corpus.subs],
        "multilabel",
        mean,
        scale,
        weights,
        bias,
        thresholds=chosen["cuts"],
        encoder=encoder_identity(model.config),
        centres=centres if chosen["features"] == CENTRED else {},
    )
    if chosen["blend"] < 1.0:
        head.lexical = fit_lexical("multilabel", [corpus.views[r].text for r in rows], gold)
        head.blend = chosen["blend"]
        head.lexical_languages = chosen["lexical_languages"]
    head.save(out)
    domain, domain_metrics = fit_domain(corpus, cache, is_held_out)
    domain.save(out)
    held = sum(is_held_out(d.id) for d in corpus.docs)
    metrics = {
        "date": date.today().isoformat(),
        "measure": "samples-F1 (SemEval-2025 Task 10 subtask 2), coarse = narratives, fine = sub-narratives",
        "documents": len(corpus.docs),
        "views": len(corpus.views),
        "held_out_documents": held,
        "folds": FOLDS,
        "chosen": chosen,
        "setups": table,
        "domain": domain_metrics,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    write_card(out, metrics, head)
    return metrics


def _cell(figures: dict | None) -> str:
    return f"{figures['coarse']:.3f} / {figures['fine']:.3f}" if figures else "-"


def write_card(out: Path, metrics: dict, head) -> None:
    chosen = metrics["chosen"]
    rows = []
    for name, row in metrics["setups"].items():
        cells = [_cell(row[part].get(lang)) for part in ("cv", "held_out") for lang in ("en", "all", "mean")]
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    shipped_name = next(name for name in metrics["setups"] if name.startswith("shipped"))
    shipped = metrics["setups"][shipped_name]
    langs = [lang for lang in shipped["cv"] if lang != "mean"] + ["mean"]
    per_language = [
        f"| {lang} | {_cell(shipped['cv'].get(lang))} | {_cell(shipped['held_out'].get(lang))} |" for lang in langs
    ]
    cuts = ", ".join(f"{lang}: {[round(c, 2) for c in values]}" for lang, values in chosen["cuts"].items())
    centring = (
        f""", centred per language:
the mean features of the text's language are subtracted first (`head.npz` `centre_<lang>`: of the training texts,
of {CENTRE_ARTICLES} SemEval-2023 articles for {", ".join(CENTRED_ELSEWHERE)}, borrowed for
{", ".join(f"{k} ({'+'.join(v)})" for k, v in BORROWED.items())}, their mean for any other language)."""
        if head.centres
        else " (not centred per language: centring scored lower in CV, the table below)."
    )
    (out / "MODEL_CARD.md").write_text(
        f"""# spinscope narratives head

Multi-label logistic regression (one sigmoid per label: {len(head.labels)} labels,
the SemEval-2025 Task 10 narratives incl. `Other` and their sub-narratives) on the whole-text features of the
shared encoder pass (`pipeline.narratives.text_features`: the mean state of the article in the encoder's middle
layer) of `models/techniques` (checkpoint {head.encoder.get("checkpoint")}){centring} In the languages
of the training data ({", ".join(chosen["lexical_languages"])}) its probabilities are blended with a TF-IDF
lexical head (`lexical/`, word and character n-grams, fitted on every language's texts, originals and English
MT): {chosen["blend"]} x encoder + {round(1 - chosen["blend"], 2)} x lexical; other languages get the encoder
head alone (zero-shot, W011).
Decoding uses the hierarchy (`train.narratives.Hierarchy`): cuts (Other, narrative, sub-narrative,
cross-domain) per language in head.json `thresholds` ({cuts}; `default`: the encoder head's cuts, for the
languages the lexical head never saw). Narratives are of the article's domain (CC or URW) only: it comes from
`domain.json` (`pipeline.narrative_domain`: logistic regression on the mean multilingual-e5 embedding of the first
sentences; accuracy on a language it never saw, fitted on the other four:
{", ".join(f"{k} {v:.3f}" for k, v in metrics["domain"]["leave_one_language_out"].items())}; held-out quarter
{metrics["domain"]["held_out"]:.3f}); one document of the data in 1,039 carries both domains. In CV, where the cuts
were chosen, the best narrative's domain stood for the article's and the other domain was kept at the cross-domain
cut (the rule of a head without `domain.json`).

- Date: {metrics["date"]}
- Data: `narratives-semeval2025/documents.jsonl` and `documents-en-extra.jsonl` ({metrics["documents"]} documents
  in EN, BG, PT, HI, RU; {metrics["views"]} texts: the original and/or the English MT, each a training example).
  Research use only.
- Command: `spinscope train narratives --data ../shared/data`
- Protocol: a fixed held-out quarter of the documents ({metrics["held_out_documents"]}, by id hash) is never used
  for fitting or choosing; L2 strength, blend and cuts are chosen on {metrics["folds"]}-fold CV (grouped by
  document) of the rest. CV figures use cuts chosen on the same out-of-fold scores (slightly optimistic);
  held-out figures do not. The shipped head is then refitted on all documents.
- Shipped setup: `{shipped_name}`.

## Shipped setup per language (samples-F1, coarse / fine; each document judged on its original text)
| language | CV | held-out |
|---|---|---|
"""
        + "\n".join(per_language)
        + """

## Every setup (en: English documents; all: every document pooled; mean: the mean over languages)
| setup | CV en | CV all | CV mean | held-out en | held-out all | held-out mean |
|---|---|---|---|---|---|---|
"""
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
