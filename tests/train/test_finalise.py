"""Export + tuning end to end on invented articles: thresholds, decoding, paragraph and span heads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spinscope.text import paragraph_bounds

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
    from spinscope.train.finalise import tune_model
    from spinscope.train.loop import train_techniques

    root = add_gold_files(tiny_data)
    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=tiny_config, max_steps=2)
    out = tmp_path / "model"
    export_techniques(run, out)
    metrics = tune_model(out, root, cache=tmp_path / "encoded")
    assert {"techniques.si_f1.fr", "paragraphs.micro_f1.fr", "tc.micro_f1.ptc14"} <= set(metrics["scores"])
    assert metrics["paragraph_source"]["fr"] in {"spans", "paragraph-spans", "head"}
    assert set(metrics["ascended_thresholds"]) == {"fr"}
    thresholds = json.loads((out / "thresholds.json").read_text(encoding="utf-8"))
    assert set(thresholds["spans"]) == {"default", "fr"}
    assert set(thresholds["paragraphs"]) <= {"fr"}  # kept only where they beat the other paragraph sources
    assert set(metrics["paragraph_micro_f1"]) == {"from_spans", "paragraph_thresholds", "head"}
    assert (metrics["paragraph_source"]["fr"] == "paragraph-spans") == ("fr" in thresholds["paragraphs"])
    assert (out / SPAN_HEAD / "head.npz").is_file()
    assert TechniqueDecoder.load(out).span_head is not None
    assert list((tmp_path / "encoded").glob("*/val.npz"))  # encoded once, cached for the heads
    again = tune_model(out, root, cache=tmp_path / "encoded")
    assert again["scores"] == metrics["scores"]


def test_ascent_switches_off_a_technique_that_piles_onto_gold_words() -> None:
    """Gold: one Doubt span. Doubt fires on it, Slogans fires on the same words and on a second sentence:
    with every threshold at 0.3 SI precision suffers; the ascent must turn Slogans off and keep Doubt."""
    from types import SimpleNamespace

    import numpy as np

    from spinscope.data import Document
    from spinscope.eval.formats import ParagraphRecord, SpanRecord
    from spinscope.pipeline.encoder import Encoding
    from spinscope.pipeline.segment import SegmentComponent
    from spinscope.pipeline.tagger import DecoderConfig, Decoding, TechniqueDecoder
    from spinscope.train.finalise import LanguageRun, _ascent_score, ascend_thresholds

    text = "Who can still believe them? The vote is on Tuesday."
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    offsets = np.array(words)
    probs = np.zeros((len(words), 2), np.float32)
    probs[:5, 0] = 0.9  # Doubt on "Who can still believe them?"
    probs[:, 1] = 0.5  # Slogans everywhere
    gold = [SpanRecord("1", "Doubt", 0, 27)]
    rows = [ParagraphRecord("1", 1, ("Doubt",))]
    doc = SegmentComponent({}, {})(Document("1", text))
    run = LanguageRun("fr", "fr", [doc], [Encoding(offsets, probs, None)], SimpleNamespace(spans=gold, paragraphs=rows))
    tagger = TechniqueDecoder(("Doubt", "Slogans"), DecoderConfig(Decoding(max_gap=1, min_chars=3)))
    start = np.array([0.3, 0.3], np.float32)
    for target in ("spans", "paragraphs"):
        ascended = ascend_thresholds(tagger, run, start, target)
        assert ascended[0] <= 0.9 and ascended[1] > 0.5
    assert _ascent_score(tagger, run, ascended, "spans") == pytest.approx(2.0)  # SI 1 + technique-aware 1
    assert _ascent_score(tagger, run, ascended, "paragraphs") == pytest.approx(1.0)
    assert _ascent_score(tagger, run, start, "paragraphs") < 0.9  # Slogans wrongly on the line
