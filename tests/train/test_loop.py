import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")


def test_two_steps_checkpoint_and_resume(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.train.checkpoints import checkpoints
    from spinscope.train.loop import train_techniques

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

    from spinscope.train.checkpoints import checkpoints
    from spinscope.train.loop import train_techniques
    from spinscope.train.model import build_model, load_trainable

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


def test_article_loss_adds_a_head_trained_on_frames_and_genre(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    """A token-only checkpoint continues with the article head (fresh), which the checkpoint then carries."""
    from dataclasses import replace

    import numpy as np

    from spinscope.labels import FRAMES, GENRES
    from spinscope.train import data as td
    from spinscope.train.checkpoints import checkpoints
    from spinscope.train.loop import train_techniques
    from spinscope.train.model import build_model, load_trainable

    lang = tiny_data / "fr"
    (lang / "train-labels-subtask-2.txt").write_text(f"1\t{FRAMES[0]},{FRAMES[3]}\n2\t\n", encoding="utf-8")
    (lang / "train-labels-subtask-1.txt").write_text("1\topinion\n2\treporting\n3\tsatire\n", encoding="utf-8")
    targets = td.article_targets(tiny_data, ["fr"])
    frames_1, genre_1 = targets["fr/1"][: len(FRAMES)], targets["fr/1"][len(FRAMES) :]
    assert frames_1[[0, 3]].tolist() == [1.0, 1.0] and frames_1.sum() == 2
    assert genre_1.tolist() == [float(g == "opinion") for g in GENRES]
    assert np.isnan(targets["fr/3"][: len(FRAMES)]).all()  # no frames gold for article 3

    train_techniques(tiny_data, tmp_path / "base", config=tiny_config, max_steps=1)
    cfg = replace(tiny_config, init=str(checkpoints(tmp_path / "base")[-1]), article_loss=0.5)
    res = train_techniques(tiny_data, tmp_path / "multi", config=cfg, max_steps=2)
    assert res["step"] == 2 and np.isfinite(res["loss_ema"])
    state = torch.load(checkpoints(tmp_path / "multi")[-1], map_location="cpu", weights_only=False)["model"]
    assert state["article_head.weight"].shape[0] == len(FRAMES) + len(GENRES)
    model = build_model(4, cfg)
    load_trainable(model, state)  # strict again: the head is part of the run now
    with pytest.raises(RuntimeError, match="missing"):
        load_trainable(build_model(4, cfg), torch.load(cfg.init, map_location="cpu", weights_only=False)["model"])


def test_two_stage_recipe_continues_the_token_run_with_the_article_loss(
    tiny_data: Path, tiny_config, tmp_path: Path
) -> None:
    """`spinscope train techniques --article-epochs N`: token-only epochs, then the article-loss stage from
    their last checkpoint; a second call finds both done; the export records where the weights came from."""
    from dataclasses import replace

    from spinscope.train.cards import write_technique_card
    from spinscope.train.checkpoints import checkpoints
    from spinscope.train.export import export_techniques
    from spinscope.train.loop import ARTICLE_STAGE, ArticleStage, train_in_stages

    lang = tiny_data / "fr"
    (lang / "train-labels-subtask-1.txt").write_text("1\topinion\n2\treporting\n3\tsatire\n", encoding="utf-8")
    cfg = replace(tiny_config, epochs=1)
    run = tmp_path / "run"
    res = train_in_stages(tiny_data, run, cfg, ArticleStage(epochs=1, weight=0.5, lr_encoder=1e-5))
    assert res["reason"] == "done" and Path(res["checkpoint"]).parent == run / ARTICLE_STAGE
    first = checkpoints(run)[-1]
    stage = json.loads((run / ARTICLE_STAGE / "config.json").read_text(encoding="utf-8"))
    assert stage["init"] == str(first) and stage["article_loss"] == 0.5 and stage["lr_encoder"] == 1e-5
    assert json.loads((run / "config.json").read_text(encoding="utf-8"))["article_loss"] == 0.0

    again = train_in_stages(tiny_data, run, cfg, ArticleStage(epochs=1, weight=0.5, lr_encoder=1e-5))
    assert again["reason"] == "done" and again["step"] == res["step"] and checkpoints(run)[-1] == first

    pytest.importorskip("onnx")
    export_techniques(run / ARTICLE_STAGE, tmp_path / "model", quantize=False, verify=False)
    write_technique_card(tmp_path / "model")
    exported = json.loads((tmp_path / "model" / "config.json").read_text(encoding="utf-8"))
    assert exported["init"] == first.name and exported["article_loss"] == 0.5
    assert "Second stage: continued from the token-only checkpoint" in (tmp_path / "model" / "MODEL_CARD.md").read_text(
        encoding="utf-8"
    )


def _corrections(tmp_path: Path) -> Path:
    """A JSONL export of the web app's reviewed corrections, with an invented text."""
    text = "Les élus incompétents ont encore promis la lune. Qui peut encore les croire ?\n"
    spans = [{"technique": "Doubt", "start": text.index("Qui"), "end": len(text) - 1}]
    path = tmp_path / "corrections.jsonl"
    path.write_text(json.dumps({"id": "r1", "text": text, "language": "fr", "spans": spans}) + "\n", encoding="utf-8")
    return path


def test_extra_documents_join_the_training_windows(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from dataclasses import replace

    from spinscope.train import data as td
    from spinscope.train.checkpoints import checkpoints
    from spinscope.train.loop import train_techniques

    cfg = replace(tiny_config, extra=[str(_corrections(tmp_path))])
    labels = td.read_labels(tiny_data)
    windows = td.build_windows(tiny_data, labels, ["fr"], "train", cfg.max_len, cfg.stride, extra=cfg.extra)
    plain = td.build_windows(tiny_data, labels, ["fr"], "train", cfg.max_len, cfg.stride)
    assert len(windows) > len(plain)
    res = train_techniques(tiny_data, tmp_path / "run", config=cfg, max_steps=1)
    assert res["step"] == 1
    ck = torch.load(checkpoints(tmp_path / "run")[-1], map_location="cpu", weights_only=False)
    assert ck["fingerprint"][0] == len(windows) and ck["config"]["extra"] == cfg.extra


def test_the_command_passes_every_extra_to_the_training(tiny_data: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from tests.conftest import run_cli

    from spinscope.train import loop

    seen = {}

    def fake(data, run, config, stage=None, max_minutes=None):
        seen["config"] = config
        return {"reason": "max-steps", "checkpoint": None}

    monkeypatch.setattr(loop, "train_in_stages", fake)
    jsonl, folder = _corrections(tmp_path), tmp_path / "exported"
    args = ["train", "techniques", "--data", str(tiny_data), "--run", str(tmp_path / "run"), "--no-export"]
    code, _, err = run_cli(monkeypatch, capsys, *args, "--extra", str(jsonl), "--extra", str(folder))
    assert code == 0, err
    assert seen["config"].extra == [str(jsonl), str(folder)]
