"""Narrative figures for the eval gate: the shipped component on the English held-out documents.

The shipped head is refitted on every document after its settings were chosen (`train.narratives`), so this
figure is in-sample: a regression pin, not an estimate. The held-out and cross-validated estimates are those
of the training run (the model card, benchmarks/RESULTS.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data import Document


def narrative_gate_scores(data_root: Path, settings: dict[str, Any]) -> dict[str, float]:
    from ..api import analyze_all, load_pipeline
    from ..train.narratives import is_held_out, read_documents, samples_f1

    docs = [d for d in read_documents(data_root) if d.lang == "en" and is_held_out(d.id)]
    pipeline = load_pipeline(settings, only=["narratives"])
    out = analyze_all([Document(id=d.id, text=d.text, language="en") for d in docs], pipeline, "narratives sample")
    coarse = [{n["narrative"] for n in o.labels["narratives"]} for o in out]
    fine = [{n["subnarrative"] for n in o.labels["narratives"]} for o in out]
    return {
        "narratives.samples_f1_coarse.en_sample": round(samples_f1([set(d.narratives) for d in docs], coarse), 4),
        "narratives.samples_f1_fine.en_sample": round(samples_f1([set(d.subnarratives) for d in docs], fine), 4),
    }
