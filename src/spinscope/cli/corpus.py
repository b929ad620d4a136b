"""`spinscope corpus ...`: analyse a corpus into Parquet shards (resumable), query them with SQL, report them."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..config import load_settings
from ..corpus.executors import EXECUTORS
from ..corpus.job import SHARD_SIZE, Job
from ..corpus.query import QueryLimits, run_query
from ..corpus.report import GROUPS, build_report, to_html, to_markdown, write_tables
from ..corpus.run import run_corpus
from ..corpus.shards import RunFolder
from ..corpus.watch import watch
from ..errors import CorpusError, Errors, SpinscopeError
from .analyze import err_console
from .output import check_output, open_output

corpus_app = typer.Typer(
    help="Analyse a whole corpus to Parquet, resumably; query and report it.",
    no_args_is_help=True,
    add_completion=False,
)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML settings file (default ./spinscope.toml).")
]
QUERY_FORMATS = ("table", "csv", "json")
EXPORT_FORMATS = ("stix", "misp", "labelstudio", "json", "jsonl")
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a setting: section.key=value.")]


class RateColumn(ProgressColumn):
    """Documents per second, over the last seconds of the run."""

    def render(self, task) -> Text:
        return Text(f"{task.speed:.1f} docs/s" if task.speed else "- docs/s", style="progress.data.speed")


@corpus_app.command("run")
def run_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, URLs, or - for stdin.", metavar="INPUT...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (shards, errors, manifest).")],
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes, each loads the models.")
    ] = 1,
    executor: Annotated[str, typer.Option("--executor", help="local (processes on this machine) or ray.")] = "local",
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only these components.")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="Switch these components off.")] = None,
    shard_size: Annotated[int, typer.Option("--shard-size", min=1, help="Documents per shard.")] = SHARD_SIZE,
    input_format: Annotated[str | None, typer.Option("--input-format", help="Force the reader.")] = None,
    dedup: Annotated[bool, typer.Option("--dedup/--no-dedup", help="Syndication clusters at the end.")] = True,
    translations: Annotated[
        bool, typer.Option("--translations/--no-translations", help="Clusters include translated copies.")
    ] = True,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Analyse every input document into Parquet shards; rerun the same command to resume after a crash."""
    if executor not in EXECUTORS:
        raise CorpusError(Errors.E904(name=executor))
    extra = [f"input.format={input_format}"] if input_format else []
    settings = load_settings(config, [*(overrides or []), *extra])
    job = Job(list(inputs), out, settings, list(only or []), list(skip or []), shard_size, workers, executor)
    job.dedup, job.translations = dedup, translations
    columns = (TextColumn("analysing"), BarColumn(), TextColumn("{task.completed} docs"), RateColumn())
    columns += (TimeElapsedColumn(), TimeRemainingColumn())
    done = sum(m["documents"] + m["rejected"] for m in RunFolder(out).completed().values())
    with Progress(*columns, console=err_console, transient=True, disable=not err_console.is_terminal) as bar:
        task = bar.add_task("analysing", total=expected_documents(inputs, settings), completed=done)
        summary = run_corpus(job, lambda n: bar.advance(task, n))
    resumed = f", {summary.skipped_shards} shard(s) already done" if summary.skipped_shards else ""
    resumed += f", {summary.clusters} syndication cluster(s)" if summary.clusters is not None else ""
    err_console.print(
        f"{summary.documents} document(s) analysed into {summary.shards} shard(s){resumed}, {summary.rejected} "
        f"rejected, {summary.duplicate_ids} duplicate id(s), in {summary.seconds:.1f} s -> {escape(str(out))}",
        highlight=False,
    )
    if summary.rejected:
        err_console.print(f"rejected documents and their reasons: {escape(str(out / 'errors'))}/*.jsonl")


def expected_documents(inputs: list[str], settings: dict) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (files and folders of files), for the
    progress bar's ETA; None otherwise (record files, archives, feeds, URLs)."""
    from ..readers.detect import reader_for
    from ..readers.folder import FolderReader

    total = 0
    for source in inputs:
        try:
            reader = reader_for(source, settings)
        except SpinscopeError:
            continue  # the run reports it
        if isinstance(reader, FolderReader) and Path(source).is_dir():
            total += len(reader.files(Path(source)))
        elif reader.name in ("txt", "html"):
            total += 1
        else:
            return None
    return total


