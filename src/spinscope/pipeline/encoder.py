"""The one encoder pass: multilingual-e5-small (fine-tuned) over sliding windows, shared by every head.

The `encoder` component owns the one loaded model: it runs the shipped ONNX graph once per window and
leaves an `Encoding` under the cache key `encoding` (read it with `encoding_of(doc)`): token offsets into
the verbatim text, per-token technique probabilities, last hidden states and a middle layer's states (all
averaged over overlapping windows) and one article vector (the mean of the windows' pooled hidden states). The
techniques, paragraph_labels, frames and genre heads and the span classifier all read it and take the
model from this component (`Component.setup`); none re-encodes the text or reloads the model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Document
from ..errors import Errors, ModelMissing, Warnings
from ..languages import iso_codes
from ..models import MODELS_DIR, model_path
from ..registry import components
from ..runtime import available_cores, streamed, word_embeddings
from ..utils import batched
from .base import Component

logger = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
ARTICLES_PER_CALL = 16
ENCODING = "encoding"  # the cache key of the encoder pass, as components declare it


def window_starts(n: int, content: int, stride: int) -> list[int]:
    """Start offsets so that windows of `content` tokens, `stride` apart, cover all n tokens."""
    starts = [0]
    while starts[-1] + content < n:
        starts.append(min(starts[-1] + stride, n - content))
    return starts


@dataclass(frozen=True, slots=True)
class Encoding:
    """What the encoder pass leaves for the heads of one document."""

    offsets: np.ndarray  # [n_tokens, 2] character offsets into the verbatim text
    probs: np.ndarray  # [n_tokens, n_labels] technique probabilities
    vector: np.ndarray | None  # [hidden] article vector (None for a model exported without it)
    hidden: np.ndarray | None = None  # [n_tokens, hidden] float16 last hidden states (None: not exported)
    middle: np.ndarray | None = None  # [n_tokens, hidden] float16 states of a middle layer (None: not exported)


def encoding_of(doc: Document) -> Encoding | None:
    """The document's encoder pass, or None when the encoder did not run or had no model."""
    return doc.cache.get(ENCODING)


