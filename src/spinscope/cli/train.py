"""`spinscope train ...`: model training commands. torch is imported inside the commands only."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated

import typer

ENCODED = Path("runs/encoded")  # encoded articles, cached per exported model file (train.corpus)
MODELS = Path("src/spinscope/models")  # where the shipped models live in a checkout
SHARED = Path("../shared/data")

Data = Annotated[Path, typer.Option("--data", help="the shared data folder")]
Encoder = Annotated[Path, typer.Option("--model", help="encoder model folder")]
Out = Annotated[Path, typer.Option("--out", help="folder to write")]
Cache = Annotated[Path, typer.Option("--cache", help="where encoded inputs are cached")]
Written = Annotated[
    list[Path] | None,
    typer.Option("--written", help="our annotated sentences, files or folders (default: train.entities.OURS)"),
]


def _show(metrics: object) -> None:
    typer.echo(json.dumps(metrics, indent=1, sort_keys=True))


def _log() -> None:
    """Progress lines of the long fits (encoding, folds) on stderr."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True)


def _seed() -> int:
    """The settings' `seed` (defaults.toml, then ./spinscope.toml): weight init, batch order, CV folds."""
    from ..config import load_settings

    return int(load_settings()["seed"])


train_app = typer.Typer(help="Train models (needs the 'train' extra: torch, transformers, onnx).", no_args_is_help=True)


@train_app.command("techniques")
def techniques(
    data: Path = typer.Option(..., "--data", help="folder semeval2023-task3 (../shared/data/semeval2023-task3)"),
    out: Path = typer.Option(Path("src/spinscope/models/techniques"), "--out", help="exported model folder"),
    run: Path = typer.Option(Path("runs/techniques"), "--run", help="run folder: checkpoints and logs"),
    epochs: int = typer.Option(3, "--epochs"),
    max_minutes: float | None = typer.Option(None, "--max-minutes", help="checkpoint and stop before this"),
    loss: str = typer.Option("bce", "--loss", help="bce (pos_weight) or focal"),
    encoder: str = typer.Option("e5-small", "--encoder", help="e5-small (multilingual) or minilm-l6 (English)"),
    export: bool = typer.Option(True, "--export/--no-export", help="export ONNX when training is complete"),
    article_epochs: int = typer.Option(
        0, "--article-epochs", help="epochs of a second stage with the article-level loss (frames + genre); 0: none"
    ),
    article_loss: float = typer.Option(1.0, "--article-loss", help="weight of the article-level loss"),
    article_lr: float = typer.Option(3e-5, "--article-lr", help="encoder learning rate of the second stage"),
    extra: list[Path] = typer.Option(
        [],
        "--extra",
        help="reviewed corrections exported by the web app (SemEval folder or JSONL) for the train split; repeatable",
    ),
) -> None:
    """Train (or resume) the span-level technique tagger, optionally continue it with the article-level loss
    (--article-epochs, in RUN/article-stage), and export the result to --out when all epochs are done."""
    from .._optional import require

    require("torch", feature="spinscope train")
    require("transformers", feature="spinscope train")
    from ..backbones.specs import SPECS
    from ..train.loop import ArticleStage, train_in_stages
    from ..train.model import TrainConfig

    langs = list(SPECS[encoder].languages)
    cfg = TrainConfig(
        epochs=epochs, loss=loss, encoder=encoder, langs=langs, seed=_seed(), extra=[str(p) for p in extra]
    )
    stage = ArticleStage(article_epochs, article_loss, article_lr) if article_epochs else None
    res = train_in_stages(data, run, cfg, stage, max_minutes)
    typer.echo(json.dumps(res, indent=1))
    if export and res["reason"] == "done":
        from ..train.finalise import finalise

        metrics = finalise(Path(res["checkpoint"]).parent, out, data.parent, cache=ENCODED)
        typer.echo(f"exported to {out}: {json.dumps(metrics['scores'], sort_keys=True)}")
    elif export:
        typer.echo(f"not exported: training stopped early ({res['reason']}); run the same command to resume")


@train_app.command("export")
def export(
    run: Path = typer.Option(Path("runs/techniques"), "--run", help="run folder with checkpoints"),
    out: Path = typer.Option(Path("src/spinscope/models/techniques"), "--out", help="model folder to write"),
    checkpoint: Path | None = typer.Option(None, "--checkpoint", help="a checkpoint file (default: latest)"),
    data: Path | None = typer.Option(None, "--data", help="shared data folder (default: ../shared/data)"),
) -> None:
    """Export a checkpoint to ONNX int8, tune thresholds, fit the paragraph and span heads, score, write the card."""
    from .._optional import require

    require("torch", feature="spinscope train export")
    from ..train.finalise import finalise

    metrics = finalise(run, out, data, cache=ENCODED, checkpoint=checkpoint)
    typer.echo(json.dumps(metrics["scores"], indent=1, sort_keys=True))


def _head_command(task: str):
    def command(data: Data = SHARED, model: Encoder = MODELS / "techniques", out: Out = MODELS / task,
                cache: Cache = ENCODED) -> None:  # fmt: skip
        from ..train.heads import train_head

        _show(train_head(task, model, out, data, cache, seed=_seed()))

    command.__doc__ = f"Fit the {task} head on the shared encoder's article vectors; compare with TF-IDF."
    return command


