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
