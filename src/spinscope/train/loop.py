"""The training loop of the technique tagger: resumable, on a wall-clock budget, in one or two stages.

Resumable: every checkpoint (`train.checkpoints`) holds what a restart with the same run folder needs to
continue from the newest one. The command is `spinscope train techniques` (`cli/train.py`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import data as td
from .checkpoints import latest_checkpoint, load_checkpoint, save_checkpoint, seed_all, set_rng_state
from .cpu import ThreadGovernor, autocast, cpu_has_bf16
from .model import (
    TechniqueTagger,
    TrainConfig,
    article_loss_fn,
    build_model,
    load_trainable,
    loss_fn,
    trainable_state,
)

logger = logging.getLogger(__name__)

DEFAULT_RUN = Path("runs/techniques")  # under the working directory


def _lr_lambda(total: int, warmup: int):
    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / max(1, warmup)
        return max(0.0, (total - step) / max(1, total - warmup))

    return f


def _setup_logging(run: Path) -> None:
    root = logging.getLogger("spinscope")
    root.setLevel(logging.INFO)
    log_path = str(run / "train.log")
    if not any(isinstance(h, logging.FileHandler) and h.baseFilename == log_path for h in root.handlers):
        fh = logging.FileHandler(log_path, encoding="utf-8")
        fh.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        root.addHandler(fh)


class _Progress:
    """A rich bar on a terminal; otherwise a periodic plain log line (train.log always gets them)."""

    def __init__(self, total: int, done: int) -> None:
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("[bold]train"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TextColumn("{task.fields[info]}"),
                TimeRemainingColumn(),
            )
            self.task = self.bar.add_task("train", total=total, completed=done, info="")
            self.bar.start()

    def update(self, step: int, info: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=step, info=info)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def train_techniques(
    data: Path | str,
    run: Path | str = DEFAULT_RUN,
    epochs: int = 3,
    max_minutes: float | None = None,
    *,
    max_steps: int | None = None,
    config: TrainConfig | None = None,
    windows: list[td.Window] | None = None,
) -> dict[str, Any]:
    """Train (or resume) into `run`; returns a summary (step, total steps, last loss, checkpoint path).

    `max_minutes` stops cleanly, with a checkpoint, before the wall-clock budget is spent; `max_steps`
    stops after that many optimizer steps in this call (tests, timing).
    """
    t_start = time.time()
    data, run = Path(data), Path(run)
    run.mkdir(parents=True, exist_ok=True)
    _setup_logging(run)
    cfg = config or TrainConfig(epochs=epochs)
    cfg.epochs = epochs if config is None else cfg.epochs
    ckpt_path = latest_checkpoint(run)
    ckpt = load_checkpoint(ckpt_path) if ckpt_path else None
    if ckpt is not None:
        saved = TrainConfig(**ckpt["config"])
        if saved.epochs != cfg.epochs:
            logger.warning("resuming with the checkpoint's plan of %d epochs (asked %d)", saved.epochs, cfg.epochs)
        if saved.extra != cfg.extra:
            logger.warning("resuming with the checkpoint's extra documents %s (asked %s)", saved.extra, cfg.extra)
        # Scheduling knobs come from this call; the training recipe from the checkpoint.
        saved.ckpt_minutes, saved.first_ckpt_minutes = cfg.ckpt_minutes, cfg.first_ckpt_minutes
        saved.threads, saved.adaptive_threads = cfg.threads, cfg.adaptive_threads
        cfg = saved
    if cfg.bf16 is None:
        cfg.bf16 = cpu_has_bf16()
    governor = ThreadGovernor(cfg.threads, cfg.adaptive_threads)
    seed_all(cfg.seed)

    labels = td.read_labels(data)
    (run / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    (run / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")
    if windows is None:
        windows = td.build_windows(data, labels, cfg.langs, "train", cfg.max_len, cfg.stride, cfg.spec, cfg.extra)
    fingerprint = [len(windows), sum(len(w) for w in windows)]
    plan = [td.epoch_batches(windows, cfg.batch_size, cfg.seed, e, cfg.keep_empty) for e in range(cfg.epochs)]
    total = sum(len(p) for p in plan)
    pos, n_tok = td.label_counts(windows)
    pos_weight = torch.tensor(
        np.clip(np.sqrt((n_tok - pos) / np.maximum(pos, 1)), 1.0, cfg.pos_weight_max), dtype=torch.float32
    )
    logger.info(
        "data: %d windows (%d with labels), %d content tokens; %d steps planned (%s per epoch)",
        len(windows),
        sum(w.has_labels for w in windows),
        n_tok,
        total,
        [len(p) for p in plan],
    )

    model = build_model(len(labels), cfg)
    targets = td.article_targets(data, cfg.langs) if cfg.article_loss else None
    if cfg.init and ckpt is None:
        init_state = load_checkpoint(Path(cfg.init))["model"]
        load_trainable(model, init_state, fresh=("article_head.",))
        logger.info("weights from %s", cfg.init)
    elif ckpt is None:
        prior = np.clip(pos / max(n_tok, 1), 1e-4, 0.5)
        with torch.no_grad():  # start the head at the class priors so the first steps do not swamp the encoder
            model.head.bias.copy_(torch.tensor(np.log(prior / (1 - prior)), dtype=torch.float32))
    head_params = [p for n, p in model.named_parameters() if n.startswith(("head.", "article_head."))]
    enc_decay = [p for n, p in model.bert.named_parameters() if p.requires_grad and p.ndim >= 2]
    enc_nodecay = [p for n, p in model.bert.named_parameters() if p.requires_grad and p.ndim < 2]
    opt = torch.optim.AdamW(
        [
            {"params": enc_decay, "lr": cfg.lr_encoder, "weight_decay": cfg.weight_decay},
            {"params": enc_nodecay, "lr": cfg.lr_encoder, "weight_decay": 0.0},
            {"params": head_params, "lr": cfg.lr_head, "weight_decay": 0.0},
        ]
    )
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(total, int(total * cfg.warmup_frac)))
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    logger.info("model: %d trainable parameters, %s", n_train, "resuming" if ckpt else "fresh start")

    step, epoch, batch_i, elapsed_before = 0, 0, 0, 0.0
    if ckpt is not None:
        if ckpt.get("fingerprint") != fingerprint:
            raise RuntimeError(f"{ckpt_path}: data changed since the checkpoint ({ckpt.get('fingerprint')})")
        load_trainable(model, ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        sched.load_state_dict(ckpt["scheduler"])
        set_rng_state(ckpt["rng"])
        step, epoch, batch_i = ckpt["step"], ckpt["epoch"], ckpt["batch"]
        elapsed_before = ckpt.get("elapsed", 0.0)
        if epoch < len(plan):  # a finished run's last checkpoint is past its final epoch
            plan[epoch] = ckpt["epoch_order"]
        logger.info("resumed from %s at step %d (epoch %d, batch %d)", ckpt_path.name, step, epoch, batch_i)
        del ckpt

    stop = {"signal": False}

    def _on_signal(signum, _frame) -> None:  # checkpoint and leave at the next step boundary
        logger.warning("signal %d: will checkpoint and stop", signum)
        stop["signal"] = True

    old_handlers = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):  # not the main thread: no signal handling
            old_handlers[sig] = signal.signal(sig, _on_signal)

    def save(tag: str = "") -> Path:
        state = {
            "model": trainable_state(model),
            "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(),
            "step": step,
            "epoch": epoch,
            "batch": batch_i,
            "epoch_order": plan[epoch] if epoch < len(plan) else [],
            "total_steps": total,
            "config": asdict(cfg),
            "labels": labels,
            "fingerprint": fingerprint,
            "time": time.time(),
            "elapsed": elapsed_before + time.time() - t_start,  # wall seconds of training, all calls
        }
        return save_checkpoint(run, step, state, tag)

    model.train()
    progress = _Progress(total, step)
    last_ckpt, first_ckpt_done = time.time(), False
    step_times: list[float] = []
    ema, steps_here, last_path = None, 0, None
    deadline = t_start + max_minutes * 60 if max_minutes else None
    reason = "done"
    try:
        while epoch < cfg.epochs:
            batches = plan[epoch]
            while batch_i < len(batches):
                avg = float(np.mean(step_times[-20:])) if step_times else 10.0
                if deadline and time.time() + avg + 30 > deadline:
                    reason = "max-minutes"
                    break
                if stop["signal"]:
                    reason = "signal"
                    break
                if max_steps is not None and steps_here >= max_steps:
                    reason = "max-steps"
                    break
                t0 = time.time()
                b = td.collate(windows, batches[batch_i], cfg.spec.pad, targets)
                with autocast(bool(cfg.bf16)):
                    logits, article = model.tokens_and_article(
                        input_ids=torch.from_numpy(b["input_ids"]),
                        attention_mask=torch.from_numpy(b["attention_mask"]),
                    )
                loss = loss_fn(
                    logits.float(), torch.from_numpy(b["labels"]), torch.from_numpy(b["loss_mask"]), pos_weight, cfg
                )
                if article is not None:
                    loss = loss + cfg.article_loss * article_loss_fn(article.float(), torch.from_numpy(b["article"]))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], cfg.grad_clip)
                opt.step()
                sched.step()
                step += 1
                steps_here += 1
                batch_i += 1
                lv = float(loss.detach())
                ema = lv if ema is None else 0.98 * ema + 0.02 * lv
                step_times.append(time.time() - t0)
                governor.update(step)
                sps = float(np.mean(step_times[-50:]))
                eta = (total - step) * sps
                info = f"loss {ema:.4f} {sps:.2f}s/step eta {eta / 3600:.2f}h"
                progress.update(step, info)
                if step % 10 == 0 or steps_here <= 3:
                    logger.info(
                        "step %d/%d epoch %d batch %d/%d loss %.4f ema %.4f %.2f s/step lr %.2e eta %.0f min",
                        step,
                        total,
                        epoch,
                        batch_i,
                        len(batches),
                        lv,
                        ema,
                        sps,
                        sched.get_last_lr()[0],
                        eta / 60,
                    )
                interval = cfg.ckpt_minutes if first_ckpt_done else cfg.first_ckpt_minutes
                if time.time() - last_ckpt > interval * 60:
                    last_path = save("periodic")
                    last_ckpt, first_ckpt_done = time.time(), True
            else:
                # epoch finished
                if cfg.val_windows:
                    _val_loss(model, run, data, labels, cfg, pos_weight, epoch)
                epoch += 1
                batch_i = 0
                last_path = save(f"end of epoch {epoch}")
                last_ckpt = time.time()
                continue
            break
    finally:
        progress.close()
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
    if reason != "done" and steps_here > 0:
        last_path = save(reason)
    elif reason == "done" and last_path is None:
        last_path = latest_checkpoint(run)
    logger.info("stopped (%s) at step %d/%d", reason, step, total)
    return {
        "step": step,
        "total_steps": total,
        "epoch": epoch,
        "reason": reason,
        "loss_ema": ema,
        "s_per_step": float(np.mean(step_times)) if step_times else None,
        "checkpoint": str(last_path) if last_path else None,
    }


ARTICLE_STAGE = "article-stage"  # subfolder of a run: the continuation trained with the article-level loss


@dataclass(frozen=True)
class ArticleStage:
    """A second stage continuing the token-only run with the article-level loss (not in the shipped model:
    see benchmarks/RESULTS.md; the CLI's --article-* options hold the values tried)."""

    epochs: int
    weight: float
    lr_encoder: float


def train_in_stages(
    data: Path | str,
    run: Path | str,
    config: TrainConfig,
    stage: ArticleStage | None = None,
    max_minutes: float | None = None,
) -> dict[str, Any]:
    """`config.epochs` token-only epochs in `run`, then (with `stage`) `stage.epochs` more from its last
    checkpoint in `run/ARTICLE_STAGE`, with the article-level loss. Both stages resume; returns the summary
    of the last stage that ran (`reason` "done" once both are complete)."""
    started = time.time()
    res = train_techniques(data, run, config.epochs, max_minutes, config=config)
    if res["reason"] != "done" or stage is None or stage.epochs == 0:
        return res
    left = None if max_minutes is None else max_minutes - (time.time() - started) / 60
    second = replace(
        config, epochs=stage.epochs, init=res["checkpoint"], lr_encoder=stage.lr_encoder, article_loss=stage.weight
    )
    return train_techniques(data, Path(run) / ARTICLE_STAGE, stage.epochs, left, config=second)


def _val_loss(
    model: TechniqueTagger,
    run: Path,
    data: Path,
    labels: list[str],
    cfg: TrainConfig,
    pos_weight: torch.Tensor,
    epoch: int,
) -> None:
    """Loss on a fixed, evenly spaced subset of the validation windows (cheap drift check, not a score)."""
    try:
        val = td.build_windows(data, labels, cfg.langs, "val", cfg.max_len, cfg.stride, cfg.spec)
    except Exception:
        logger.exception("validation windows could not be built")
        return
    if not val:
        return
    pick = np.linspace(0, len(val) - 1, min(cfg.val_windows, len(val))).astype(int).tolist()
    model.eval()
    losses = []
    with torch.no_grad():
        for s in range(0, len(pick), cfg.batch_size):
            b = td.collate(val, pick[s : s + cfg.batch_size], cfg.spec.pad)
            with autocast(bool(cfg.bf16)):
                logits = model(
                    input_ids=torch.from_numpy(b["input_ids"]),
                    attention_mask=torch.from_numpy(b["attention_mask"]),
                )
            losses.append(
                float(
                    loss_fn(
                        logits.float(),
                        torch.from_numpy(b["labels"]),
                        torch.from_numpy(b["loss_mask"]),
                        pos_weight,
                        cfg,
                    )
                )
            )
    model.train()
    logger.info("epoch %d validation loss %.4f on %d windows", epoch + 1, float(np.mean(losses)), len(pick))
    with (run / "val.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"epoch": epoch + 1, "val_loss": float(np.mean(losses)), "n": len(pick)}) + "\n")
