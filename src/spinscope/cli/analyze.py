"""`spinscope analyze`: read inputs, run the pipeline, write one output; bad inputs are listed, not fatal."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..api import load_pipeline
from ..config import load_settings
from ..data import Document
from ..errors import Errors, SpinscopeError
from ..pipeline import Pipeline
from ..readers import Rejected, open_input
from ..registry import writers
from ..utils import batched

BATCH = 16
err_console = Console(stderr=True)


@dataclass
class BatchReport:
    """What a batch run read, analysed and skipped, for the closing summary and the exit code."""

    done: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def reject(self, source: str, message: str) -> None:
        self.rejected.append(Rejected(source, message))
        err_console.print(f"[bold red]spinscope: error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def _read_all(inputs: list[str], settings: dict[str, Any], report: BatchReport) -> Iterator[Document]:
    for source in inputs:
        try:
            for item in open_input(source, settings):
                if isinstance(item, Rejected):
                    report.reject(item.source, item.message)
                    continue
                yield item
        except SpinscopeError as exc:
            report.reject(source, str(exc))


def _analysed(docs: Iterator[Document], pipeline: Pipeline, report: BatchReport) -> Iterator[Document]:
    """Batches run through the pipeline together; a failing batch is rerun doc by doc to find the culprit."""
    for batch in batched(docs, BATCH):
        yield from _run_batch(batch, pipeline, report)


def _run_batch(batch: list[Document], pipeline: Pipeline, report: BatchReport) -> Iterator[Document]:
    try:
        done = list(pipeline.pipe(batch))
    except SpinscopeError:
        done = []
        for doc in batch:
            try:
                done.append(pipeline(doc))
            except SpinscopeError as exc:
                report.reject(doc.source or doc.id, f"{doc.source or doc.id}: {exc}")
    for doc in done:
        doc.check_offsets()
        report.done += 1
        yield doc


def _with_progress(docs: Iterator[Document], show: bool) -> Iterator[Document]:
    if not show:
        yield from docs
        return
    columns = (TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("analysing", total=None)
        for doc in docs:
            progress.advance(task)
            yield doc


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        yield fh


def analyze_command(
    inputs: list[str] = typer.Argument(..., help="Files, folders, URLs, or - for stdin.", metavar="INPUT..."),
    fmt: str = typer.Option(
        "text",
        "--format",
        "-f",
        help="text|json|jsonl|html|semeval-spans|semeval-paragraphs|semeval-frames|semeval-genre",
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
) -> None:
    """Analyse articles and report the persuasion techniques found, with character offsets."""
    flags = {
        "input.format": input_format,
        "input.text_field": text_field,
        "input.id_field": id_field,
        "components.techniques.labels": labels,
        "limits.max_chars": max_chars,
    }
    extra = [f"{k}={v}" for k, v in flags.items() if v is not None]
    settings = load_settings(config, [*overrides, *extra])
    if fmt not in writers:
        raise SpinscopeError(Errors.E602(fmt=fmt, known=", ".join(writers.names())))
    writer = writers.get(fmt)(settings)
    pipeline = load_pipeline(settings, only=only, skip=skip)
    report = BatchReport()
    show_progress = err_console.is_terminal and (len(inputs) > 1 or any(Path(i).is_dir() for i in inputs))
    docs = _with_progress(_analysed(_read_all(inputs, settings, report), pipeline, report), show_progress)
    with _output(output) as out:
        writer.write(docs, out)
    _close(report)


def _close(report: BatchReport) -> None:
    if not report.rejected:
        return
    if report.done == 0 and len(report.rejected) == 1:
        raise typer.Exit(1)  # the single error line was already printed
    err_console.print(
        f"[bold yellow]{len(report.rejected)} input(s) skipped, {report.done} analysed:[/]", highlight=False
    )
    for item in report.rejected:
        err_console.print(f"  - {escape(item.message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
