"""Export + tuning end to end on invented articles: thresholds, decoding, paragraph and span heads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.pipeline.segment import paragraph_bounds

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")
pytest.importorskip("sklearn")

PTC_TEXT = "Invented headline\n\nThe corrupt regime lies again. Who can still believe them?\n"
MORE = {  # invented, so that the training split holds spans of several techniques whatever the split
    "4": (
        "Titre quatre\n\nCes traîtres corrompus mentent. Peut-on leur faire confiance ?\n",
        [("Name_Calling-Labeling", "traîtres corrompus"), ("Doubt", "Peut-on leur faire confiance ?")],
    ),
    "5": (
        "Titre cinq\n\nUn désastre total, une honte nationale ! La France d'abord !\n",
        [("Loaded_Language", "désastre total"), ("Slogans", "La France d'abord !")],
    ),
    "6": (
        "Titre six\n\nLes élites arrogantes volent le peuple. Qui croit encore à leurs chiffres ?\n",
        [("Name_Calling-Labeling", "élites arrogantes"), ("Doubt", "Qui croit encore à leurs chiffres ?")],
    ),
}


def add_gold_files(data: Path) -> Path:
    """Paragraph gold (techniques of spans on each line) next to the span gold, and a one-article PTC dev."""
    lang = data / "fr"
    for aid, (text, spans) in MORE.items():
        (lang / "train-articles-subtask-3" / f"article{aid}.txt").write_text(text, encoding="utf-8")
        gold = [f"{aid}\t{t}\t{text.index(f)}\t{text.index(f) + len(f)}" for t, f in spans]
        (lang / "train-labels-subtask-3-spans" / f"article{aid}-labels-subtask-3.txt").write_text(
            "\n".join(gold) + "\n", encoding="utf-8"
        )
    rows = []
    for article in sorted((lang / "train-articles-subtask-3").iterdir()):
        aid = article.stem.removeprefix("article")
        text = article.open(encoding="utf-8", newline="").read()
        gold = (lang / "train-labels-subtask-3-spans" / f"article{aid}-labels-subtask-3.txt").read_text("utf-8")
        spans = [line.split("\t") for line in gold.splitlines() if line]
        for line, start, end in paragraph_bounds(text):
            found = sorted({t for _, t, s, e in spans if int(s) < end and int(e) > start})
            rows.append(f"{aid}\t{line}\t{','.join(found)}")
    (lang / "train-labels-subtask-3.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ptc = data.parent / "ptc2020"
    s, q = PTC_TEXT.index("corrupt regime"), PTC_TEXT.index("Who")
    for part in ("train", "dev"):
        for folder in ("articles", "labels-task-si", "labels-task-flc-tc"):
            (ptc / f"{part}-{folder}").mkdir(parents=True)
        aid = "7" if part == "dev" else "8"
        (ptc / f"{part}-articles" / f"article{aid}.txt").write_text(PTC_TEXT, encoding="utf-8")
        (ptc / f"{part}-labels-task-si" / f"article{aid}.task-si.labels").write_text(
            f"{aid}\t{s}\t{s + 14}\n", encoding="utf-8"
        )
        (ptc / f"{part}-labels-task-flc-tc" / f"article{aid}.task-flc-tc.labels").write_text(
            f"{aid}\tName_Calling,Labeling\t{s}\t{s + 14}\n{aid}\tDoubt\t{q}\t{len(PTC_TEXT) - 1}\n", encoding="utf-8"
        )
    return data.parent


def test_export_and_tune_write_a_complete_model_folder(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.pipeline.tagger import SPAN_HEAD, TechniqueDecoder
    from spinscope.train.export import export_techniques
    from spinscope.train.techniques import train_techniques
    from spinscope.train.tune import tune_model

    root = add_gold_files(tiny_data)
    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=2)
    out = tmp_path / "model"
    export_techniques(run, out)
    metrics = tune_model(out, root, cache=tmp_path / "encoded")
    assert {"techniques.si_f1.fr", "paragraphs.micro_f1.fr", "tc.micro_f1.ptc14"} <= set(metrics["scores"])
    assert metrics["paragraph_source"]["fr"] in {"spans", "head"}
    thresholds = json.loads((out / "thresholds.json").read_text(encoding="utf-8"))
    assert set(thresholds["spans"]) == {"default", "fr"}
    assert (out / SPAN_HEAD / "head.npz").is_file()
    labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
    assert TechniqueDecoder(out, labels, {}).span_head is not None
    assert list((tmp_path / "encoded").glob("*/val.npz"))  # encoded once, cached for the heads
    again = tune_model(out, root, cache=tmp_path / "encoded")
    assert again["scores"] == metrics["scores"]
