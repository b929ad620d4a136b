"""`spinscope analyze`: read inputs, run the pipeline, write one output; bad inputs are listed, not fatal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..api import load_pipeline
from ..config import load_settings
from ..data import Document
from ..errors import Errors, SpinscopeError
from ..readers import Rejected
from ..registry import writers
from ..runner import RunStats, process
from .output import check_output, open_output

err_console = Console(stderr=True)


def print_reject(item: Rejected) -> None:
    """One red error line for a skipped input, as it happens."""
    err_console.print(f"[bold red]spinscope: error:[/] {escape(item.message)}", highlight=False, soft_wrap=True)


def _with_progress(docs: Iterable[Document], show: bool) -> Iterator[Document]:
    if not show:
        yield from docs
        return
    columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("analysing", total=None)
        for doc in docs:
            progress.advance(task)
            yield doc


def analyze_command(
    inputs: list[str] = typer.Argument(..., help="Files, folders, URLs, or - for stdin.", metavar="INPUT..."),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        help="text|json|jsonl|html|semeval-spans|semeval-paragraphs|semeval-frames|semeval-genre|stix|misp|labelstudio",
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file (default ./spinscope.toml)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
    only: list[str] = typer.Option([], "--only", help="Run only these components (and what they need)."),
    skip: list[str] = typer.Option([], "--skip", help="Switch these components off."),
    input_format: str | None = typer.Option(None, "--input-format", help="Force the reader (default: sniff)."),
    text_field: str | None = typer.Option(None, "--text-field", help="JSONL/CSV field holding the text."),
    id_field: str | None = typer.Option(None, "--id-field", help="JSONL/CSV field holding the id."),
    labels: str | None = typer.Option(None, "--labels", help="Technique labels: semeval23 (23) or ptc14."),
    max_chars: int | None = typer.Option(None, "--max-chars", help="Size limit per document, in characters."),
    all_claims: bool = typer.Option(False, "--all-claims", help="List every sentence as a claim, with its score."),
    narratives: Path | None = typer.Option(
        None, "--narratives", help="A YAML file of your own narratives (name, description, examples)."
    ),
    casebank: Path | None = typer.Option(None, "--casebank", help="The case bank file to match claims against."),
) -> None:
    """Analyse articles and report the persuasion techniques found, with character offsets."""
    check_output(output, [*inputs, config, narratives, casebank])
    flags = {
        "input.format": input_format,
        "input.text_field": text_field,
        "input.id_field": id_field,
        "components.techniques.labels": labels,
        "limits.max_chars": max_chars,
        "components.claims.all": "true" if all_claims else None,
        "components.narratives.user": narratives,
        "casebank.path": casebank,
    }
    extra = [f"{k}={v}" for k, v in flags.items() if v is not None]
    settings = load_settings(config, [*overrides, *extra])
    if fmt not in writers:
        raise SpinscopeError(Errors.E602(fmt=fmt, known=", ".join(writers.names())))
    writer = writers.get(fmt)(settings)
    pipeline = load_pipeline(settings, only=only, skip=skip)
    show_progress = err_console.is_terminal and (len(inputs) > 1 or any(Path(i).is_dir() for i in inputs))
    with open_output(output) as out:
        stats = process(
            inputs,
            pipeline,
            lambda docs: writer.write(_with_progress(docs, show_progress), out),
            print_reject,
            settings=settings,
        )
    close_run(stats)


def close_run(stats: RunStats) -> None:
    """List what was skipped and leave with exit code 1 when anything was (nothing to say otherwise)."""
    if not stats.rejected:
        return
    if stats.done == 0 and len(stats.rejected) == 1:
        raise typer.Exit(1)  # the single error line was already printed
    err_console.print(
        f"[bold yellow]{len(stats.rejected)} input(s) skipped, {stats.done} analysed:[/]", highlight=False
    )
    for item in stats.rejected:
        err_console.print(f"  - {escape(item.message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
