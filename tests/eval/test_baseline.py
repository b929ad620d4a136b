"""The TF-IDF paragraph baseline on invented paragraphs, and the validation split on the shared data."""

from __future__ import annotations

import pytest

from spinscope.eval.baseline import paragraph_baseline, split_validation
from spinscope.eval.formats import ParagraphRecord
from tests.conftest import DATA, needs_data

# CI always has ../shared/data, so there a missing folder is a failure, not a skip.

pytest.importorskip("sklearn")

FEAR = "they will come for your children and your homes unless we act tonight"
CALM = "the council met on tuesday to discuss the new bus timetable for the town"


def rows(n: int, start: int = 0) -> list[tuple[str, int, str, tuple[str, ...]]]:
    out = []
    for i in range(start, start + n):
        if i % 2:
            out.append(("1", i + 1, f"{FEAR} {i}", ("Appeal_to_Fear-Prejudice",)))
        else:
            out.append(("1", i + 1, f"{CALM} {i}", ()))
    return out


def test_baseline_learns_an_obvious_pattern():
    val = rows(6, start=100)
    pred = paragraph_baseline(rows(30), val)
    assert [(p.article_id, p.line) for p in pred] == [(r[0], r[1]) for r in val]
    assert all(isinstance(p, ParagraphRecord) for p in pred)
    assert [p.labels for p in pred] == [r[3] for r in val]


def test_baseline_never_predicts_labels_unseen_in_training():
    pred = paragraph_baseline(rows(10), rows(4, start=50), labels=["Doubt", "Appeal_to_Fear-Prejudice"])
    assert all("Doubt" not in p.labels for p in pred)
    assert paragraph_baseline(rows(10), []) == []


@needs_data
def test_split_validation():
    train, val = split_validation("en", DATA)
    assert len(val) == 75 and not set(train) & set(val) and len(train) + len(val) == 446
    train_fr, val_fr = split_validation("fr", DATA)
    assert len(val_fr) == round(158 * 0.2)
    assert split_validation("fr", DATA) == (train_fr, val_fr)  # deterministic
    assert split_validation("de", DATA) == split_validation("ge", DATA)
