from pathlib import Path

import pytest

TECHNIQUES = ["Loaded_Language", "Name_Calling-Labeling", "Slogans", "Doubt"]

# Invented French-ish articles with hand-placed spans (no dataset text).
ARTICLES = {
    "1": (
        "Un titre inventé\r\n\r\nLes bureaucrates incompétents ont encore gaspillé notre argent. "
        "La France d'abord ! Qui peut encore croire leurs promesses ?\n",
        [
            ("Name_Calling-Labeling", "bureaucrates incompétents"),
            ("Slogans", "La France d'abord !"),
            ("Doubt", "Qui peut encore croire leurs promesses ?"),
            ("Loaded_Language", "gaspillé"),
        ],
    ),
    "2": (
        "Autre titre\n\nLe conseil municipal a voté le budget mardi. Les débats ont duré trois heures, "
        "et une catastrophe absolue a été évitée de justesse selon le maire.\n",
        [("Loaded_Language", "catastrophe absolue")],
    ),
    "3": ("Troisième\n\nIl pleut à Lyon. Les trains circulent normalement.\n", []),
}


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    root = tmp_path / "semeval2023-task3"
    lang = root / "fr"
    (lang / "train-articles-subtask-3").mkdir(parents=True)
    (lang / "train-labels-subtask-3-spans").mkdir(parents=True)
    (root / "techniques_subtask3.txt").write_text("\n".join(TECHNIQUES) + "\n", encoding="utf-8")
    for aid, (text, spans) in ARTICLES.items():
        with (lang / "train-articles-subtask-3" / f"article{aid}.txt").open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        rows = []
        for tech, frag in spans:
            s = text.index(frag)
            rows.append(f"{aid}\t{tech}\t{s}\t{s + len(frag)}")
        (lang / "train-labels-subtask-3-spans" / f"article{aid}-labels-subtask-3.txt").write_text(
            "\n".join(rows) + ("\n" if rows else ""), encoding="utf-8"
        )
    return root


@pytest.fixture
def tiny_config():
    pytest.importorskip("torch")
    from spinscope.train.model import TrainConfig

    return TrainConfig(epochs=2, batch_size=2, num_layers=2, max_len=24, stride=16, langs=["fr"], val_windows=4, seed=7)
