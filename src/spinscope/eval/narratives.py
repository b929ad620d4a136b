"""The SemEval-2025 narratives documents, their measure (samples-F1), and the eval gate's figures: the shipped
component on the English held-out documents.

The shipped head is refitted on every document after its settings were chosen (`train.narratives`), so this
figure is in-sample: a regression pin, not an estimate. The held-out and cross-validated estimates are those
of the training run (the model card, benchmarks/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..data import Document

DATA = "narratives-semeval2025"


@dataclass(frozen=True)
class NarrativeDoc:
    id: str
    lang: str  # ISO 639-1
    text: str | None  # original language
    text_en: str | None  # English machine translation
    narratives: frozenset[str]
    subnarratives: frozenset[str]


def is_held_out(doc_id: str) -> bool:
    """The fixed held-out quarter: chosen by id hash, the same in every run."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % 4 == 0


FILES = ("documents.jsonl", "documents-en-extra.jsonl")  # the second: 91 English documents released later


def read_documents(root: Path) -> list[NarrativeDoc]:
    out = []
    for name in FILES:
        if (root / DATA / name).is_file():
            out += _read_file(root / DATA / name)
    return out


def _read_file(path: Path) -> list[NarrativeDoc]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(
                NarrativeDoc(
                    row["id"],
                    row["lang"].lower(),
                    row["text"],
                    row["text_en"],
                    frozenset(row["narratives"]),
                    frozenset(row["subnarratives"]),
                )
            )
    return out


def samples_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    """SemEval-2025 Task 10 subtask 2's measure: F1 of each document's label set, averaged over documents."""
    scores = [2 * len(g & p) / (len(g) + len(p)) if g or p else 1.0 for g, p in zip(gold, pred, strict=True)]
    return sum(scores) / len(scores) if scores else 0.0


def narrative_gate_scores(data_root: Path, settings: dict[str, Any]) -> dict[str, float]:
    from ..api import analyze_all, load_pipeline

    docs = [d for d in read_documents(data_root) if d.lang == "en" and is_held_out(d.id)]
    pipeline = load_pipeline(settings, only=["narratives"])
    out = analyze_all([Document(id=d.id, text=d.text, language="en") for d in docs], pipeline, "narratives sample")
    coarse = [{n["narrative"] for n in o.labels["narratives"]} for o in out]
    fine = [{n["subnarrative"] for n in o.labels["narratives"]} for o in out]
    return {
        "narratives.samples_f1_coarse.en_sample": round(samples_f1([set(d.narratives) for d in docs], coarse), 4),
        "narratives.samples_f1_fine.en_sample": round(samples_f1([set(d.subnarratives) for d in docs], fine), 4),
    }
