import itertools
from pathlib import Path

import numpy as np

from spinscope.train import data as td


def test_window_starts_cover_everything() -> None:
    assert td.window_starts(10, 254, 192) == [0]
    starts = td.window_starts(600, 254, 192)
    assert starts[0] == 0 and starts[-1] + 254 == 600
    assert all(b - a <= 192 for a, b in itertools.pairwise(starts))


def test_token_labels_follow_char_overlap() -> None:
    art = td.Article("1", "fr", "abc def ghi", [("B", 4, 7)])
    offsets = np.array([[0, 3], [4, 7], [6, 9], [8, 11]])
    lab = td.token_labels(art, offsets, {"A": 0, "B": 1})
    assert lab[:, 0].tolist() == [0, 0, 0, 0]
    assert lab[:, 1].tolist() == [0, 1, 1, 0]


def test_windows_of_invented_articles(tiny_data: Path) -> None:
    labels = td.read_labels(tiny_data)
    wins = td.build_windows(tiny_data, labels, ["fr"], "train", max_len=24, stride=16)
    assert wins and all(len(w) <= 24 for w in wins)
    assert all(w.ids[0] == td.E5.bos and w.ids[-1] == td.E5.eos for w in wins)
    assert any(w.has_labels for w in wins)
    batches = td.epoch_batches(wins, 2, seed=1, epoch=0, keep_empty=1.0)
    assert sorted(i for b in batches for i in b) == list(range(len(wins)))
    b = td.collate(wins, batches[0])
    assert b["labels"].shape[-1] == len(labels)
    assert b["loss_mask"][:, 0].sum() == 0


def test_reviewed_corrections_join_the_train_split(tiny_data: Path, tmp_path: Path) -> None:
    from spinscope.web.review import export_corrections
    from spinscope.web.store import Library

    labels = td.read_labels(tiny_data)
    text = "They call it the Kiev regime. Nobody believes the MSM any more, the columnist wrote."
    library = Library.open(tmp_path / "library.sqlite")
    stored = library.add({"id": "x", "title": None, "language": "en", "meta": {}, "text": text, "techniques": []})
    start = text.index("Kiev regime")
    library.save_review(stored["id"], [{"action": "add", "technique": labels[0], "start": start, "end": start + 11}])
    export_corrections(library, tmp_path / "sem", "semeval")
    export_corrections(library, tmp_path / "c.jsonl", "jsonl")
    for extra in (tmp_path / "sem", tmp_path / "c.jsonl"):
        (art,) = td.read_extra(extra, labels)
        assert art.text == text and art.spans == [(labels[0], start, start + 11)]
    plain = td.build_windows(tiny_data, labels, ["en"], "train")
    more = td.build_windows(tiny_data, labels, ["en"], "train", extra=[tmp_path / "sem"])
    assert len(more) == len(plain) + 1 and more[-1].has_labels
    assert len(td.build_windows(tiny_data, labels, ["en"], "val", extra=[tmp_path / "sem"])) == len(
        td.build_windows(tiny_data, labels, ["en"], "val")
    )
