from __future__ import annotations

import numpy as np
import pytest

from spinscope.data import Document
from spinscope.pipeline.encoder import EncoderComponent, Encoding
from spinscope.pipeline.heads import FramesComponent, GenreComponent
from spinscope.pipeline.linear_head import LinearHead

sklearn = pytest.importorskip("sklearn")


def fitted(task: str, rng: np.random.Generator) -> tuple[LinearHead, object, np.ndarray]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    from spinscope.train.heads import _linear_head

    x = rng.normal(size=(60, 8))
    if task == "genre":
        clf = LogisticRegression(max_iter=500).fit(x, rng.integers(0, 3, 60))
        names = ["opinion", "reporting", "satire"]
    else:
        clf = OneVsRestClassifier(LogisticRegression(max_iter=500)).fit(x, rng.integers(0, 2, (60, 4)))
        names = ["Economic", "Morality", "Political", "Public_opinion"]
    head = _linear_head(task, clf, np.zeros(8), np.ones(8), names)
    return head, clf, x


@pytest.mark.parametrize("task", ["genre", "frames"])
def test_numpy_head_matches_sklearn_and_round_trips(task: str, tmp_path) -> None:
    head, clf, x = fitted(task, np.random.default_rng(0))
    ours = np.stack([head.scores(row) for row in x[:5]])
    assert ours == pytest.approx(clf.predict_proba(x[:5]), abs=1e-6)
    head.save(tmp_path)
    again = LinearHead.load(tmp_path)
    assert np.stack([again.scores(row) for row in x[:5]]) == pytest.approx(ours)


def components_with(tmp_path, task: str, settings: dict):
    head, _, x = fitted(task, np.random.default_rng(1))
    head.thresholds = {"default": [0.5] * len(head.labels)}
    head.save(tmp_path / task)
    settings["components"]["encoder"]["model"] = "not_installed"
    cls = GenreComponent if task == "genre" else FramesComponent
    return built(cls, {"model": str(tmp_path / task)}, settings), x


def built(cls, config: dict, settings: dict):
    """A head component set up behind an encoder step (with no model installed)."""
    component = cls(config, settings)
    component.setup({"encoding": EncoderComponent(settings["components"]["encoder"], settings)})
    return component


def doc_with_vector(vector: np.ndarray, text: str = "A long enough article. " * 20) -> Document:
    doc = Document("d", text, language="en")
    doc.cache["encoding"] = Encoding(np.zeros((0, 2), int), np.zeros((0, 23)), vector)
    return doc


def test_genre_component_outputs_label_and_scores(tmp_path, settings) -> None:
    component, x = components_with(tmp_path, "genre", settings)
    genre = component(doc_with_vector(x[0])).labels["genre"]
    assert genre["label"] in genre["scores"]
    assert sum(genre["scores"].values()) == pytest.approx(1.0, abs=1e-3)


def test_frames_component_scores_every_frame_and_warns_on_short_text(tmp_path, settings) -> None:
    component, x = components_with(tmp_path, "frames", settings)
    doc = component(doc_with_vector(x[0], text="Short headline"))
    frames = doc.labels["frames"]
    assert {f["frame"] for f in frames} == {"Economic", "Morality", "Political", "Public_opinion"}
    assert [f["predicted"] for f in frames] == [f["score"] >= 0.5 for f in frames]
    assert any(w.startswith("[W005]") for w in doc.warnings)


def test_missing_head_leaves_outputs_empty_with_warning(settings) -> None:
    settings["components"]["encoder"]["model"] = "not_installed"
    doc = built(FramesComponent, {"model": "no_such_head"}, settings)(doc_with_vector(np.zeros(8)))
    assert doc.labels["frames"] == []
    assert any(w.startswith("[W006]") for w in doc.warnings)


def test_blended_head_round_trips_and_the_component_uses_the_text(tmp_path, settings) -> None:
    from spinscope.train.lexical import fit_lexical

    head, _, x = fitted("genre", np.random.default_rng(2))
    texts = ["a satirical spoof of the minister", "the agency reported figures", "we must resist this folly"] * 4
    head.lexical = fit_lexical("multiclass", texts, np.eye(3, dtype=bool)[[2, 1, 0] * 4])
    head.blend = 0.5
    head.save(tmp_path / "genre")
    again = LinearHead.load(tmp_path / "genre")
    assert again.blend == 0.5 and again.lexical is not None
    expected = 0.5 * head.scores(x[0]) + 0.5 * head.lexical.scores([texts[0]])[0]
    assert again.blended(x[0], [texts[0]]) == pytest.approx(expected, abs=1e-3)
    settings["components"]["encoder"]["model"] = "not_installed"
    component = built(GenreComponent, {"model": str(tmp_path / "genre")}, settings)
    doc = component(doc_with_vector(x[0], text=texts[0]))
    assert [doc.labels["genre"]["scores"][g] for g in head.labels] == pytest.approx(expected, abs=1e-3)
