"""Case bank test helpers: invented input files in each import format, a bank in a tmp folder, the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spinscope.casebank import Case, CaseBank
from spinscope.config import load_settings
from tests.conftest import DATA, run_cli

DATA_EUVS = DATA / "euvsdisinfo" / "full_dataset_formatted.csv"
needs_euvs = pytest.mark.skipif(
    not DATA_EUVS.is_file() and not os.environ.get("CI"), reason="shared EUvsDisinfo data absent"
)

EUVS_HEADER = ["issue", "date", "outlet", "language", "origin", "reported by", "keywords", "source", "title"]
EUVS_HEADER += ["summary", "disproof"]
EUVS_ROWS = [
    ["7", "03/14/18", "Example Daily", "Russian", "Ukraine, US", "Volunteers", "Moon, NATO", "https://example.org/a",
     "Penguins run the moon base", "A committee of penguins secretly runs a lunar base.", "There is no lunar base."],
    ["7", "12/01/17", "Sample TV", "Czech", "Germany", "Volunteers", "Energy", "https://example.org/b",
     "Windmills make fog", "Wind turbines produce the fog over Prague.", "Fog is weather, not turbines."],
    ["8", "07/04/16", "Test Gazette", "Klingon", "", "Volunteers", "", "",
     "Bridges are cheese", 'An outlet says bridges are "made of cheese", all of them.', "Bridges are steel, stone."],
]  # fmt: skip


def euvs_csv(rows: list[list[str]] = EUVS_ROWS) -> str:
    """The rows laid out like full_dataset_formatted.csv: every field quoted except the issue number."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
        [EUVS_HEADER, *([int(row[0]), *row[1:]] for row in rows)]
    )
    return buffer.getvalue()


def claim_review(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://factcheck.example/review/{n}",
        "claimReviewed": f"Invented claim number {n} about tap water turning people into frogs.",
        "datePublished": f"2021-05-0{n}T09:30:00Z",
        "inLanguage": "en",
        "author": {"@type": "Organization", "name": "Example Fact Check"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": f"Speaker {n}"}},
        **extra,
    }


def graph_document() -> dict[str, Any]:
    """A JSON-LD page: a graph holding two ClaimReviews and an Organization (skipped)."""
    org = {"@type": "Organization", "name": "Example Fact Check"}
    return {"@context": "https://schema.org", "@graph": [claim_review(1), org, claim_review(2, name="Frog water?")]}


def data_feed() -> dict[str, Any]:
    """A DataFeed as fact-checkers publish them: each element wraps its ClaimReview in `item`."""
    items = [{"@type": "DataFeedItem", "item": [claim_review(n)]} for n in (3, 4)]
    return {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


@pytest.fixture
def cfg() -> dict[str, Any]:
    return load_settings(env={})


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$SPINSCOPE_HOME in a tmp folder, so the default bank is tmp/home/casebank.sqlite."""
    monkeypatch.setenv("SPINSCOPE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SPINSCOPE_CASEBANK__PATH", raising=False)
    return tmp_path / "home"


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[CaseBank]:
    with CaseBank(tmp_path / "bank.sqlite", create=True) as store:
        yield store


@pytest.fixture
def euvs_file(tmp_path: Path) -> Path:
    path = tmp_path / "euvs.csv"
    path.write_text(euvs_csv(), encoding="utf-8", newline="")
    return path


def make_case(n: int, **changes: Any) -> Case:
    fields: dict[str, Any] = {"title": f"Title {n}", "claim": f"Claim {n} about invented things.", "bank": "test"}
    return Case(id=f"case-{n}", **{**fields, **changes})


run = run_cli  # the CLI test helper shared with tests/cli
