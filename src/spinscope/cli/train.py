"""`spinscope train ...`: model training commands. torch is imported inside the commands only."""

from __future__ import annotations

import json
from pathlib import Path

import typer

train_app = typer.Typer(
    help="Train models (needs the 'train' extra: torch, transformers, onnx).", no_args_is_help=True
)


@train_app.command("techniques")
def techniques(
    data: Path = typer.Option(
        ..., "--data", help="folder semeval2023-task3 (../shared/data/semeval2023-task3)"
    ),
    out: Path = typer.Option(Path("models/techniques"), "--out", help="where the exported ONNX model goes"),
    run: Path = typer.Option(Path("/work/runs/techniques"), "--run", help="run folder: checkpoints and logs"),
    epochs: int = typer.Option(3, "--epochs"),
    max_minutes: float | None = typer.Option(None, "--max-minutes", help="checkpoint and stop before this"),
    loss: str = typer.Option("bce", "--loss", help="bce (pos_weight) or focal"),
    export: bool = typer.Option(True, "--export/--no-export", help="export ONNX when training is complete"),
) -> None:
    """Train (or resume) the span-level technique tagger, then export it to --out when all epochs are done."""
    from .._optional import require

    require("torch", feature="spinscope train")
    require("transformers", feature="spinscope train")
    from ..train.techniques import TrainConfig, train_techniques

    cfg = TrainConfig(epochs=epochs, loss=loss)
    res = train_techniques(data, run, epochs, max_minutes, config=cfg)
    typer.echo(json.dumps(res, indent=1))
    if export and res["reason"] == "done":
        from ..train.export import export_techniques

        path = export_techniques(run, out)
        typer.echo(f"exported to {path}")
    elif export:
        typer.echo(f"not exported: training stopped early ({res['reason']}); run the same command to resume")
