"""The exported graph's outputs computed in torch instead of ONNX Runtime (training only).

Same windows, same inputs (the float16 word-embedding table of inference), same outputs as `EncoderModel`;
the forward pass runs under bf16 autocast where the CPU multiplies bf16 natively, several windows a call.
`frozen_e5` is the encoder as pretrained (no fine-tuning, token probabilities all zero), for the comparison
of heads on frozen sentence embeddings.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..pipeline.encoder import EncoderModel
from .bert import build_encoder
from .cpu import cpu_has_bf16


class _Frozen(nn.Module):
    def __init__(self, n_labels: int) -> None:
        super().__init__()
        self.bert, self.n_labels = build_encoder(word_embeddings=False), n_labels

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        hidden = self.bert(inputs_embeds=inputs, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return hidden.new_zeros((*hidden.shape[:2], self.n_labels)), pooled, hidden


class TorchEncoder(EncoderModel):
    """`EncoderModel` whose windows run through a torch module returning (probs, pooled, hidden)."""

    def __init__(self, folder: Path, graph: nn.Module, batch_size: int = 8) -> None:
        super().__init__(folder, batch_size)
        self.graph = graph.eval()
        self.outputs = ["probs", "pooled", "hidden"]
        self.bf16 = cpu_has_bf16()

    @classmethod
    def frozen_e5(cls, folder: Path) -> TorchEncoder:
        labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        return cls(folder, _Frozen(len(labels)))

    def run_batch(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        inputs = torch.from_numpy(ids) if self.from_ids else torch.from_numpy(self.embeddings[ids].astype(np.float32))
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            results = self.graph(inputs, torch.from_numpy(mask))
        return {name: r.float().numpy() for name, r in zip(self.outputs, results, strict=True)}
