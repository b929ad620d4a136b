"""`spinscope casebank ...`: import debunked claims into the local case bank, list, show and remove them.

Every command takes `--config` / `--set` like `analyze`, so `--set casebank.path=FILE` picks the bank. Errors
are raised as coded SpinscopeErrors, which the root app prints as one line (exit code 2).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..casebank import FORMATS, MAPPABLE, CaseBank, bank_path, parse_mapping, read_cases
from ..casebank.importers import Item
from ..casebank.store import CASE_FIELDS, Case
from ..config import load_settings
from ..errors import CaseBankError, Errors, SpinscopeError
from .output import check_output, open_output

casebank_app = typer.Typer(
    help="Import and inspect the local bank of debunked claims.", no_args_is_help=True, add_completion=False
)
out = Console()
err_console = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML settings file (default ./spinscope.toml).")
]
SetOpt = Annotated[list[str] | None, typer.Option("--set", help="Override a setting: section.key=value.")]
BankOpt = Annotated[str | None, typer.Option("--bank", help="Only the cases of this bank (source name).")]


def _settings(config: Path | None, overrides: list[str] | None) -> dict[str, Any]:
    return load_settings(config, overrides or ())


def _open(settings: dict[str, Any]) -> CaseBank:
    return CaseBank(bank_path(settings))


def _say(text: str) -> None:
    """One plain line on stdout: no markup, no highlighting, no wrapping (paths stay greppable)."""
    out.print(escape(text), highlight=False, soft_wrap=True)


def _check_bank(store: CaseBank, bank: str | None) -> None:
    if bank is not None and bank not in (known := store.banks()):
        raise CaseBankError(Errors.E712(bank=bank, known=", ".join(known) or "none"))


def _with_progress(items: Iterable[Item]) -> Iterator[Item]:
    if not err_console.is_terminal:
        yield from items
        return
    columns = (SpinnerColumn(), TextColumn("importing"), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True) as progress:
        task = progress.add_task("importing", total=None)
        for item in items:
            progress.advance(task)
            yield item


@casebank_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A file, or a folder of files, of debunked claims.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"auto|{'|'.join(FORMATS)}")] = "auto",
    maps: Annotated[
        list[str] | None, typer.Option("--map", help=f"csv/jsonl: field=column; fields: {', '.join(MAPPABLE)}.")
    ] = None,
    bank: Annotated[str | None, typer.Option("--bank", help="Bank name (default: the format or file name).")] = None,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Import cases; re-importing updates changed cases and adds no duplicates. All or nothing."""
    settings = _settings(config, overrides)
    items = read_cases(path, settings, fmt=fmt, bank=bank, mapping=parse_mapping(maps or ()))
    with CaseBank(bank_path(settings), create=True) as store:
        report = store.upsert(_with_progress(items))
    _say(
        f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
        f"duplicates {report.duplicates}, skipped {report.skipped} -> {store.path} (revision {report.revision})"
    )
    for example in report.examples:
        _say(f"  skipped {example}")


@casebank_app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="claimreview (schema.org JSON-LD).")] = "claimreview",
    bank: BankOpt = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Publish the cases (or one bank's, such as the newsroom's own verdicts) as ClaimReview JSON-LD."""
    from ..interop.claimreview import claimreview

    if fmt != "claimreview":
        raise SpinscopeError(Errors.E602(fmt=fmt, known="claimreview"))
    settings = _settings(config, overrides)
    with _open(settings) as store:
        _check_bank(store, bank)
        document = claimreview(store.iter_cases(bank))
    check_output(output, [])
    with open_output(output) as out:
        out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")


@casebank_app.command("list")
def list_command(
    bank: BankOpt = None,
    grep: Annotated[
        str | None, typer.Option("--grep", help="Only cases whose title or claim has all these words.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most this many (0: all).")] = 20,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """List cases (sorted by id, or best keyword match first with --grep)."""
    with _open(_settings(config, overrides)) as store:
        _check_bank(store, bank)
        cases = (
            store.search(grep, limit=limit, bank=bank)
            if grep is not None
            else list(islice(store.iter_cases(bank), limit or None))
        )
    table = Table(title=f"{len(cases)} case(s)", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True)
    for name in ("bank", "date", "language"):
        table.add_column(name, no_wrap=True)
    table.add_column("title", overflow="fold")
    for case in cases:
        table.add_row(*(escape(v or "") for v in (case.id, case.bank, case.date, case.language, case.title)))
    out.print(table)


def _shown(case: Case, name: str) -> str:
    value = getattr(case, name)
    return ", ".join(value) if isinstance(value, list) else "" if value is None else str(value)


@casebank_app.command("show")
def show_command(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="The case id (see `spinscope casebank list`).")],
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Show every field of one case."""
    with _open(_settings(config, overrides)) as store:
        case = store.get(case_id)
    if case is None:
        raise CaseBankError(Errors.E705(ids=repr(case_id), detail=""))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for name in CASE_FIELDS:
        grid.add_row(name, escape(_shown(case, name)))
    out.print(grid)


@casebank_app.command("stats")
def stats_command(config: ConfigOpt = None, overrides: SetOpt = None) -> None:
    """Count cases per bank and language; show the date range, revision and file size."""
    with _open(_settings(config, overrides)) as store:
        stats = store.stats()
    dates = f"{stats.first_date} to {stats.last_date}" if stats.first_date else "none"
    _say(f"{stats.path}: {stats.cases} case(s), revision {stats.revision}")
    _say(f"dates: {dates}; size: {stats.size_bytes / 1e6:.1f} MB")
    for title, counts in (("bank", stats.banks), ("language", stats.languages)):
        table = Table()
        table.add_column(title)
        table.add_column("cases", justify="right")
        for name, n in counts.items():
            table.add_row(escape(name), str(n))
        out.print(table)


@casebank_app.command("remove")
def remove_command(
    ids: Annotated[list[str] | None, typer.Argument(metavar="[ID]...", help="Ids of the cases to remove.")] = None,
    bank: Annotated[str | None, typer.Option("--bank", help="Remove this whole bank (with ids: only of it).")] = None,
    config: ConfigOpt = None,
    overrides: SetOpt = None,
) -> None:
    """Remove cases by id, or a whole bank; an unknown id removes nothing."""
    with _open(_settings(config, overrides)) as store:
        removed = store.remove(ids or (), bank=bank)
        revision = store.revision()
    _say(f"removed {removed} case(s) -> {store.path} (revision {revision})")
