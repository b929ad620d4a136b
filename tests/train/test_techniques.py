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
