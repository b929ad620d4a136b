import itertools
from pathlib import Path

import numpy as np
import pytest

from spinscope.errors import FormatError
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
    text = "They call it the Kiev regime.\u2028Nobody believes the MSM any more, the columnist wrote.\r\n"
    library = Library.open(tmp_path / "library.sqlite")
    stored = library.add({"id": "x", "title": None, "language": "en", "meta": {}, "text": text, "techniques": []})
    kiev, msm = text.index("Kiev regime"), text.index("the MSM")
    corrections = [
        {"action": "add", "technique": labels[0], "start": kiev, "end": kiev + 11},
        {"action": "add", "technique": "Name_Calling,Labeling", "start": msm, "end": msm + 7},  # a PTC label
        {"action": "add", "technique": "Appeal_to_Time", "start": 0, "end": 4},  # one the model does not predict
    ]
    library.save_review(stored["id"], corrections)
    export_corrections(library, tmp_path / "sem", "semeval")
    export_corrections(library, tmp_path / "c.jsonl", "jsonl")
    for extra in (tmp_path / "sem", tmp_path / "c.jsonl"):
        (art,) = td.read_extra(extra, labels)
        assert art.text == text and art.lang == td.EXTRA_LANG
        assert art.spans == [(labels[0], kiev, kiev + 11), ("Name_Calling-Labeling", msm, msm + 7)]
    plain = td.build_windows(tiny_data, labels, ["fr"], "train", max_len=24, stride=16)
    both = [tmp_path / "sem", tmp_path / "c.jsonl"]
    more = td.build_windows(tiny_data, labels, ["fr"], "train", max_len=24, stride=16, extra=both)
    added = more[len(plain) :]
    assert [w.ids.tolist() for w in more[: len(plain)]] == [w.ids.tolist() for w in plain]
    assert added and all(w.article.startswith(f"{td.EXTRA_LANG}/") for w in added) and any(w.has_labels for w in added)
    val = td.build_windows(tiny_data, labels, ["fr"], "val", max_len=24, stride=16)
    assert len(td.build_windows(tiny_data, labels, ["fr"], "val", max_len=24, stride=16, extra=both)) == len(val)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (None, "E401"),
        ('{"id": "1", "text": "abc", "spans": [{"technique": "Doubt", "start": 0, "end": 2}]}\n{not json\n', "E601"),
        ('{"id": "1", "text": "abc"}\n', "E601"),
        ('{"id": "1", "text": "abc", "spans": [{"technique": "Doubt", "start": 1, "end": 9}]}\n', "E406"),
    ],
)
def test_bad_extra_jsonl_is_a_format_error(tmp_path: Path, content: str | None, code: str) -> None:
    path = tmp_path / "c.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=rf"^\[{code}\]"):
        td.read_extra(path, ["Doubt"])


def test_extra_folder_labels_must_name_its_articles(tmp_path: Path) -> None:
    from spinscope.eval.formats import CORRECTIONS_LABELS

    (tmp_path / "article1.txt").write_text("Nobody believes them.", encoding="utf-8")
    (tmp_path / CORRECTIONS_LABELS).write_text("1\tDoubt\t0\t7\n2\tDoubt\t0\t7\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"^\[E401\] .*article2.txt"):
        td.read_extra(tmp_path, ["Doubt"])
    (tmp_path / CORRECTIONS_LABELS).unlink()
    with pytest.raises(FormatError, match=r"^\[E401\]"):
        td.read_extra(tmp_path, ["Doubt"])
