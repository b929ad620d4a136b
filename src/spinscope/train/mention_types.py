"""Fit the mention typer (`pipeline.mention_types`): a softmax over PER, ORG, LOC and NONE on the pretrained
e5 embedding of a name alone.

Names: the mention strings spaCy (en, fr) and natasha (ru) find in the SemEval-2023 training articles, each with
the type they are given most often (at least SILVER_AGREEMENT of the time), and the names of our annotated
sentences (`train/entity_sentences`, `tests/fixtures/actors`). NONE: lower-case words of four letters or more
outside those mentions, seen twice or more, half of them capitalised (German capitalises every noun; a sentence's
first word is capitalised in every language), and every word of four letters or more outside the names of our
sentences, as written ("Klimapolitik", "Drittstaaten", "أسوأ"). Our strings weigh WRITTEN_WEIGHT silver ones. The
C of the regression and the two cuts (retype, drop) are chosen on our held-out actor sentences
(`tests/fixtures/actors_heldout`) of the languages the token head serves, by the mean typed mention F1 there; the
first blind set (`tests/fixtures/actors_blind`) is scored once, with the chosen setting, through the whole
entities component.
"""

from __future__ import annotations

import json
import logging
import random
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np

from .._optional import require
from ..eval.entities import entity_scores, gold_cases, gold_mentions, mention_prf, recognised
from ..eval.formats import resolve_data_root
from ..pipeline.linear_head import LinearHead
from ..pipeline.mention_types import FOLDER, NONE, MentionTyper, retyped
from .corpus import corpus_articles
from .entities import SILVER, sentence_cases, silver_mentions, written_mentions

logger = logging.getLogger(__name__)

LABELS = ["LOC", NONE, "ORG", "PER"]  # sklearn's order of the classes
SILVER_AGREEMENT = 0.6  # share of a name's silver mentions that must carry its type
NONE_WORDS = 6000  # common words sampled as NONE
WORD = re.compile(r"\b[^\W\d_]{4,}\b")
C_VALUES = (0.3, 1.0, 3.0)
CUTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: never
WRITTEN_WEIGHT = 3.0


def silver_strings(data_root: Path, seed: int) -> tuple[list[str], list[str]]:
    """(strings, labels): typed silver names and sampled common words."""
    articles = [a for a in corpus_articles(data_root, langs=tuple(SILVER)) if a.split == "train"]
    types: dict[str, Counter] = defaultdict(Counter)
    words: Counter = Counter()
    for article in articles:
        covered = set()
        for a, b, kind in silver_mentions(article.text, article.lang):
            types[article.text[a:b].strip()][kind] += 1
            covered.update(range(a, b))
        words.update(
            m.group() for m in WORD.finditer(article.text) if m.group()[0].islower() and m.start() not in covered
        )
    strings, labels = [], []
    for name, counts in sorted(types.items()):
        kind, n = counts.most_common(1)[0]
        if len(name) >= 2 and n >= SILVER_AGREEMENT * sum(counts.values()):
            strings.append(name)
            labels.append(kind)
    rng = random.Random(seed)
    common = sorted(w for w, n in words.items() if n >= 2 and w not in types)
    for word in rng.sample(common, min(NONE_WORDS, len(common))):
        strings.append(word[0].upper() + word[1:] if rng.random() < 0.5 else word)
        labels.append(NONE)
    return strings, labels


def written_strings(cases: list[dict]) -> tuple[list[str], list[str]]:
    """(strings, labels) of our annotated sentences: their names, typed, and their other words as NONE (a word
    that is a name somewhere is no NONE example)."""
    typed: dict[str, str] = {}
    words: set[str] = set()
    for case in cases:
        text, covered = case["text"], set()
        for a, b, kind in written_mentions(case):
            typed.setdefault(text[a:b], kind)
            covered.update(range(a, b))
        words.update(m.group() for m in WORD.finditer(text) if m.start() not in covered)
    none = sorted(words - typed.keys())
    return [*typed, *none], [*typed.values(), *[NONE] * len(none)]


def _head(clf, cut: float, drop: float, fingerprint: str) -> LinearHead:
    dim = clf.coef_.shape[1]
    assert list(clf.classes_) == LABELS
    head = LinearHead(
        LABELS,
        "multiclass",
        np.zeros(dim, np.float32),
        np.ones(dim, np.float32),
        clf.coef_.T.astype(np.float32),
        clf.intercept_.astype(np.float32),
    )
    head.thresholds = {"default": [drop if label == NONE else cut for label in LABELS]}
    head.encoder = {"embedder": fingerprint}
    return head


def _sentences(folder: Path, langs: list[str]) -> dict[str, list[dict]]:
    return {lang: gold_cases(folder / f"{lang}.toml") for lang in langs}


