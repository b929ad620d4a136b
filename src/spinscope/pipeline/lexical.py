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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

WORD = re.compile(r"(?u)\b\w\w+\b")


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
    out: list[str] = []
    for word in text.lower().split():  # str.split() breaks on the whitespace scikit-learn's \s\s+ -> " " leaves
        out.extend(_padded_word_grams(word, lo, hi))
    return out


def _padded_word_grams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    """The `char_wb` n-grams of one word."""
    padded, out = f" {word} ", []
    for n in range(lo, hi + 1):
        out.extend(padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1))
        if len(padded) <= n:
            break
    return tuple(out)


WORD_CACHE = 1 << 17  # words whose char_wb features a vocabulary remembers (then it starts afresh)


@dataclass
class Vocabulary:
    analyzer: str  # "word" or "char_wb"
    ngram: tuple[int, int]
    index: dict[str, int]
    idf: np.ndarray
    _by_word: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(feature indices, L2-normalised sublinear tf-idf values) of one text."""
        idx, counts = np.unique(self._features(text), return_counts=True)
        if not len(idx):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        val = (1.0 + np.log(counts)) * self.idf[idx]
        return idx, (val / np.linalg.norm(val)).astype(np.float32)

    def _features(self, text: str) -> np.ndarray:
        """The vocabulary index of every n-gram of the text found in it, repeats included."""
        if self.analyzer == "word":
            return self._known(word_grams(text, *self.ngram))
        words = text.lower().split()  # str.split() breaks where scikit-learn's char_wb does (see char_wb_grams)
        return np.concatenate([self._word(w) for w in words]) if words else np.zeros(0, np.int64)

    def _word(self, word: str) -> np.ndarray:
        """char_wb features of one word, remembered: most words of a text recur in the next."""
        found = self._by_word.get(word)
        if found is None:
            if len(self._by_word) >= WORD_CACHE:
                self._by_word.clear()
            found = self._by_word[word] = self._known(_padded_word_grams(word, *self.ngram))
        return found

    def _known(self, grams: Sequence[str]) -> np.ndarray:
        return np.fromiter((k for g in grams if (k := self.index.get(g)) is not None), np.int64)


@dataclass
class LexicalHead:
    kind: str
    vocabularies: list[Vocabulary]
    weights: np.ndarray  # [sum of vocabulary sizes, labels]
    bias: np.ndarray

    def scores(self, texts: list[str]) -> np.ndarray:
        """Probabilities [len(texts), labels] (a text given twice is featurised once)."""
        unique = list(dict.fromkeys(texts))
        if len(unique) < len(texts):
            where = {text: k for k, text in enumerate(unique)}
            return self.scores(unique)[[where[text] for text in texts]]
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
