"""Label inventories of the shared tasks, kept in code so scoring works without the data folder.

The names come from the label catalogue `spinscope.labels`. The SemEval-2023 list is in
the order of `techniques_subtask3.txt`; `subtask3_techniques()` prefers that file at run time and a test
checks the two agree, so a renamed label in a new data release shows up as a failing test, not a silent
macro-F1 change.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Errors, FormatError
from ..labels import PTC14, TECHNIQUES

SUBTASK3_TECHNIQUES: tuple[str, ...] = TECHNIQUES
"""The 23 persuasion techniques of SemEval-2023 Task 3 subtask 3 (the catalogue in spinscope.labels)."""

PTC_TECHNIQUES: tuple[str, ...] = PTC14
"""The 14 classes of SemEval-2020 Task 11 (PTC v2); merged classes contain commas, files are TAB separated."""

SUBTASK3_TECHNIQUES_FILE = "techniques_subtask3.txt"


def read_label_list(path: str | Path) -> list[str]:
    """One label per line, in file order; blank lines are skipped and duplicates rejected."""
    path = Path(path)
    if not path.is_file():
        raise FormatError(Errors.E401(source=path))
    labels: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, raw in enumerate(fh, 1):
            name = raw.strip()
            if not name:
                continue
            if name in labels:
                raise FormatError(Errors.E601(path=path, line=lineno, detail=f"label {name!r} listed twice"))
            labels.append(name)
    if not labels:
        raise FormatError(Errors.E406(source=path, kind="label list", detail="no labels"))
    return labels


def subtask3_techniques(data_root: str | Path | None = None) -> list[str]:
    """The 23 techniques from `semeval2023-task3/techniques_subtask3.txt` when the data is there, else the
    built-in copy."""
    from .formats import default_data_root

    root = Path(data_root) if data_root is not None else default_data_root()
    if root is not None:
        path = root / "semeval2023-task3" / SUBTASK3_TECHNIQUES_FILE
        if path.is_file():
            return read_label_list(path)
    return list(SUBTASK3_TECHNIQUES)