@corpus_app.command("query")
def query_command(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a corpus run.")],
    sql: Annotated[str, typer.Argument(help="One SQL statement over the views (docs/corpus.md).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    trusted: Annotated[
        bool,
        typer.Option(
            "--trusted",
            help="A full DuckDB connection: any statement, any file (default: one SELECT over the run's files).",
        ),
    ] = False,
) -> None:
    """Run SQL (DuckDB) over the run's views: documents, techniques, paragraphs, frames, claims, entities,
    narratives, matches, clusters."""
    if fmt not in QUERY_FORMATS:
        raise SpinscopeError(Errors.E602(fmt=fmt, known=", ".join(QUERY_FORMATS)))
    columns, rows = run_query(folder, sql, trusted=trusted, limits=QueryLimits.of(load_settings()))
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        sys.stdout.write(
            json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, ensure_ascii=False)
        )
        sys.stdout.write("\n")
    else:
        table = Table(*columns, box=box.SIMPLE_HEAD)
        for row in rows:
            table.add_row(*(escape("" if v is None else str(v)) for v in row))
        Console().print(table)


@corpus_app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a corpus run.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="A record format: " + ", ".join(EXPORT_FORMATS))],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    where: Annotated[
        str, typer.Option("--where", help="An SQL condition on the documents view: only those documents.")
    ] = "",
) -> None:
    """Write the run's documents (all, or those --where selects) as STIX 2.1, MISP, Label Studio tasks, JSON
    or JSON Lines."""
    from ..corpus.export import exported_records
    from ..registry import writers

    if fmt not in EXPORT_FORMATS:
        raise SpinscopeError(Errors.E602(fmt=fmt, known=", ".join(EXPORT_FORMATS)))
    settings = load_settings()
    records = exported_records(folder, where, QueryLimits.of(settings))
    check_output(output, [str(folder)])
    with open_output(output) as out:
        writers.get(fmt)(settings).write_records(records, out)


@corpus_app.command("report")
def report_command(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a corpus run.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The report file (.html or .md).")],
    by: Annotated[str, typer.Option("--by", help="Group by outlet, language or channel.")] = "outlet",
    since: Annotated[str | None, typer.Option("--since", help="Only documents dated on or after (YYYY-MM-DD).")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only documents dated on or before (YYYY-MM-DD).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html (self-contained) or md.")] = "html",
    tables: Annotated[Path | None, typer.Option("--tables", help="Also write each table as CSV here.")] = None,
) -> None:
    """Plots and tables of a corpus run: techniques over time and by group, targeted actors, narratives,
    syndication clusters, matched debunked cases."""
    if by not in GROUPS:
        raise SpinscopeError(Errors.E504(key="--by", what="grouping", name=by, hint=f"; known: {', '.join(GROUPS)}"))
    if fmt not in ("html", "md"):
        raise SpinscopeError(Errors.E602(fmt=fmt, known="html, md"))
    check_output(output, [])
    sections = build_report(folder, by, since, until, QueryLimits.of(load_settings()))
    heading = f"spinscope corpus report: {folder.name}"
    try:
        if fmt == "md":
            body = to_markdown(sections, heading, output.with_name(f"{output.stem}-plots"))
        else:
            body = to_html(sections, heading)
        with open_output(output) as out:
            out.write(body)
        written = write_tables(sections, tables) if tables else []
    except OSError as exc:
        raise CorpusError(Errors.E901(path=output, detail=exc.strerror or exc)) from None
    extra = f" and {len(written)} CSV table(s) in {escape(str(tables))}" if written else ""
    err_console.print(f"report written to {escape(str(output))}{extra}", highlight=False)


@corpus_app.command("watch")
def watch_command(
    feeds: Annotated[list[str], typer.Argument(help="RSS/Atom feed URLs or files.", metavar="FEED...")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (the layout of corpus run).")],
    every: Annotated[str, typer.Option("--every", help="Time between polls: 90s, 30m, 1h, 1d.")] = "1h",
    polls: Annotated[int, typer.Option("--polls", min=0, help="Stop after this many polls (0: never).")] = 0,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes.")] = 1,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only these components.")] = None,
    skip: Annotated[list[str] | None, typer.Option("--skip", help="Switch these components off.")] = None,
    shard_size: Annotated[int, typer.Option("--shard-size", min=1, help="Documents per shard.")] = SHARD_SIZE,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Poll feeds on a schedule; new items (by URL and content) are analysed into shards. Stop with Ctrl-C and
    rerun the same command to go on."""
    seconds = parse_duration(every)
    settings = load_settings(config, overrides or [])
    job = Job(list(feeds), out, settings, list(only or []), list(skip or []), shard_size, workers)
    total = watch(job, seconds, polls, lambda line: err_console.print(escape(line), highlight=False))
    err_console.print(f"{total} document(s) analysed -> {escape(str(out))}", highlight=False)


def parse_duration(text: str) -> float:
    """'90s', '30m', '1h', '1d' or a number of seconds (E505 otherwise)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        raise SpinscopeError(Errors.E505(key="--every", kind="a duration such as 90s, 30m, 1h or 1d")) from None
    if seconds <= 0:
        raise SpinscopeError(Errors.E505(key="--every", kind="a positive duration"))
    return seconds
