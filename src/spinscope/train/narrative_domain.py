"""The narrative domain head (`pipeline.narrative_domain`), fitted by `spinscope train narratives`.

Labels: a document's domain is in its id (`..._CC_...`, `URW-...`) or, where the id does not say, the one domain of
its gold narratives; `Other` documents whose id does not say are left out. Every view (original and English MT)
is one example. Reported: accuracy leave-one-language-out (fitted on the other four languages, judged on the
original texts of the fifth: how the head does on a language it never saw) and on the held-out quarter.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..embedder import load_embedder
from ..pipeline.narrative_domain import DOMAINS, DomainHead, lead_vector
from ..pipeline.segment import sentence_bounds
from .claims import _cached

DOMAIN_C = 10.0  # inverse L2 strength (leave-one-language-out: C=1 0.84-1.0, C=10 0.95-1.0 by language)
_IN_ID = re.compile(r"(?<![A-Z])(CC|URW)(?![A-Z])")


def domain_of(doc_id: str, narratives: frozenset[str]) -> str | None:
    """The document's domain from its id, else from its narratives; None when neither says."""
    if found := _IN_ID.search(doc_id):
        return found.group(1)
    named = {n.split(":")[0] for n in narratives if ":" in n}
    return named.pop() if len(named) == 1 else None


def lead_vectors(texts: list[str], cache: Path | None) -> np.ndarray:
    """[n, dim] lead vectors (`narrative_domain.lead_vector`) of whole texts, split into sentences as the
    pipeline's segmenter does outside paragraphs."""
    embedder = load_embedder()

    def build() -> dict[str, np.ndarray]:
        rows = []
        for text in texts:
            sentences = [text[a:b] for a, b in sentence_bounds(text, 0, len(text))]
            rows.append(lead_vector(embedder, sentences or [text]))
        return {"vectors": np.stack(rows)}

    return _cached(cache / f"domain-lead-{embedder.fingerprint}.npz" if cache else None, build)["vectors"]


def fit_domain(corpus, cache: Path | None, held_out) -> tuple[DomainHead, dict]:
    """The head fitted on every labelled view, and its leave-one-language-out and held-out accuracy."""
    from datetime import date

    from sklearn.linear_model import LogisticRegression

    views = corpus.views
    labels = [domain_of(corpus.docs[v.doc].id, corpus.docs[v.doc].narratives) for v in views]
    rows = np.array([i for i, y in enumerate(labels) if y is not None])
    x = lead_vectors([v.text for v in views], cache)[rows]
    y = np.array([labels[i] == DOMAINS[1] for i in rows])
    lang = np.array([corpus.docs[views[i].doc].lang for i in rows])
    original = np.array([not views[i].mt for i in rows])
    held = np.array([held_out(corpus.docs[views[i].doc].id) for i in rows])

    def accuracy(fit: np.ndarray, judge: np.ndarray) -> float:
        clf = LogisticRegression(C=DOMAIN_C, max_iter=3000).fit(x[fit], y[fit])
        return round(float((clf.predict(x[judge]) == y[judge]).mean()), 4)

    unseen = {str(g): accuracy(lang != g, (lang == g) & original) for g in sorted(set(lang))}
    metrics = {
        "leave_one_language_out": unseen,
        "held_out": accuracy(~held, held & original),
        "examples": len(rows),
        "cc_share": round(float(y.mean()), 3),
    }
    clf = LogisticRegression(C=DOMAIN_C, max_iter=3000).fit(x, y)
    meta = {"date": date.today().isoformat(), "model": "retrieval", "C": DOMAIN_C, **metrics}
    return DomainHead(clf.coef_[0].astype(np.float32), float(clf.intercept_[0]), meta), metrics
