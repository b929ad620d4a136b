"""`spinscope train roles` end to end on a tiny entity-framing folder of our own: the heads it writes load on the
shipped encoder and cast as the data taught them; features are cached per encoder and feature set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.eval.roles import LANGS
from spinscope.pipeline import Pipeline

pytest.importorskip("sklearn")

# Written for this test: a villain, a victim and a hero in every document (names varied per document).
TEMPLATE = (
    "Report {k}\n\nThe tyrant {villain} burned the village of {place} and lied about it. "
    "The families of {place} lost their homes and their harvest. "
    "Doctor {hero} walked all night to bring medicine to the children.\n"
)
NAMES = [
    ("Korvan", "Lessa", "Amri"),
    ("Dolmar", "Vessa", "Ilsen"),
    ("Tarvek", "Morra", "Bellin"),
    ("Sorin", "Kalda", "Ottavi"),
]
CAST = (("villain", "Antagonist", "Tyrant"), ("place", "Innocent", "Victim"), ("hero", "Protagonist", "Guardian"))


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    for lang in LANGS:
        folder = root / "entity-framing-semeval2025" / lang
        (folder / "raw-documents").mkdir(parents=True)
        rows = []
        for k, (villain, place, hero) in enumerate(NAMES):
            names = {"villain": villain, "place": place, "hero": hero}
            text = TEMPLATE.format(k=k, **names)
            article = f"{lang}_{k}.txt"
            (folder / "raw-documents" / article).write_text(text, encoding="utf-8")
            for key, main, fine in CAST:
                start = text.index(names[key])
                rows.append(f"{article}\t{names[key]}\t{start}\t{start + len(names[key]) - 1}\t{main}\t{fine}")
        (folder / "subtask-1-annotations.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def test_train_roles_writes_heads_that_load_and_cast_as_taught(data_root: Path, tmp_path: Path) -> None:
    from spinscope.models import model_path
    from spinscope.pipeline.encoder import EncoderModel
    from spinscope.pipeline.roles import FEATURES, load_roles_head
    from spinscope.train.roles import train_roles

    encoder_dir = model_path("techniques")
    out, cache = tmp_path / "roles", tmp_path / "cache"
    metrics = train_roles(encoder_dir, out, data_root, cache)
    assert metrics["mentions"] == 3 * len(NAMES) * len(LANGS) and metrics["documents"] == len(NAMES) * len(LANGS)
    assert set(metrics["figures"]["held_out_halves"]) == {*(lang.lower() for lang in LANGS), "mean"}
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["chosen"] == metrics["chosen"]
    assert "Reproduce: `spinscope train roles" in (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    (cached,) = cache.glob("roles-*.npz")  # one cache file, named for the encoder and FEATURES together
    assert FEATURES and cached.stat().st_size > 0

    head, _ = load_roles_head(out, EncoderModel.load(encoder_dir))
    assert head is not None and head.main.weights.shape[0] == 2 * 384  # the middle layer's mention and sentence
    names = {"villain": "Brannock", "place": "Ostrava", "hero": "Feliks"}  # a document it never saw
    text = TEMPLATE.format(k=9, **names)
    settings = load_settings(env={}, overrides=[f"components.encoder.model={encoder_dir}"])
    doc = Pipeline.from_settings(settings, only=["segment", "encoder"])(Document("new", text, language="en"))
    bounds = [(text.index(names[key]), text.index(names[key]) + len(names[key])) for key, _, _ in CAST]
    cast = head(doc, bounds, [(s.start, s.end) for s in doc.layer("sentences")])
    assert [r.main_role for r in cast] == [main for _, main, _ in CAST]
    assert [r.fine_roles()[0][0] for r in cast] == [fine for _, _, fine in CAST]
