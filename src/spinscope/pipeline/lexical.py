"""Lexical heads: TF-IDF word and character n-grams with a linear layer, run in numpy.

They complement the encoder heads (paragraphs, frames, genre), whose scores are blended with theirs
(`LinearHead.lexical`): the encoder sees meaning across languages, the n-grams see the exact wording
of a technique or a topic. The features reproduce scikit-learn's `TfidfVectorizer` (lowercase,
`\\b\\w\\w+\\b` words, `char_wb` grams, sublinear tf, smoothed idf, L2 norm per vocabulary), so a head
fitted there (`spinscope.train.lexical`) scores the same here without scikit-learn.

A folder holds `lexical.json` (kind, each vocabulary's analyzer and n-gram range), `lexical.npz` (idf
per vocabulary, weights [features, labels] in float16, bias) and one `vocab-<i>.txt` per vocabulary,
a term per line in feature order (terms never contain a line break).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WORD = re.compile(r"(?u)\b\w\w+\b")
SPACES = re.compile(r"\s\s+")


def activate(logits: np.ndarray, kind: str) -> np.ndarray:
    """Sigmoid per label ("multilabel") or softmax over the labels ("multiclass")."""
    if kind == "multilabel":
        return 1.0 / (1.0 + np.exp(-logits))
    z = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def word_grams(text: str, lo: int, hi: int) -> list[str]:
    tokens = WORD.findall(text.lower())
    return [" ".join(tokens[i : i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1)]


def char_wb_grams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams inside space-padded words, in scikit-learn's `char_wb` order."""
    out = []
    for word in SPACES.sub(" ", text.lower()).split():
        word = f" {word} "
        for n in range(lo, hi + 1):
            out.extend(word[i : i + n] for i in range(max(len(word) - n, 0) + 1))
            if len(word) <= n:
                break
    return out


ANALYZERS = {"word": word_grams, "char_wb": char_wb_grams}


@dataclass
class Vocabulary:
    analyzer: str
    ngram: tuple[int, int]
    index: dict[str, int]
    idf: np.ndarray

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, L2-normalised sublinear tf-idf values) of one text."""
        counts = Counter(g for g in ANALYZERS[self.analyzer](text, *self.ngram) if g in self.index)
        if not counts:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        idx = np.fromiter((self.index[g] for g in counts), np.int64, len(counts))
        val = (1.0 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))) * self.idf[idx]
        return idx, (val / np.linalg.norm(val)).astype(np.float32)


@dataclass
class LexicalHead:
    kind: str
    vocabularies: list[Vocabulary]
    weights: np.ndarray  # [sum of vocabulary sizes, labels]
    bias: np.ndarray

    def scores(self, texts: list[str]) -> np.ndarray:
        """Probabilities [len(texts), labels]."""
        logits = np.tile(self.bias.astype(np.float32), (len(texts), 1))
        for i, text in enumerate(texts):
            offset = 0
            for vocab in self.vocabularies:
                idx, val = vocab.row(text)
                if len(idx):
                    logits[i] += val @ self.weights[idx + offset].astype(np.float32)
                offset += len(vocab.idf)
        return activate(logits, self.kind)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        meta = {
            "kind": self.kind,
            "vocabularies": [{"analyzer": v.analyzer, "ngram": v.ngram} for v in self.vocabularies],
        }
        (folder / "lexical.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
        idf = {f"idf_{i}": v.idf.astype(np.float32) for i, v in enumerate(self.vocabularies)}
        np.savez_compressed(folder / "lexical.npz", weights=self.weights.astype(np.float16), bias=self.bias, **idf)
        for i, v in enumerate(self.vocabularies):
            terms = sorted(v.index, key=v.index.__getitem__)
            (folder / f"vocab-{i}.txt").write_text("\n".join(terms), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalHead:
        meta = json.loads((folder / "lexical.json").read_text(encoding="utf-8"))
        vocabularies = []
        with np.load(folder / "lexical.npz") as arrays:
            for i, spec in enumerate(meta["vocabularies"]):
                terms = (folder / f"vocab-{i}.txt").read_text(encoding="utf-8").split("\n")
                index = {t: k for k, t in enumerate(terms)}
                vocabularies.append(Vocabulary(spec["analyzer"], tuple(spec["ngram"]), index, arrays[f"idf_{i}"]))
            return cls(meta["kind"], vocabularies, arrays["weights"], arrays["bias"])
