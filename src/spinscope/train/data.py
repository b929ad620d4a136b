"""SemEval-2023 Task 3 subtask-3 spans -> token windows with multi-hot technique labels.

Offsets are character indices of the article read with `newline=""` (CRLF kept), exactly as the gold files
count them. A token is positive for technique k when its character range overlaps a gold span of k; the
special tokens (CLS/SEP) carry no label and are masked out of the loss.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..backbones.specs import DEFAULT, SPECS, EncoderSpec
from ..errors import Errors, FormatError
from ..eval.formats import ARTICLE_LABEL_FILES, CORRECTIONS_LABELS, read_article, read_document_labels, read_spans
from ..eval.labels import read_label_list
from ..eval.splits import SEMEVAL_LANGS, article_ids, split_validation
from ..labels import FRAMES, GENRES, from_ptc14
from ..pipeline.encoder import window_starts

logger = logging.getLogger(__name__)
E5 = SPECS[DEFAULT]

EXTRA_LANG = "extra"  # the `lang` of --extra documents: their windows' keys meet no SemEval article's gold
MAX_LEN = 256  # CLS + 254 content tokens + SEP
STRIDE = 192  # content tokens between window starts (62 tokens of overlap)


@dataclass(slots=True)
class Article:
    id: str
    lang: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Window:
    """One model input: token ids with CLS/SEP and the labels of its content tokens."""

    article: str  # "<lang>/<id>"
    start: int  # index of the first content token in the article's token list
    ids: np.ndarray  # int32 [n] incl. CLS/SEP
    labels: np.ndarray  # uint8 [n, n_labels]; rows of CLS/SEP are 0 and masked by `loss_mask`

    @property
    def has_labels(self) -> bool:
        return bool(self.labels.any())

    def __len__(self) -> int:
        return len(self.ids)


def read_labels(data: Path) -> list[str]:
    """The 23 technique names in the order of techniques_subtask3.txt (this is the model's output order)."""
    return read_label_list(data / "techniques_subtask3.txt")


def read_articles(data: Path, lang: str, ids: Iterable[str]) -> list[Article]:
    """Articles read verbatim (offsets count CRLF) with their span gold, through the official-format readers."""
    folder = data / lang
    out = []
    for i in ids:
        text = read_article(folder / "train-articles-subtask-3" / f"article{i}.txt")
        gold = folder / "train-labels-subtask-3-spans" / f"article{i}-labels-subtask-3.txt"
        spans = [(r.technique, r.start, r.end) for r in read_spans(gold)] if gold.exists() else []
        out.append(Article(i, lang, text, spans))
    return out


def read_extra(path: Path, labels: Iterable[str]) -> list[Article]:
    """Reviewed documents: the web app's exports (`spinscope.web.review`: a SemEval folder of article<ID>.txt
    and the labels file, or JSONL) or a Label Studio JSON export of corrected annotations (`.json`). PTC
    labels become the 2023 technique they train (`labels.from_ptc14`); spans of techniques the model does not
    predict are left out. Bad files are FormatErrors."""
    known = set(labels)
    out = []
    for doc_id, text, spans in _extra_source(path):
        mapped = [(from_ptc14(t) or t, s, e) for t, s, e in spans]
        if outside := [(s, e) for _, s, e in mapped if not 0 <= s < e <= len(text)]:
            detail = f"span {outside[0][0]}:{outside[0][1]} of {doc_id} is outside its {len(text)} characters"
            raise FormatError(Errors.E406(source=path, kind="corrections", detail=detail))
        out.append(Article(doc_id, EXTRA_LANG, text, [span for span in mapped if span[0] in known]))
    return out


def _extra_source(path: Path) -> Iterator[tuple[str, str, list[tuple[str, int, int]]]]:
    """A SemEval folder, a Label Studio JSON export (`.json`), or the web app's JSONL."""
    if path.is_dir():
        return _extra_folder(path)
    if path.suffix.lower() == ".json":
        from ..interop.labelstudio import read_export

        return read_export(path)
    return _extra_jsonl(path)


def _extra_folder(path: Path) -> Iterator[tuple[str, str, list[tuple[str, int, int]]]]:
    spans: dict[str, list[tuple[str, int, int]]] = {}
    for r in read_spans(path / CORRECTIONS_LABELS):
        spans.setdefault(r.article_id, []).append((r.technique, r.start, r.end))
    ids = article_ids(path)
    if missing := sorted(set(spans) - set(ids)):
        raise FormatError(Errors.E401(source=path / f"article{missing[0]}.txt"))
    for aid in ids:
        yield aid, read_article(path / f"article{aid}.txt"), spans.get(aid, [])


def _extra_jsonl(path: Path) -> Iterator[tuple[str, str, list[tuple[str, int, int]]]]:
    if not path.is_file():
        raise FormatError(Errors.E401(source=path))
    with path.open(encoding="utf-8") as fh:  # line by line: U+2028 inside a JSON string is no line break
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                yield str(row["id"]), row["text"], [(s["technique"], s["start"], s["end"]) for s in row["spans"]]
            except (ValueError, KeyError, TypeError) as exc:
                detail = f"not a corrections row {{id, text, spans: [{{technique, start, end}}]}} ({exc!r})"
                raise FormatError(Errors.E601(path=path, line=lineno, detail=detail)) from None


def load_tokenizer(spec: EncoderSpec = E5):  # -> tokenizers.Tokenizer
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(spec.tokenizer_path()))
    tok.no_truncation()
    tok.no_padding()
    return tok


