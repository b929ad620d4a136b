from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")


def test_two_steps_checkpoint_and_resume(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.train.techniques import checkpoints, train_techniques

    run = tmp_path / "run"
    r1 = train_techniques(tiny_data, run, config=tiny_config, max_steps=2)
    assert r1["step"] == 2 and r1["reason"] == "max-steps"
    assert 1 <= len(checkpoints(run)) <= 2  # an epoch-end one (epoch 1 is one batch) + the stop one
    ck = torch.load(checkpoints(run)[-1], map_location="cpu", weights_only=False)
    assert "bert.embeddings.word_embeddings.weight" not in ck["model"]
    assert ck["step"] == 2
    r2 = train_techniques(tiny_data, run, config=tiny_config, max_steps=1)
    assert r2["step"] == 3
    assert (run / "train.log").read_text(encoding="utf-8").count("resumed from") == 1
    assert (run / "labels.json").exists()
    assert len(checkpoints(run)) <= 2  # only the last two are kept


def test_init_starts_a_fresh_run_from_another_runs_weights(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from dataclasses import replace

    from spinscope.train.techniques import build_model, checkpoints, load_trainable, train_techniques

    train_techniques(tiny_data, tmp_path / "base", config=tiny_config, max_steps=2)
    base = checkpoints(tmp_path / "base")[-1]
    cfg = replace(tiny_config, init=str(base), lr_encoder=0.0, lr_head=0.0)  # no update: weights must stay
    res = train_techniques(tiny_data, tmp_path / "cont", config=cfg, max_steps=1)
    assert res["step"] == 1  # a fresh schedule, not a resume at step 2
    assert "weights from" in (tmp_path / "cont" / "train.log").read_text(encoding="utf-8")
    before, after = build_model(4, tiny_config), build_model(4, tiny_config)
    load_trainable(before, torch.load(base, map_location="cpu", weights_only=False)["model"])
    after_ckpt = torch.load(checkpoints(tmp_path / "cont")[-1], map_location="cpu", weights_only=False)
    load_trainable(after, after_ckpt["model"])
    assert torch.equal(before.head.weight, after.head.weight)
