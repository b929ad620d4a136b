"""The shipped encoder: concurrent model calls give the same encodings as one call at a time."""

from __future__ import annotations

import numpy as np
import pytest

from spinscope.models import model_path
from spinscope.pipeline.encoder import MODEL_FILE, EncoderModel

FOLDER = model_path("techniques")
pytestmark = pytest.mark.skipif(not (FOLDER / MODEL_FILE).is_file(), reason="technique model not installed")


def test_streams_do_not_change_encodings() -> None:
    texts = [
        "The Kiev regime hides the truth again. " * 120,  # several overlapping windows
        "A short note.",
        "Experts? Nobody believes the experts any more, the columnist writes. " * 40,
    ]
    one = EncoderModel(FOLDER, batch_size=1, threads=1, streams=1).encode(texts)
    many = EncoderModel(FOLDER, batch_size=1, threads=1, streams=3).encode(texts)
    for a, b in zip(one, many, strict=True):
        assert (a.offsets == b.offsets).all()
        np.testing.assert_allclose(a.probs, b.probs, atol=1e-5)
        np.testing.assert_allclose(a.vector, b.vector, atol=1e-4)
        np.testing.assert_allclose(a.hidden.astype(np.float32), b.hidden.astype(np.float32), atol=1e-2)


@pytest.mark.parametrize(
    ("step", "empty"),
    [
        ("roles", lambda doc: doc.layer("roles") == []),
        ("narratives", lambda doc: not [n for n in doc.labels["narratives"] if n["source"] == "semeval2025"]),
    ],
)
def test_heads_that_read_the_middle_layer_refuse_an_encoder_without_it(monkeypatch, step: str, empty) -> None:
    """An encoder exported without its `middle` output: the roles and narratives heads stand down with W007, and
    their output is empty rather than wrong."""
    from spinscope.config import load_settings
    from spinscope.data import Document
    from spinscope.pipeline import Pipeline
    from tests.conftest import EXAMPLE

    pipeline = Pipeline.from_settings(load_settings(env={}), only=[step])
    model = pipeline.step("encoder").model
    monkeypatch.setattr(model, "outputs", [o for o in model.outputs if o != "middle"])
    pipeline.step(step).setup({"encoding": pipeline.step("encoder")})
    assert pipeline.step(step).head is None
    doc = pipeline(Document("m", EXAMPLE.read_text(encoding="utf-8"), language="en"))
    assert any("[W007]" in w and "middle layer" in w for w in doc.warnings) and empty(doc)
