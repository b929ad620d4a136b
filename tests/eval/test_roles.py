"""The entity-framing reader and scorer (SemEval-2025 Task 10 subtask 1) on rows we wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinscope.cli.evaluate import eval_app
from spinscope.errors import FormatError
from spinscope.eval.formats import read_roles
from spinscope.eval.scorers import role_scores, role_scores_by_language

GOLD = (
    "EN_UA_1.txt\tKremlin\t10\t16\tAntagonist\tDeceiver\tConspirator\n"
    "EN_UA_1.txt\tvillagers\t40\t48\tInnocent\tVictim\n"
    "BG_CC_2.txt\tGreta\t0\t4\tProtagonist\tGuardian\n"
)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_exact_match_fine_roles_and_main_accuracy_per_language(tmp_path: Path) -> None:
    gold = read_roles(_write(tmp_path, "gold.txt", GOLD))
    pred = read_roles(
        _write(
            tmp_path,
            "pred.txt",
            "EN_UA_1.txt\tKremlin\t10\t16\tAntagonist\tDeceiver\n"  # main right, one of two fine roles
            "BG_CC_2.txt\tGreta\t0\t4\tProtagonist\tGuardian\n"  # exact
            "EN_UA_1.txt\tsomeone\t90\t96\tInnocent\tVictim\n",  # not a gold mention: ignored
        )
    )
    scores = role_scores_by_language(gold, pred)
    everything = scores["all"]
    assert everything.n == 3 and everything.exact_match_ratio == pytest.approx(1 / 3)
    assert everything.main_accuracy == pytest.approx(2 / 3)
    assert (everything.fine.precision, everything.fine.recall) == (pytest.approx(1.0), pytest.approx(2 / 4))
    assert scores["bg"].exact_match_ratio == 1.0 and scores["en"].exact_match_ratio == 0.0
    assert role_scores(gold, gold).exact_match_ratio == 1.0


@pytest.mark.parametrize(
    "row",
    [
        "EN_1.txt\tX\t0\t1\tHero\tGuardian",  # no such main role
        "EN_1.txt\tX\t0\t1\tInnocent\tTyrant",  # a fine role of another main role
        "EN_1.txt\tX\t0\t1\tInnocent",  # no fine role
        "EN_1.txt\tX\t5\t1\tInnocent\tVictim",  # end before start
        "EN_1.txt\tX\ta\t1\tInnocent\tVictim",  # not an offset
    ],
)
def test_a_bad_row_is_a_coded_error_with_its_line(tmp_path: Path, row: str) -> None:
    with pytest.raises(FormatError, match=r"\[E601\].*line 1:"):
        read_roles(_write(tmp_path, "bad.txt", row + "\n"))


def test_a_mention_given_twice_is_an_error(tmp_path: Path) -> None:
    row = "EN_1.txt\tX\t0\t1\tInnocent\tVictim\n"
    with pytest.raises(FormatError, match="given twice"):
        read_roles(_write(tmp_path, "twice.txt", row + row))


def test_the_cli_prints_the_table_or_json_and_exits_2_on_bad_input(tmp_path: Path) -> None:
    gold = _write(tmp_path, "gold.txt", GOLD)
    result = CliRunner().invoke(eval_app, ["roles", str(gold), str(gold), "--json"])
    assert result.exit_code == 0, result.output
    assert '"exact_match_ratio": 1.0' in result.output
    bad = _write(tmp_path, "bad.txt", "EN_1.txt\tX\t0\t1\tHero\tGuardian\n")
    result = CliRunner().invoke(eval_app, ["roles", str(gold), str(bad)])
    assert result.exit_code == 2 and "E601" in result.output
