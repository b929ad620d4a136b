"""`spinscope classify-spans`: name the technique of spans given in advance (SemEval-2020 Task 11 TC)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..api import classify_spans
from ..config import load_settings
from ..eval.formats import read_spans
from .analyze import close_run, print_reject
from .output import check_output, open_output


def classify_spans_command(
    articles: str = typer.Argument(..., help="Folder of article<ID>.txt files (or one article file)."),
    spans: Path = typer.Argument(..., help="Spans: id<TAB>start<TAB>end or id<TAB>technique<TAB>start<TAB>end."),
    labels: str = typer.Option("semeval23", "--labels", help="semeval23 (23 labels) or ptc14."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
) -> None:
    """Write `id<TAB>technique<TAB>start<TAB>end` for every given span, in the input order; articles that
    cannot be read are listed and skipped (exit code 1)."""
    check_output(output, [articles, spans, config])
    settings = load_settings(config, overrides)
    records = [(r.article_id, r.start, r.end) for r in read_spans(spans)]
    rows, stats = classify_spans([articles], records, settings, labels, print_reject)
    text = "".join(f"{aid}\t{label}\t{start}\t{end}\n" for aid, label, start, end in rows)
    with open_output(output) as out:
        out.write(text)
    close_run(stats)
