"""Sentence embeddings of the pretrained multilingual-e5-small (`models/retrieval`, int8 ONNX), cross-lingual.

The second model of the pipeline: it runs only on the sentences that need it (claims and technique sentences
for matching, an article's first three sentences for its narrative domain, every sentence only when user
narratives are configured), never on whole articles. Vectors are
L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from .models import model_path
from .runtime import available_cores, streamed, word_embeddings

CALLS = "one text per call"  # how texts are fed to the model, part of the fingerprint of its vectors


class SentenceEmbedder:
    """`embed(texts)` -> [n, 384] float32 unit vectors; texts longer than the model's max_len are cut.

    Each text is its own model call on one thread, `streams` calls at once (0: one per core): a text's vector
    never depends on the texts embedded with it (int8 inputs are quantised per call), there is no padding,
    and it is as fast as padded batches on two threads.
    """

    def __init__(self, folder: Path, streams: int = 0, max_len: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from .backbones.specs import SPECS

        self.config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.spec = SPECS[self.config["encoder_spec"]]
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(self.spec.tokenizer_path()))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.streams = streams or available_cores()
        self.max_len = max_len or int(self.config["max_len"])
        self.prefix = str(self.config.get("prefix", ""))
        self.dim = 384
        model = folder / "model.onnx"
        self.fingerprint = hashlib.sha1(
            f"{CALLS}|{model.stat().st_size}|{self.max_len}|{self.prefix}|{sorted(self.config.items())}".encode()
        ).hexdigest()[:16]

    @staticmethod
    @cache
    def load(folder: Path, streams: int = 0, max_len: int = 0) -> SentenceEmbedder:
        return SentenceEmbedder(folder, streams, max_len)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        encoded = self.tokenizer.encode_batch([self.prefix + t for t in texts], add_special_tokens=False)
        pieces = [[self.spec.bos, *e.ids[: self.max_len - 2], self.spec.eos] for e in encoded]
        out = np.concatenate(list(streamed(self._run, pieces, self.streams, "embedder")))
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    def _run(self, ids: list[int]) -> np.ndarray:
        given = {
            "inputs_embeds": word_embeddings()[np.array([ids])].astype(np.float32),
            "attention_mask": np.ones((1, len(ids)), np.int64),
        }
        return self.session.run(["embedding"], given)[0]


QUERY_TOKENS = 64  # a sentence's first 62 tokens decide its embedding: 1.7x the speed of 128; 48 lost 0.12 recall


def load_embedder(name: str = "retrieval") -> SentenceEmbedder | None:
    """The shipped (or named) embedder, or None when its folder holds no model."""
    folder = model_path(name)
    return SentenceEmbedder.load(folder, 0, QUERY_TOKENS) if (folder / "model.onnx").is_file() else None


DENSITY_ROWS = 10  # bank rows whose mean cosine to a sentence tells how generic the sentence is for the bank


def density(similarities: np.ndarray) -> float:
    """Mean cosine of a sentence to its DENSITY_ROWS nearest bank rows: high for a sentence on a subject the
    bank is full of, whatever it says about it."""
    k = min(DENSITY_ROWS, len(similarities))
    return float(np.partition(similarities, len(similarities) - k)[-k:].mean()) if k else 0.0