train_app.command("frames")(_head_command("frames"))
train_app.command("genre")(_head_command("genre"))


@train_app.command("claims")
def claims(data: Data = SHARED, model: Encoder = MODELS / "techniques", out: Out = MODELS / "claims",
           cache: Cache = ENCODED) -> None:  # fmt: skip
    """Fit the check-worthiness head on the shared encoder's sentence features; compare with TF-IDF and
    frozen e5 by leave-debates-out cross-validation on CLEF 2020 Task 5."""
    from ..train.claims import train_claims

    _log()
    _show(train_claims(model, out, data, cache, seed=_seed()))


@train_app.command("entities")
def entities(
    data: Data = SHARED,
    model: Encoder = MODELS / "techniques",
    out: Out = MODELS / "entities",
    written: Written = None,
    held_out: Annotated[Path, typer.Option("--held-out", help="our held-out actor sentences, to choose on")] = Path(
        "tests/fixtures/actors_heldout"
    ),
    cache: Cache = ENCODED,
) -> None:
    """Fit the token NER head on the shared encoder's last and middle-layer states, with spaCy/natasha silver labels
    and our own annotated sentences (default: the packaged ones and tests/fixtures/actors)."""
    from ..train.entities import OURS, train_entities

    _log()
    ours = written or list(OURS)
    _show(train_entities(model, out, ours, held_out, data, cache, seed=_seed()))


@train_app.command("mention-types")
def mention_types(
    data: Data = SHARED,
    out: Out = MODELS / "entities",
    written: Written = None,
    actors: Annotated[Path, typer.Option("--actors", help="our actor sentences, to choose on")] = Path(
        "tests/fixtures/actors_heldout"
    ),
    held_out: Annotated[Path, typer.Option("--held-out", help="our blind actor sentences")] = Path(
        "tests/fixtures/actors_blind"
    ),
) -> None:
    """Fit the mention typer (person, organisation, place or no name) on the pretrained e5 embedding of a name,
    with spaCy/natasha silver names and our annotated sentences; choose its cuts on our held-out actor sentences,
    score the blind ones."""
    from ..train.entities import OURS
    from ..train.mention_types import train_mention_types

    _log()
    ours = written or list(OURS)
    _show(train_mention_types(out, data, ours, actors, held_out, seed=_seed())["typed_precision_recall"])


@train_app.command("roles")
def roles(data: Data = SHARED, model: Encoder = MODELS / "techniques", out: Out = MODELS / "roles",
          cache: Cache = ENCODED) -> None:  # fmt: skip
    """Fit the entity-framing role heads (SemEval-2025 Task 10 subtask 1) on the shared encoder's mention
    features, with a lexical head blended in; figures by cross-validation against majority and TF-IDF."""
    from ..train.roles import train_roles

    _log()
    _show(train_roles(model, out, data, cache)["figures"]["held_out_halves"])


@train_app.command("narratives")
def narratives(data: Data = SHARED, model: Encoder = MODELS / "techniques", out: Out = MODELS / "narratives",
               cache: Cache = ENCODED) -> None:  # fmt: skip
    """Fit the SemEval-2025 narrative head on the shared encoder's article features; compare with frozen e5
    and TF-IDF on a fixed held-out quarter and by cross-validation."""
    from ..train.narratives import train_narratives

    _show(train_narratives(model, out, data, cache, seed=_seed())["chosen"])


@train_app.command("matching")
def matching(data: Data = SHARED, out: Out = MODELS / "matching") -> None:
    """Fit the case-match verifier on the dev half of our matching test set (EUvsDisinfo cases), choose its
    cut there and report precision/recall on the test half, beside raw cosine."""
    from ..train.matching import train_matching

    _show(train_matching(out, data)["results"])


@train_app.command("display")
def display(
    data: Data = SHARED,
    model: Encoder = MODELS / "techniques",
    audit_sample: Annotated[
        Path | None, typer.Option("--audit-sample", help="only write spans to judge for the audit to this file")
    ] = None,
) -> None:
    """Choose the score each technique's span needs to be shown, per language: the lowest at which the spans of
    the validation articles are right at least half the time, the gold's unconfirmed spans read through the
    audit (thresholds.json `display`)."""
    from ..config import load_settings
    from ..train.display import judged_spans, train_display, write_audit_sample

    overrides = [f"components.encoder.model={model.resolve()}", "components.techniques.display_precision=0"]
    settings = load_settings(overrides=overrides)  # every span judged
    if audit_sample is not None:
        count = write_audit_sample(audit_sample, judged_spans(data, settings), data)
        typer.echo(f"{count} spans to judge written to {audit_sample}")
        return
    _show(train_display(model, data, settings)["held_out_halves"])


@train_app.command("retrieval")
def retrieval(out: Out = MODELS / "retrieval") -> None:
    """Export the pretrained multilingual-e5-small (no fine-tuning) as the int8 ONNX sentence embedder of
    matching and user narratives."""
    from ..train.retrieval import export_retrieval

    _show(export_retrieval(out))