def token_labels(art: Article, offsets: np.ndarray, label_index: dict[str, int]) -> np.ndarray:
    """[n_tokens, n_labels] uint8: token [s, e) overlaps some gold span [S, E) of that technique."""
    n_chars = len(art.text)
    # Per technique, count of spans covering each character; via difference arrays + cumsum.
    diff = np.zeros((n_chars + 1, len(label_index)), dtype=np.int32)
    for tech, s, e in art.spans:
        k = label_index.get(tech)
        if k is None or e <= s:
            continue
        diff[max(s, 0), k] += 1
        diff[min(e, n_chars), k] -= 1
    covered = (np.cumsum(diff, axis=0)[:n_chars] > 0).astype(np.int32)
    cum = np.vstack([np.zeros((1, len(label_index)), np.int32), np.cumsum(covered, axis=0)])
    s = np.clip(offsets[:, 0], 0, n_chars)
    e = np.clip(offsets[:, 1], 0, n_chars)
    return ((cum[e] - cum[s]) > 0).astype(np.uint8)


def article_windows(
    art: Article,
    tok,
    label_index: dict[str, int],
    max_len: int = MAX_LEN,
    stride: int = STRIDE,
    spec: EncoderSpec = E5,
) -> list[Window]:
    enc = tok.encode(art.text, add_special_tokens=False)
    ids = np.asarray(enc.ids, dtype=np.int32)
    offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
    labels = token_labels(art, offsets, label_index)
    n_lab = len(label_index)
    out = []
    content = max_len - 2
    for a in window_starts(len(ids), content, stride):
        b = min(a + content, len(ids))
        wids = np.concatenate([[spec.bos], ids[a:b], [spec.eos]]).astype(np.int32)
        wlab = np.zeros((len(wids), n_lab), dtype=np.uint8)
        wlab[1:-1] = labels[a:b]
        out.append(Window(f"{art.lang}/{art.id}", a, wids, wlab))
    return out


