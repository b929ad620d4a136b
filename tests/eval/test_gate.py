"""The eval gate: shipped models must stay above the floors pinned in baseline.json (CI has the data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.eval.gate import Gate, data_fingerprint, gate_scores
from tests.conftest import DATA, REPO, needs_data

BASELINE_FILE = REPO / "tests" / "eval" / "baseline.json"
BASELINE = Gate.read(BASELINE_FILE)


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    return gate_scores(DATA, repo=REPO)


def test_baseline_guards_the_issue_metrics() -> None:
    for lang in ("en", "fr", "ge", "it", "po", "ru"):
        assert f"paragraphs.micro_f1.{lang}" in BASELINE.floors
        assert f"techniques.si_f1.{lang}" in BASELINE.floors
        assert f"frames.micro_f1.{lang}" in BASELINE.floors
        assert f"genre.macro_f1.{lang}" in BASELINE.floors
    assert "tc.micro_f1.ptc14" in BASELINE.floors
    for name in (
        "claims.map.clef_sample",
        "claims.p_at_5.examples",
        "sourcing.kind_accuracy.cases",
        "sourcing.speaker_exact.cases",
        "targets.accuracy.cases",
        "narratives.samples_f1_coarse.en_sample",
        "narratives.samples_f1_fine.en_sample",
        "matching.precision.test_half",
        "matching.recall.test_half",
    ):
        assert name in BASELINE.floors
    for lang in ("de", "en", "fr", "it", "pl", "ru", "uk"):
        assert f"entities.f1.{lang}" in BASELINE.floors


@needs_data
@pytest.mark.gate
def test_data_is_what_the_floors_were_measured_on() -> None:
    assert data_fingerprint(DATA) == BASELINE.data_sha256, "data changed: re-pin with `spinscope eval gate --update`"


@needs_data
@pytest.mark.gate
@pytest.mark.parametrize("metric", sorted(BASELINE.floors))
def test_metric_stays_above_floor(metric: str, scores: dict[str, float]) -> None:
    floor = BASELINE.floors[metric]
    assert scores[metric] >= floor - BASELINE.noise, f"{metric}: {scores[metric]:.4f} fell below its floor {floor:.4f}"


def test_gate_logic_on_hand_made_scores(tmp_path: Path) -> None:
    gate = Gate({"a": 0.5, "b": 0.3}, 0.01, "x")
    assert gate.failures({"a": 0.495, "b": 0.3}) == []
    assert gate.failures({"a": 0.48, "b": 0.3}) == ["a: 0.4800 fell below its floor 0.5000"]
    assert gate.failures({"a": 0.6}) == ["b: nan fell below its floor 0.3000"]
    assert gate.raised({"a": 0.4, "b": 0.35}).floors == {"a": 0.5, "b": 0.35}
    assert gate.raised({"a": 0.4}, allow_regression=True).floors == {"a": 0.4}
    path = tmp_path / "baseline.json"
    gate.write(path)
    assert Gate.read(path) == gate
    assert json.loads(path.read_text())["floors"] == {"a": 0.5, "b": 0.3}
