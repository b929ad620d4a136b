"""`spinscope dedup`: syndication clusters (near-duplicates and translations) of the articles read.

jsonl prints one cluster per line (the fields of `spinscope.corpus.dedup`); csv prints one row per member:
cluster, member, kind, similarity, earliest, date, source, domain (ids may repeat across inputs; sources tell
them apart). Documents in no cluster are not printed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TextIO

import typer

from ..config import load_settings
from ..errors import Errors, SpinscopeError
from ..readers import Rejected
from ..runner import RunStats, read_inputs
from .analyze import _with_progress, close_run, err_console, print_reject
from .output import check_output, open_output

FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("cluster", "member", "kind", "similarity", "earliest", "date", "source", "domain")


def dedup_command(
    inputs: list[str] = typer.Argument(..., help="Files, folders, URLs, or - for stdin.", metavar="INPUT..."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl (one cluster a line) or csv (one member a row)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    threshold: float | None = typer.Option(
        None, "--threshold", help="Containment of the shorter text in the longer for near-duplicates (default 0.5)."
    ),
    no_translations: bool = typer.Option(False, "--no-translations", help="Near-duplicates only (no model)."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file (default ./spinscope.toml)."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
    input_format: str | None = typer.Option(None, "--input-format", help="Force the reader (default: sniff)."),
    text_field: str | None = typer.Option(None, "--text-field", help="JSONL/CSV field holding the text."),
    id_field: str | None = typer.Option(None, "--id-field", help="JSONL/CSV field holding the id."),
) -> None:
    """Group republished articles: near-duplicate copies and translations, with the earliest of each group."""
    from ..corpus.dedup import THRESHOLD, Deduper

    if fmt not in FORMATS:
        raise SpinscopeError(Errors.E801(fmt=fmt))
    check_output(output, [*inputs, config])
    flags = {"input.format": input_format, "input.text_field": text_field, "input.id_field": id_field}
    settings = load_settings(config, [*overrides, *(f"{k}={v}" for k, v in flags.items() if v is not None)])
    deduper = Deduper(THRESHOLD if threshold is None else threshold, translations=not no_translations)
    stats = RunStats()

    def reject(item: Rejected) -> None:
        stats.rejected.append(item)
        print_reject(item)

    show_progress = err_console.is_terminal and (len(inputs) > 1 or any(Path(i).is_dir() for i in inputs))
    for doc in _with_progress(read_inputs(inputs, settings, reject), show_progress):
        deduper.add_document(doc)
        stats.done += 1
    clusters = deduper.clusters()
    with open_output(output) as out:
        (write_csv if fmt == "csv" else write_jsonl)(clusters, out)
    close_run(stats)


def write_jsonl(clusters: list[dict[str, Any]], out: TextIO) -> None:
    for cluster in clusters:
        out.write(json.dumps(cluster, ensure_ascii=False) + "\n")


def write_csv(clusters: list[dict[str, Any]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in clusters:
        for member, date, source, domain in zip(c["members"], c["dates"], c["sources"], c["domains"], strict=True):
            first = (c["cluster"], member, c["kind"], c["similarity"], c["earliest"])
            writer.writerow((*first, date or "", source or "", domain or ""))
