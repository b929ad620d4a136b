"""`spinscope classify-spans` and `classify-roles`: label spans or mentions given in advance (SemEval-2020 Task 11
TC; SemEval-2025 Task 10 subtask 1, entity framing)."""

from __future__ import annotations

from pathlib import Path

import typer

from ..api import classify_roles, classify_spans
from ..config import check_choice, load_settings
from ..eval.formats import read_mentions, read_spans
from ..labels import SCHEMES
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
    check_choice("--labels", labels, SCHEMES)
    settings = load_settings(config, overrides)
    records = [(r.article_id, r.start, r.end) for r in read_spans(spans)]
    rows, stats = classify_spans([articles], records, settings, labels, print_reject)
    text = "".join(f"{aid}\t{label}\t{start}\t{end}\n" for aid, label, start, end in rows)
    with open_output(output) as out:
        out.write(text)
    close_run(stats)


def classify_roles_command(
    articles: str = typer.Argument(..., help="Folder of article files (<id>.txt), or one article file."),
    mentions: Path = typer.Argument(..., help="Mentions: article_id<TAB>mention<TAB>start<TAB>end (end inclusive)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
) -> None:
    """Write `article_id<TAB>mention<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...` (the official layout) for
    every given mention, in the input order; articles that cannot be read are listed and skipped (exit code 1)."""
    check_output(output, [articles, mentions, config])
    settings = load_settings(config, overrides)
    rows = read_mentions(mentions)
    found, stats = classify_roles([articles], [(a, s, e + 1) for a, _, s, e in rows], settings, print_reject)
    lines = []
    for article, mention, start, end in rows:
        if (roles := found.get((article, start, end + 1))) is not None:
            lines.append("\t".join([article, mention, str(start), str(end), roles[0], *roles[1]]) + "\n")
    with open_output(output) as out:
        out.write("".join(lines))
    close_run(stats)