def build_windows(
    data: Path,
    labels: list[str],
    langs: Iterable[str] = SEMEVAL_LANGS,
    split: str = "train",
    max_len: int = MAX_LEN,
    stride: int = STRIDE,
    spec: EncoderSpec = E5,
    extra: Iterable[str | Path] = (),
) -> list[Window]:
    """All windows of one split (`train` or `val`, from the fixed `split_validation`) of `langs`; the train
    split also takes the reviewed documents of `extra` (`read_extra`)."""
    tok = load_tokenizer(spec)
    label_index = {t: i for i, t in enumerate(labels)}
    windows: list[Window] = []
    for lang in langs:
        if not (data / lang).is_dir():
            logger.warning("no folder for language %s under %s", lang, data)
            continue
        train_ids, val_ids = split_validation(data.parent, lang)
        ids = train_ids if split == "train" else val_ids
        for art in read_articles(data, lang, ids):
            windows.extend(article_windows(art, tok, label_index, max_len, stride, spec))
    if split == "train":
        for art in (a for path in extra for a in read_extra(Path(path), labels)):
            windows.extend(article_windows(art, tok, label_index, max_len, stride, spec))
    return windows


ARTICLE_TARGETS = (*FRAMES, *GENRES)  # outputs of the optional article head: 14 frames, then 3 genres


def article_targets(data: Path, langs: Iterable[str]) -> dict[str, np.ndarray]:
    """ "<lang>/<id>" -> float32 [len(ARTICLE_TARGETS)]: the article's frames (subtask 2) and genre (subtask 1)
    as 0/1, NaN for a subtask without gold for it."""
    out: dict[str, np.ndarray] = {}
    for lang in langs:
        for task, names in (("frames", FRAMES), ("genre", GENRES)):
            path = data / lang / ARTICLE_LABEL_FILES[task]
            if not path.is_file():
                continue
            first = 0 if task == "frames" else len(FRAMES)
            for aid, labels in read_document_labels(path).items():
                row = out.setdefault(f"{lang}/{aid}", np.full(len(ARTICLE_TARGETS), np.nan, np.float32))
                row[first : first + len(names)] = [name in labels for name in names]
    return out


def epoch_batches(
    windows: list[Window], batch_size: int, seed: int, epoch: int, keep_empty: float = 0.3
) -> list[list[int]]:
    """Deterministic batches of window indices for one epoch.

    Label-free windows are down-sampled (a fresh `keep_empty` fraction each epoch); the rest is shuffled,
    sorted by length inside chunks of 50 batches (so padding stays small) and the batches shuffled again.
    """
    rng = random.Random(seed * 1000 + epoch)
    idx = [i for i, w in enumerate(windows) if w.has_labels or rng.random() < keep_empty]
    rng.shuffle(idx)
    chunk = batch_size * 50
    batches = []
    for c in range(0, len(idx), chunk):
        part = sorted(idx[c : c + chunk], key=lambda i: len(windows[i]))
        batches.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def collate(
    windows: list[Window], batch: list[int], pad: int = E5.pad, targets: dict[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Dynamic padding to the longest window of the batch; with `targets` (`article_targets`), each window's
    article-level targets as "article" (NaN rows for articles without them)."""
    ws = [windows[i] for i in batch]
    n = max(len(w) for w in ws)
    k = ws[0].labels.shape[1]
    ids = np.full((len(ws), n), pad, dtype=np.int64)
    mask = np.zeros((len(ws), n), dtype=np.int64)
    lab = np.zeros((len(ws), n, k), dtype=np.float32)
    loss_mask = np.zeros((len(ws), n), dtype=np.float32)
    for r, w in enumerate(ws):
        m = len(w)
        ids[r, :m] = w.ids
        mask[r, :m] = 1
        lab[r, :m] = w.labels
        loss_mask[r, 1 : m - 1] = 1.0
    out = {"input_ids": ids, "attention_mask": mask, "labels": lab, "loss_mask": loss_mask}
    if targets is not None:
        unknown = np.full(len(ARTICLE_TARGETS), np.nan, np.float32)
        out["article"] = np.stack([targets.get(w.article, unknown) for w in ws])
    return out


def label_counts(windows: list[Window]) -> tuple[np.ndarray, int]:
    """(positives per technique, number of content tokens)."""
    pos = np.zeros(windows[0].labels.shape[1], dtype=np.int64) if windows else np.zeros(0, np.int64)
    n = 0
    for w in windows:
        pos += w.labels[1:-1].sum(0, dtype=np.int64)
        n += len(w) - 2
    return pos, n
