"""spinscope -> DISARM: the mapping data (`disarm.toml`), its rows for techniques, narratives and matched
debunked cases."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DISARM_URL = "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/{id}.md"
FILE = Path(__file__).with_name("disarm.toml")


@dataclass(frozen=True)
class Mapped:
    """One DISARM technique: its external id ("T0135.001"), name, and why spinscope maps to it."""

    disarm: str
    name: str
    why: str

    @property
    def url(self) -> str:
        return DISARM_URL.format(id=self.disarm)


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads(FILE.read_text(encoding="utf-8"))


def _row(row: dict[str, Any]) -> Mapped:
    return Mapped(row["disarm"], row["name"], row["why"])


def for_technique(technique: str) -> Mapped | None:
    """The DISARM technique a spinscope technique maps to; None for one that stays spinscope's own."""
    row = _table()["technique"].get(technique)
    return _row(row) if row else None


def for_narrative(narrative: str) -> Mapped:
    """The DISARM technique of a taxonomy narrative: the first family whose `match` its name holds."""
    for row in _table()["narrative"].values():
        if any(word.lower() in narrative.lower() for word in row["match"]):
            return _row(row)
    raise LookupError(narrative)  # the last family matches every name


def for_match() -> Mapped:
    """The DISARM technique of a debunked case restated in an article."""
    return _row(_table()["match"])


def rows() -> list[tuple[str, Mapped]]:
    """Every mapping row, (what spinscope finds, its DISARM technique), for docs and tests."""
    table = _table()
    return [
        *((f"technique {name}", _row(row)) for name, row in table["technique"].items()),
        *((f"narrative family {name}", _row(row)) for name, row in table["narrative"].items()),
        ("matched debunked case", _row(table["match"])),
    ]
