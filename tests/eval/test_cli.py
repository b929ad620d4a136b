"""`spinscope eval spans|paragraphs|tc` through Typer's CliRunner on small invented files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli.evaluate import eval_app

runner = CliRunner()


@pytest.fixture
def span_files(tmp_path: Path) -> tuple[Path, Path]:
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\tDoubt\t0\t10\n", encoding="utf-8")
    pred.write_text("1\tDoubt\t5\t15\n", encoding="utf-8")
    return gold, pred


def test_spans_json(span_files):
    gold, pred = span_files
    result = runner.invoke(eval_app, ["spans", str(gold), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["si"]["f1"] == pytest.approx(0.5)  # [0,10) vs [5,15)
    assert out["technique_aware"]["per_label"]["Doubt"]["precision"] == pytest.approx(0.5)


def test_spans_table_and_technique_agnostic(span_files):
    gold, pred = span_files
    result = runner.invoke(eval_app, ["spans", str(gold), str(pred)])
    assert result.exit_code == 0
    assert "SI" in result.stdout and "Technique-aware" in result.stdout and "0.5000" in result.stdout
    result = runner.invoke(eval_app, ["spans", str(gold), str(pred), "--technique-agnostic", "--json"])
    assert "technique_aware" not in json.loads(result.stdout)


def test_spans_labels_file_rejects_unknown(span_files, tmp_path):
    gold, pred = span_files
    labels = tmp_path / "labels.txt"
    labels.write_text("Slogans\n", encoding="utf-8")
    result = runner.invoke(eval_app, ["spans", str(gold), str(pred), "--labels", str(labels)])
    assert result.exit_code == 2
    assert "Doubt" in result.stderr


def gold_and_pred(tmp_path: Path, gold_rows: str, pred_rows: str) -> tuple[Path, Path]:
    gold, pred = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_text(gold_rows, encoding="utf-8")
    pred.write_text(pred_rows, encoding="utf-8")
    return gold, pred


def test_paragraphs(tmp_path):
    gold, pred = gold_and_pred(
        tmp_path,
        "1\t1\tDoubt\n1\t2\tDoubt,Slogans\n1\t3\t\n",
        "1\t1\tDoubt\n1\t2\tSlogans,Repetition\n1\t3\tRepetition\n",
    )
    result = runner.invoke(eval_app, ["paragraphs", str(gold), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["micro"]["f1"] == pytest.approx(4 / 7)  # tp 2, fp 2, fn 1
    assert len(out["per_label"]) == 23
    table = runner.invoke(eval_app, ["paragraphs", str(gold), str(pred)])
    assert table.exit_code == 0 and "macro" in table.stdout and "Slogans" in table.stdout


def test_tc(tmp_path):
    gold, pred = gold_and_pred(tmp_path, "1\tDoubt\t0\t10\n1\tSlogans\t20\t30\n", "1\tDoubt\t0\t10\n1\tDoubt\t20\t30\n")
    result = runner.invoke(eval_app, ["tc", str(gold), str(pred), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["micro"]["f1"] == pytest.approx(0.5)


@pytest.mark.parametrize("command", ["spans", "paragraphs", "tc"])
def test_missing_file_is_one_line_and_exit_2(tmp_path, command):
    result = runner.invoke(eval_app, [command, str(tmp_path / "nope.txt"), str(tmp_path / "nope2.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr and "E401" in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_file_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\tDoubt\tx\t4\n", encoding="utf-8")
    result = runner.invoke(eval_app, ["spans", str(bad), str(bad)])
    assert result.exit_code == 2
    assert "[E601]" in result.stderr and "line 1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_frames_micro_f1_with_the_official_zero_division(tmp_path):
    gold, pred = gold_and_pred(
        tmp_path, "1\tEconomic,Morality\n2\t\n3\tPolitical\n", "1\tMorality,Economic\n2\tPolitical\n3\tPolitical\n"
    )
    result = runner.invoke(eval_app, ["frames", str(gold), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["micro"]["f1"] == pytest.approx(6 / 7)  # tp 3, fp 1, fn 0
    assert len(out["per_label"]) == 14 and out["per_label"]["Health_and_safety"]["f1"] == 1.0  # never gold/pred


def test_genre_macro_f1_and_mismatched_articles(tmp_path):
    gold, pred = gold_and_pred(tmp_path, "1\topinion\n2\tsatire\n", "1\topinion\n2\topinion\n")
    out = json.loads(runner.invoke(eval_app, ["genre", str(gold), str(pred), "--json"]).stdout)
    assert out["macro"]["f1"] == pytest.approx((2 / 3 + 0.0 + 1.0) / 3)  # reporting: neither gold nor predicted
    pred.write_text("1\topinion\n", encoding="utf-8")
    result = runner.invoke(eval_app, ["genre", str(gold), str(pred)])
    assert result.exit_code == 2 and "[E603]" in result.stderr and "1 missing" in result.stderr


@pytest.mark.parametrize(
    ("row", "problem"), [("1\tsarcasm\n", "unknown label"), ("1\topinion\n1\tsatire\n", "repeats"), ("1\ta\tb\n", "3")]
)
def test_article_label_files_are_checked(tmp_path, row, problem):
    bad = tmp_path / "bad.txt"
    bad.write_text(row, encoding="utf-8")
    result = runner.invoke(eval_app, ["genre", str(bad), str(bad)])
    assert result.exit_code == 2 and "[E601]" in result.stderr and problem in result.stderr
