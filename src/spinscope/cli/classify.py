"""`spinscope classify-spans`: name the technique of spans given in advance (SemEval-2020 Task 11 TC)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import typer

from ..config import load_settings
from ..errors import Errors, ModelMissing
from ..eval.formats import read_spans
from ..models import model_path
from ..pipeline.encoder import load_encoder
from ..pipeline.tagger import TechniqueDecoder
from ..readers import Rejected, open_input


def classify_spans_command(
    articles: str = typer.Argument(..., help="Folder of article<ID>.txt files (or one article file)."),
    spans: Path = typer.Argument(..., help="Spans: id<TAB>start<TAB>end or id<TAB>technique<TAB>start<TAB>end."),
    labels: str = typer.Option("semeval23", "--labels", help="semeval23 (23 labels) or ptc14."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    config: Path | None = typer.Option(None, "--config", "-c", help="TOML settings file."),
    overrides: list[str] = typer.Option([], "--set", help="Override a setting: section.key=value."),
) -> None:
    """Write `id<TAB>technique<TAB>start<TAB>end` for every given span, in the input order."""
    settings = load_settings(config, overrides)
    options = settings["components"]["encoder"]
    model = load_encoder(options, "classify-spans")
    if model is None:
        folder = model_path(options["model"])
        raise ModelMissing(Errors.E202(step="classify-spans", model=folder.name, path=folder, hint=""))
    decoder = TechniqueDecoder(model.folder, model.labels, settings["components"]["techniques"])
    wanted = defaultdict(list)
    records = read_spans(spans)
    for rec in records:
        wanted[rec.article_id].append((rec.start, rec.end))
    texts = {
        doc.id.removeprefix("article"): doc.text
        for doc in open_input(articles, settings)
        if not isinstance(doc, Rejected) and doc.id.removeprefix("article") in wanted
    }
    found = {
        aid: dict(zip(pairs, decoder.classify(model.encode([texts[aid]])[0], pairs, labels), strict=True))
        for aid, pairs in wanted.items()
        if aid in texts
    }
    lines = []
    for rec in records:
        if rec.article_id in found:
            label, _ = found[rec.article_id][(rec.start, rec.end)]
            lines.append(f"{rec.article_id}\t{label}\t{rec.start}\t{rec.end}\n")
    text = "".join(lines)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
