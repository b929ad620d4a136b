"""Entity-framing documents (SemEval-2025 Task 10 subtask 1) and the gate's roles figures.

The gate runs the shipped role heads through `api.classify_roles` on the first SAMPLE annotated documents of
each language. The heads were fitted on every annotated document, so these figures pin the inference path
(features, heads, decoding) against regressions; they do not measure quality (the cross-validated figures are
in `models/roles/MODEL_CARD.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..data import Document
from .formats import RoleRecord, read_article, read_roles
from .scorers import role_scores_by_language

LANGS = ("BG", "EN", "HI", "PT", "RU")
SAMPLE = 30  # documents per language in the gate


def annotated(root: Path) -> Iterator[tuple[str, str, str, list[RoleRecord]]]:
    """(language, article id, text, its mentions whose offsets match the text) of every annotated document
    under `root` (the `entity-framing-semeval2025` folder), in language and id order."""
    for lang in LANGS:
        by_doc: dict[str, list[RoleRecord]] = {}
        for r in read_roles(root / lang / "subtask-1-annotations.txt"):
            by_doc.setdefault(r.article_id, []).append(r)
        for article, records in sorted(by_doc.items()):
            path = root / lang / "raw-documents" / article
            if path.is_file():
                text = read_article(path)
                if matching := [r for r in records if text[r.start : r.end + 1] == r.mention]:
                    yield lang, article, text, matching


def roles_gate_scores(data_root: Path, settings: dict[str, Any]) -> dict[str, float]:
    """`roles.main_accuracy.<lang>` and `roles.exact_match.<lang>` of the shipped heads on the sample."""
    from ..api import classify_roles

    docs, gold, taken = [], [], dict.fromkeys(LANGS, 0)
    for lang, article, text, records in annotated(data_root / "entity-framing-semeval2025"):
        if taken[lang] < SAMPLE:
            taken[lang] += 1
            docs.append(Document(article, text, language=lang.lower()))
            gold += [(lang, r) for r in records]
    found, _ = classify_roles(docs, [(g.article_id, g.start, g.end + 1) for _, g in gold], settings)
    named = [g._replace(article_id=f"{lang}_{g.article_id}") for lang, g in gold]  # the scorer reads the language
    pred = [
        n._replace(main_role=roles[0], fine_roles=roles[1])
        for n, (_, g) in zip(named, gold, strict=True)
        if (roles := found.get((g.article_id, g.start, g.end + 1))) is not None
    ]
    scores = role_scores_by_language(named, pred)
    out = {}
    for lang, s in scores.items():
        if lang != "all":
            out[f"roles.main_accuracy.{lang}"] = s.main_accuracy
            out[f"roles.exact_match.{lang}"] = s.exact_match_ratio
    return out