class EncoderModel:
    """A shipped model folder: model.onnx (+ config.json, labels.json); tokenizer and word embeddings
    come from their packages."""

    def __init__(self, folder: Path, batch_size: int = 1, threads: int = 1, streams: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from ..backbones.specs import DEFAULT, SPECS

        self.folder = folder
        self.config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.labels: list[str] = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
        self.batch_size = batch_size
        self.streams = streams or available_cores()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(folder / MODEL_FILE), opts, providers=["CPUExecutionProvider"])
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.spec = SPECS[self.config.get("encoder_spec", DEFAULT)]
        self.tokenizer = Tokenizer.from_file(str(self.spec.tokenizer_path()))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.from_ids = "input_ids" in {i.name for i in self.session.get_inputs()}
        self.embeddings = None if self.from_ids else word_embeddings()
        self.languages = iso_codes(self.config.get("langs", ()))  # trained on; every other is zero-shot

    @staticmethod
    @cache
    def load(folder: Path, batch_size: int = 1, threads: int = 1, streams: int = 0) -> EncoderModel:
        """One loaded model per folder and process, however many components use it."""
        return EncoderModel(folder, batch_size, threads, streams)

    def encode(self, texts: Sequence[str]) -> list[Encoding]:
        """Windows of all texts are sorted by length and batched together, then mapped back per text."""
        max_len, stride = int(self.config["max_len"]), int(self.config["stride"])
        encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        sums = {
            name: [np.zeros((len(e.ids), self._width(name)), np.float32) for e in encoded] for name in self._tokenwise
        }
        counts = [np.zeros((len(e.ids), 1), np.float32) for e in encoded]
        vectors: list[list[tuple[np.ndarray, int]]] = [[] for _ in encoded]
        windows = [
            (t, a, e.ids[a : a + max_len - 2])
            for t, e in enumerate(encoded)
            if e.ids
            for a in window_starts(len(e.ids), max_len - 2, stride)
        ]
        windows.sort(key=lambda w: len(w[2]))
        batches = list(batched(windows, self.batch_size))
        for batch, results in zip(batches, self._run_all(batches), strict=True):
            for r, (t, a, piece) in enumerate(batch):
                for name in self._tokenwise:
                    sums[name][t][a : a + len(piece)] += results[name][r, 1 : len(piece) + 1]
                counts[t][a : a + len(piece)] += 1
                if "pooled" in results:
                    vectors[t].append((results["pooled"][r], len(piece)))
        states = {name: sums.get(name, [None] * len(encoded)) for name in ("hidden", "middle")}
        return [
            Encoding(
                np.asarray(e.offsets, np.int64).reshape(-1, 2),
                p / np.maximum(c, 1),
                _mean_vector(v),
                *(None if s is None else (s / np.maximum(c, 1)).astype(np.float16) for s in (h, m)),
            )
            for e, p, c, v, h, m in zip(
                encoded, sums["probs"], counts, vectors, states["hidden"], states["middle"], strict=True
            )
        ]

    def _run_all(self, batches: list[list[tuple[int, int, list[int]]]]) -> Iterator[dict[str, np.ndarray]]:
        """Model outputs of each batch of windows, in order."""
        return streamed(self._run_windows, batches, self.streams, "encoder")

    def _run_windows(self, batch: list[tuple[int, int, list[int]]]) -> dict[str, np.ndarray]:
        """Pad (text, start, token ids) windows with the special tokens into one model call."""
        width = max(len(w[2]) for w in batch) + 2
        ids = np.full((len(batch), width), self.spec.pad, np.int64)
        mask = np.zeros((len(batch), width), np.int64)
        for r, (_, _, piece) in enumerate(batch):
            ids[r, : len(piece) + 2] = [self.spec.bos, *piece, self.spec.eos]
            mask[r, : len(piece) + 2] = 1
        return self.run_batch(ids, mask)

    def run_batch(self, ids: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
        """One model call on padded windows [batch, seq]: output name -> array."""
        given = {"input_ids": ids} if self.from_ids else {"inputs_embeds": self.embeddings[ids].astype(np.float32)}
        return dict(zip(self.outputs, self.session.run(self.outputs, {**given, "attention_mask": mask}), strict=True))

    @property
    def _tokenwise(self) -> tuple[str, ...]:
        """Outputs averaged per token over overlapping windows: probabilities, and states if exported."""
        return ("probs", *(name for name in ("hidden", "middle") if name in self.outputs))

    def _width(self, output: str) -> int:
        return len(self.labels) if output == "probs" else int(self.config["hidden_size"])


def _mean_vector(windows: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """Article vector: window vectors averaged with their token counts as weights."""
    if not windows:
        return None
    weights = np.array([n for _, n in windows], np.float32)
    return (np.stack([v for v, _ in windows]) * weights[:, None]).sum(0) / weights.sum()


def lacks_middle(encoder: EncoderModel | None, head: str) -> str | None:
    """The warning (W007) for a head that reads the middle layer when `encoder` exports none; None when it does
    (or when there is no encoder, which has its own warning)."""
    if encoder is None or "middle" in encoder.outputs:
        return None
    return Warnings.W007(head=head, fitted="an encoder exporting its middle layer", now=encoder.folder.name)


def load_encoder(config: dict[str, Any], step: str) -> EncoderModel | None:
    """The configured model, or None for a packaged model that is not installed (E202 for a named path)."""
    folder = model_path(config["model"])
    if (folder / MODEL_FILE).is_file():
        return EncoderModel.load(folder, int(config["batch_size"]), int(config["threads"]), int(config["streams"]))
    if folder.parent != MODELS_DIR:
        hint = "Train one with `spinscope train techniques` or fix components.encoder.model."
        raise ModelMissing(Errors.E202(step=step, model=folder.name, path=folder, hint=hint))
    return None


@components.register("encoder")
class EncoderComponent(Component):
    """Runs the encoder once per window and leaves the `encoding` for the heads.

    A missing *packaged* model leaves every head empty with warning W001 (the package may be installed
    without it); a model path the user named explicitly must exist, else E202. Languages the model was not
    trained on (its config.json `langs`) are marked zero-shot (W002).
    """

    name = "encoder"
    reads = ("language",)
    writes = (ENCODING,)
    ends_stage = True

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        self.folder = model_path(config["model"])
        self.model = load_encoder(config, self.name)

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Articles are encoded in groups so windows of several articles share model batches."""
        for group in batched(docs, ARTICLES_PER_CALL):
            encodings = self.model.encode([d.text for d in group]) if self.model else [None] * len(group)
            for doc, encoding in zip(group, encodings, strict=True):
                self._mark(doc, encoding)
                yield doc

    def _mark(self, doc: Document, encoding: Encoding | None) -> None:
        if encoding is None:
            doc.cache.pop(ENCODING, None)
            if self.model is None:
                doc.warn(Warnings.W001())
            return
        doc.cache[ENCODING] = encoding
        if doc.language not in self.model.languages:
            doc.warn(Warnings.W002(lang=doc.language))
            doc.meta["zero_shot"] = True
        if not len(encoding.offsets) or not any(ch.isalpha() for ch in doc.text):
            doc.warn(Warnings.W004())