def train_mention_types(out: Path, data_root: Path | None, written: list[Path], actors: Path, held_out: Path, *,
                        seed: int) -> dict:  # fmt: skip
    """Fit on silver and `written` strings, choose on `actors`, score on `held_out`, write `out/types/` with
    metrics and a model card."""
    require("sklearn", feature="spinscope train mention-types")
    from sklearn.linear_model import LogisticRegression

    from ..config import load_settings
    from ..embedder import load_embedder
    from ..pipeline import Pipeline

    settings = load_settings(env={})
    ner = settings["components"]["entities"]["ner"]
    langs = [p.stem for p in sorted(actors.glob("*.toml")) if ner.get(p.stem, ner["default"]) == "head"]
    strings, labels = silver_strings(resolve_data_root(data_root), seed)
    ours, our_labels = written_strings(sentence_cases(written))
    logger.info("silver strings: %s, ours: %s", dict(Counter(labels)), dict(Counter(our_labels)))
    weights = np.r_[np.ones(len(strings)), np.full(len(ours), WRITTEN_WEIGHT)]
    embedder = load_embedder()
    x = embedder.embed(strings + ours)
    labels = labels + our_labels

    pipeline = Pipeline.from_settings(settings, only=["entities"])
    step = pipeline.step("entities")
    step.aliases, step.typer = (), None  # the recogniser alone, as the figures of entity_scores
    tuning = _sentences(actors, langs)
    found = {lang: [recognised(pipeline, c) for c in cases] for lang, cases in tuning.items()}
    best = None
    for c in C_VALUES:
        clf = LogisticRegression(C=c, max_iter=3000).fit(x, labels, sample_weight=weights)
        for cut in CUTS:
            for drop in CUTS:
                typer = MentionTyper(_head(clf, cut, drop, embedder.fingerprint), embedder)
                f1 = np.mean([_f1(cases, found[lang], typer) for lang, cases in tuning.items()])
                if best is None or f1 > best[0]:
                    best = (float(f1), c, cut, drop, typer.head)
    f1, c, cut, drop, head = best
    logger.info("chosen C=%s cut=%s drop=%s (tuning mean F1 %.4f)", c, cut, drop, f1)
    head.save(out / FOLDER)
    figures = {}
    for name, folder in (("tuning", actors), ("held_out", held_out)):
        cases = [case for group in _sentences(folder, langs).values() for case in group]
        without = entity_scores(cases, load_settings(env={}, overrides=["components.entities.types="]))
        with_typer = entity_scores(cases, settings)
        figures[name] = {lang: {"before": _pr(without[lang]), "after": _pr(with_typer[lang])} for lang in with_typer}
    metrics = {
        "date": date.today().isoformat(),
        "task": "mention types",
        "C": c,
        "cuts": {"retype": cut, "drop": drop},
        "strings": dict(Counter(labels)),
        "languages": langs,
        "typed_precision_recall": figures,
    }
    (out / FOLDER / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True), encoding="utf-8")
    _card(out / FOLDER, metrics)
    return metrics


def _f1(cases: list[dict], found: list[set], typer: MentionTyper) -> float:
    """Typed mention F1 of the recogniser's mentions `found` once the typer has retyped them."""
    pred = [
        {(a, b, t) for a, b, t, _ in retyped([(a, b, t, None) for a, b, t in sorted(f)], case["text"], typer)}
        for case, f in zip(cases, found, strict=True)
    ]
    return mention_prf([gold_mentions(case) for case in cases], pred)[2]


def _pr(scores: dict) -> list[float]:
    return [scores["typed_p"], scores["typed_r"]]


def _card(folder: Path, metrics: dict) -> None:
    rows = "\n".join(
        f"| {lang} | {' / '.join(map(str, v['before']))} -> {' / '.join(map(str, v['after']))} | "
        f"{' / '.join(map(str, metrics['typed_precision_recall']['held_out'].get(lang, {}).get('before', [])))} -> "
        f"{' / '.join(map(str, metrics['typed_precision_recall']['held_out'].get(lang, {}).get('after', [])))} |"
        for lang, v in metrics["typed_precision_recall"]["tuning"].items()
    )
    (folder / "MODEL_CARD.md").write_text(
        f"""# spinscope mention typer (entities/types)

Softmax regression over {", ".join(LABELS)} on the pretrained multilingual-e5-small embedding (`models/retrieval`)
of a mention's text alone: the entities component's second opinion on the names the token head finds (the
languages without a named-entity model). See `pipeline/mention_types.py`.

- Date: {metrics["date"]}
- Data: silver names of spaCy en_core_web_sm / fr_core_news_sm and natasha (ru) on the SemEval-2023 Task 3
  training articles (research use only) and common words as NONE, with the names and other words of our annotated
  sentences (`train/entity_sentences`, `tests/fixtures/actors`; each weighs {WRITTEN_WEIGHT:g}): {metrics["strings"]}.
- Command: `spinscope train mention-types --data ../shared/data`
- Chosen on tests/fixtures/actors_heldout (our sentences of {", ".join(metrics["languages"])}): C = {metrics["C"]},
  retype cut {metrics["cuts"]["retype"]}, drop cut {metrics["cuts"]["drop"]} (1.01: never).

## Typed mention precision / recall of the entities component (aliases left out), without -> with the typer
| lang | tuning sentences (actors_heldout) | blind sentences (actors_blind) |
|---|---|---|
{rows}
""",
        encoding="utf-8",
    )
