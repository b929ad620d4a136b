"""docs/labels.md lists every label with the mapping and definition the code uses."""

from pathlib import Path

from spinscope.labels import FRAMES, GENRES, TECHNIQUES, definition, to_ptc14

DOC = (Path(__file__).resolve().parents[1] / "docs" / "labels.md").read_text(encoding="utf-8")


def test_every_technique_row_matches_the_code() -> None:
    for t in TECHNIQUES:
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{t}` |"))
        assert definition(t) in row
        assert (f"`{to_ptc14(t)}`" if to_ptc14(t) else "(none)") in row


def test_frames_and_genres_are_documented() -> None:
    for label in (*FRAMES, *GENRES):
        assert f"| `{label}` | {definition(label)} |" in DOC
