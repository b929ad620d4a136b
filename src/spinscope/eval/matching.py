"""Matching figures for the eval gate: the shipped verifier on the test half of our matching test set."""

from __future__ import annotations

from pathlib import Path

from ..models import model_path


def matching_gate_scores(data_root: Path) -> dict[str, float]:
    from ..embedder import load_embedder
    from ..pipeline.matching import LanguageMeans, Verifier
    from ..train.matching import Bank, candidates, decide, prf, read_bank, read_test_set

    embedder = load_embedder()
    verifier = Verifier.load(model_path("matching"))
    bank = Bank.embed(read_bank(data_root), embedder)
    probes = [p for p in read_test_set() if p.split == "test"]
    means = LanguageMeans.load(model_path("matching"))
    cands = candidates(bank, probes, embedder.embed([p.text for p in probes]), means)
    scorer = lambda c: verifier.scores(c.features)  # noqa: E731
    got = prf(probes, decide(cands, scorer, verifier.threshold, verifier.threshold_across))
    return {"matching.precision.test_half": got["precision"], "matching.recall.test_half": got["recall"]}
