"""`spinscope eval ...`: score prediction files against gold files with the official formulas.

The root app mounts this with `app.add_typer(eval_app, name="eval")`. Every command reads files through
`spinscope.eval.formats` and scores through `spinscope.eval.scorers`, so the CLI and the API cannot drift
apart. A bad or missing file ends the command with one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from ..errors import Errors, FormatError, SpinscopeError
from ..eval.formats import read_document_labels, read_paragraphs, read_roles, read_spans
from ..eval.labels import read_label_list, subtask3_techniques
from ..eval.scorers import (
    PRF,
    MultiLabelScores,
    SpanScores,
    document_scores,
    paragraph_scores,
    role_scores_by_language,
    si_scores,
    span_scores,
    tc_scores,
)
from ..labels import FRAMES, GENRES

eval_app = typer.Typer(
    help=(
        "Score predictions against gold labels (SemEval-2020 Task 11, SemEval-2023 Task 3 subtasks 1-3, "
        "SemEval-2025 Task 10 subtask 1)."
    ),
    no_args_is_help=True,
    add_completion=False,
)

T = TypeVar("T")

GoldArg = Annotated[Path, typer.Argument(help="Gold labels: one file or a folder of per-article files.")]
PredArg = Annotated[Path, typer.Argument(help="Predictions: one file or a folder of per-article files.")]
LabelsOpt = Annotated[
    Path | None, typer.Option("--labels", help="Label list, one per line; labels outside it are errors.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _guard(fn: Callable[[], T]) -> T:
    """Run `fn`; a SpinscopeError or OSError becomes one line on stderr and exit code 2."""
    try:
        return fn()
    except (SpinscopeError, OSError) as exc:
        message = (
            str(exc)
            if isinstance(exc, SpinscopeError)
            else f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}"
        )
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(2) from None


def _prf_row(name: str, s: PRF) -> list[str]:
    return [name, f"{s.precision:.4f}", f"{s.recall:.4f}", f"{s.f1:.4f}", str(s.n_pred), str(s.n_gold)]


def _prf_table(title: str, rows: list[tuple[str, PRF]], pred_col: str = "pred", gold_col: str = "gold") -> Table:
    table = Table(title=title)
    table.add_column("")
    for col in ("P", "R", "F1", pred_col, gold_col):
        table.add_column(col, justify="right")
    for name, s in rows:
        table.add_row(*_prf_row(name, s))
    return table


def _span_table(title: str, scores: SpanScores) -> Table:
    return _prf_table(title, [("micro", scores.micro), *scores.per_label.items()])


def _emit(as_json: bool, payload: dict[str, Any], tables: list[Table]) -> None:
    if as_json:
        typer.echo(json.dumps(payload, indent=2, sort_keys=False))
        return
    console = Console()
    if not console.is_terminal:  # piped or captured: do not cut long technique names at 80 columns
        console = Console(width=120)
    for table in tables:
        console.print(table)


@eval_app.command("spans")
def spans_cmd(
    gold: GoldArg,
    pred: PredArg,
    technique_agnostic: Annotated[
        bool, typer.Option("--technique-agnostic", help="Only the SI score (ignore techniques).")
    ] = False,
    labels: LabelsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """SI (technique-agnostic) and technique-aware partial-overlap span P/R/F1."""

    def run() -> tuple[dict[str, Any], list[Table]]:
        names = read_label_list(labels) if labels is not None else None
        g = read_spans(gold, labels=None if technique_agnostic else names)
        p = read_spans(pred, labels=None if technique_agnostic else names)
        si = si_scores(g, p)
        payload: dict[str, Any] = {"si": si.as_dict()}
        tables = [_prf_table("Span identification (SI)", [("SI", si)])]
        labelled = all(r.technique is not None for r in g) and all(r.technique is not None for r in p)
        if not technique_agnostic and labelled:
            aware = span_scores(g, p, names)
            payload["technique_aware"] = aware.as_dict()
            tables.append(_span_table("Technique-aware spans", aware))
        return payload, tables

    payload, tables = _guard(run)
    _emit(as_json, payload, tables)


@eval_app.command("paragraphs")
def paragraphs_cmd(
    gold: GoldArg,
    pred: PredArg,
    labels: Annotated[
        Path | None,
        typer.Option("--labels", help="Label list for macro-F1 (default: the 23 subtask-3 techniques)."),
    ] = None,
    zero_division: Annotated[
        float,
        typer.Option(
            "--zero-division",
            help="Score of an empty ratio; 1 as the official scorer, 0 as sklearn's default.",
        ),
    ] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """SemEval-2023 subtask 3 paragraph-level micro/macro F1 with a per-label table."""

    def run() -> MultiLabelScores:
        names = read_label_list(labels) if labels is not None else subtask3_techniques()
        g = read_paragraphs(gold, labels=names)
        p = read_paragraphs(pred, labels=names)
        return paragraph_scores(g, p, names, zero_division=zero_division)

    _emit_multilabel(as_json, "Paragraphs", "gold rows", _guard(run))


def _emit_multilabel(as_json: bool, title: str, rows: str, scores: MultiLabelScores) -> None:
    summary = Table(title=title, caption=f"{scores.n_rows} {rows}, {len(scores.per_label)} labels")
    summary.add_column("")
    for col in ("P", "R", "F1"):
        summary.add_column(col, justify="right")
    summary.add_row("micro", f"{scores.micro.precision:.4f}", f"{scores.micro.recall:.4f}", f"{scores.micro.f1:.4f}")
    summary.add_row("macro", f"{scores.macro_precision:.4f}", f"{scores.macro_recall:.4f}", f"{scores.macro_f1:.4f}")
    per_label = _prf_table("Per label", list(scores.per_label.items()))
    _emit(as_json, scores.as_dict(), [summary, per_label])


def _article_command(task: str, names: tuple[str, ...], headline: str):
    def command(gold: GoldArg, pred: PredArg, as_json: JsonOpt = False) -> None:
        def run() -> MultiLabelScores:
            g = read_document_labels(gold, labels=names)
            p = read_document_labels(pred, labels=names)
            if set(g) != set(p):
                missing, extra = sorted(set(g) - set(p)), sorted(set(p) - set(g))
                detail = f"{len(missing)} missing (e.g. {missing[:3]}), {len(extra)} not in gold (e.g. {extra[:3]})"
                raise FormatError(Errors.E603(path=pred, detail=detail))
            return document_scores(g, p, list(names))

        _emit_multilabel(as_json, task.capitalize(), "gold articles", _guard(run))

    command.__doc__ = (
        f"SemEval-2023 Task 3 subtask {1 if task == 'genre' else 2} ({task}): {headline} is the official measure "
        "(per-article rows article<TAB>label,label; zero_division=1 as the official scorer)."
    )
    return command


eval_app.command("frames")(_article_command("frames", FRAMES, "micro-F1"))
eval_app.command("genre")(_article_command("genre", GENRES, "macro-F1"))


@eval_app.command("tc")
def tc_cmd(gold: GoldArg, pred: PredArg, labels: LabelsOpt = None, as_json: JsonOpt = False) -> None:
    """SemEval-2020 Task 11 TC: technique classification of given spans (micro-F1 = accuracy)."""

    def run() -> SpanScores:
        names = read_label_list(labels) if labels is not None else None
        return tc_scores(read_spans(gold, labels=names), read_spans(pred, labels=names), names)

    scores = _guard(run)
    _emit(as_json, scores.as_dict(), [_span_table("Technique classification (TC)", scores)])


@eval_app.command("roles")
def roles_cmd(gold: GoldArg, pred: PredArg, as_json: JsonOpt = False) -> None:
    """Entity framing (SemEval-2025 Task 10 subtask 1): exact match ratio of the fine roles, their micro
    P/R/F1 and the main-role accuracy, over all mentions and per language."""

    def run() -> tuple[dict[str, Any], list[Table]]:
        scores = role_scores_by_language(read_roles(gold), read_roles(pred))
        table = Table(title="Entity framing (roles)")
        for col in ("", "mentions", "exact match", "fine P", "fine R", "fine F1", "main accuracy"):
            table.add_column(col, justify="right" if col else "left")
        for name, s in scores.items():
            f = s.fine
            cells = (s.exact_match_ratio, f.precision, f.recall, f.f1, s.main_accuracy)
            table.add_row(name, str(s.n), *(f"{x:.4f}" for x in cells))
        return {name: s.as_dict() for name, s in scores.items()}, [table]

    payload, tables = _guard(run)
    _emit(as_json, payload, tables)


@eval_app.command("gate")
def gate(
    baseline: Annotated[Path, typer.Option("--baseline", help="Floors file.")] = Path("tests/eval/baseline.json"),
    update: Annotated[bool, typer.Option("--update", help="Raise the floors to the measured scores.")] = False,
    allow_regression: Annotated[
        bool, typer.Option("--allow-regression", help="With --update: let floors go down too.")
    ] = False,
    data: Annotated[Path | None, typer.Option("--data", help="Shared data folder.")] = None,
) -> None:
    """Score the shipped models on the validation split and compare with the pinned floors."""
    from ..eval.formats import resolve_data_root
    from ..eval.gate import Gate, data_fingerprint, gate_scores

    def run() -> None:
        root = resolve_data_root(data)
        scores = gate_scores(root, repo=baseline.resolve().parents[2])
        current = Gate.read(baseline) if baseline.is_file() else Gate({}, 0.002, "")
        for name, value in sorted(scores.items()):
            floor = current.floors.get(name)
            typer.echo(f"{name:32s} {value:.4f}" + ("" if floor is None else f"  (floor {floor:.4f})"))
        if update:
            raised = current.raised(scores, allow_regression)
            Gate(raised.floors, raised.noise, data_fingerprint(root)).write(baseline)
            typer.echo(f"floors written to {baseline}")
        elif failures := current.failures(scores):
            typer.echo("\n".join(failures), err=True)
            raise typer.Exit(1)

    _guard(run)
