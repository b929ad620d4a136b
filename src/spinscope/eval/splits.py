"""The fixed validation split every trainer and scorer shares, so figures stay comparable across runs.

English: the SemEval-2023 English training set holds the PTC train + dev articles, so the ids of the PTC
dev articles are held out. Other languages: a fixed 20% of each language's article ids (sorted ids, shuffled
with seed 13, the first fifth).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from ..languages import DATASET_LANGS

SEMEVAL_LANGS = DATASET_LANGS
SPLIT_SEED = 13  # part of the split's definition, not the run seed: changing it would move every figure
VAL_FRACTION = 0.2
_ARTICLE = re.compile(r"article(\d+)\.txt$")


def article_ids(folder: Path) -> list[str]:
    """Ids of the `article<ID>.txt` files in a folder, sorted as strings."""
    return sorted(m.group(1) for p in folder.iterdir() if (m := _ARTICLE.search(p.name)))


def split_validation(data_root: Path, lang: str) -> tuple[list[str], list[str]]:
    """(train_ids, validation_ids) of one SemEval-2023 language folder."""
    ids = article_ids(data_root / "semeval2023-task3" / lang / "train-articles-subtask-3")
    if lang == "en":
        held = set(article_ids(data_root / "ptc2020" / "dev-articles"))
    else:
        shuffled = list(ids)
        random.Random(SPLIT_SEED).shuffle(shuffled)
        held = set(shuffled[: round(len(shuffled) * VAL_FRACTION)])
    return [i for i in ids if i not in held], [i for i in ids if i in held]
