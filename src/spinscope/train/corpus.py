"""Every labelled article encoded once per exported model, shared by threshold tuning and all heads.

The corpus is the SemEval-2023 subtask-3 articles of the six languages (split into `train` and `val` by
`spinscope.eval.splits`) plus the PTC train and dev articles (`ptc-train`, `ptc-dev`: training and
validation of the 14-label technique classifier of given spans, SemEval-2020 TC). All go through
the exported ONNX graph, exactly as inference sees them, so heads are fitted on the features they will be
applied to (torch in bf16 was only ~1.3x faster here). Encodings are cached per model file (its SHA-256) as one
.npz per split.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..eval.formats import load_ptc2020, load_semeval2023
from ..eval.splits import SEMEVAL_LANGS, split_validation
from ..pipeline.encoder import MODEL_FILE, EncoderModel, Encoding

logger = logging.getLogger(__name__)

SPLITS = ("train", "val", "ptc-train", "ptc-dev")


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    key: str  # "<lang>/<id>" (SemEval-2023) or "<split>/<id>" (PTC: ptc-train, ptc-dev)
    lang: str
    id: str
    split: str
    text: str


def corpus_articles(data_root: Path, langs: Sequence[str] = SEMEVAL_LANGS) -> list[CorpusArticle]:
    out = []
    for lang in langs:
        data = load_semeval2023(lang, data_root)
        _, val_ids = split_validation(data_root, lang)
        held = set(val_ids)
        for aid in data.article_ids:
            out.append(CorpusArticle(f"{lang}/{aid}", lang, aid, "val" if aid in held else "train", data.text(aid)))
    for part in ("train", "dev"):
        ptc = load_ptc2020(part, data_root)
        split = f"ptc-{part}"
        out.extend(CorpusArticle(f"{split}/{aid}", "en", aid, split, ptc.text(aid)) for aid in ptc.article_ids)
    return out


def _save(path: Path, keys: list[str], encodings: list[Encoding]) -> None:
    lengths = np.array([len(e.offsets) for e in encodings], np.int64)
    arrays = {
        "keys": np.array(keys),
        "lengths": lengths,
        "offsets": np.concatenate([e.offsets for e in encodings]),
        "probs": np.concatenate([e.probs for e in encodings]).astype(np.float16),
        "vectors": np.stack([e.vector for e in encodings]),
    }
    for name in ("hidden", "middle"):  # the token states, where the model exports them
        states = [getattr(e, name) for e in encodings if getattr(e, name) is not None]
        if len(states) == len(encodings):
            arrays[name] = np.concatenate(states)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def _load(path: Path) -> dict[str, Encoding]:
    with np.load(path) as z:
        bounds = np.r_[0, np.cumsum(z["lengths"])]
        offsets, probs, vectors = z["offsets"], z["probs"].astype(np.float32), z["vectors"]
        hidden, middle = (z[name] if name in z.files else None for name in ("hidden", "middle"))
        return {
            key: Encoding(
                offsets[a:b],
                probs[a:b],
                vectors[i],
                None if hidden is None else hidden[a:b],
                None if middle is None else middle[a:b],
            )
            for i, (key, a, b) in enumerate(zip(z["keys"].tolist(), bounds[:-1], bounds[1:], strict=True))
        }


def model_tag(model_dir: Path) -> str:
    """The cache folder name of an exported model: the start of its model file's SHA-256."""
    return hashlib.sha256((model_dir / MODEL_FILE).read_bytes()).hexdigest()[:16]


def encode_corpus(
    model_dir: Path,
    articles: Sequence[CorpusArticle],
    cache: Path | None = None,
    splits: Sequence[str] = SPLITS,
    needs: Sequence[str] = (),
) -> dict[str, Encoding]:
    """key -> Encoding for the articles of `splits`, read from `cache` when encoded before with the token states
    in `needs` ("middle": a cache written before the middle layer was kept is encoded again)."""
    tag = model_tag(model_dir)
    onnx: EncoderModel | None = None  # loaded only when some split is not cached
    out: dict[str, Encoding] = {}
    for split in splits:
        chosen = [a for a in articles if a.split == split]
        path = cache / tag / f"{split}.npz" if cache else None
        if path is not None and path.is_file():
            found = _load(path)
            complete = all(getattr(e, name) is not None for e in found.values() for name in needs)
            if set(found) == {a.key for a in chosen} and complete:
                out.update(found)
                continue
        t0 = time.time()
        onnx = onnx or EncoderModel(model_dir)
        encodings = encode_in_groups(onnx, [a.text for a in chosen])
        logger.info("%s: %d articles encoded in %.0f s", split, len(chosen), time.time() - t0)
        if path is not None:
            _save(path, [a.key for a in chosen], encodings)
        out.update(zip([a.key for a in chosen], encodings, strict=True))
    return out


def encode_in_groups(model: EncoderModel, texts: list[str], group: int = 32) -> list[Encoding]:
    from rich.progress import track

    out: list[Encoding] = []
    for start in track(range(0, len(texts), group), description="encoding", transient=True):
        out.extend(model.encode(texts[start : start + group]))
    return out
