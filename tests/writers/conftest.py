"""Hand-made documents for the writer tests. All article text here is invented for the tests."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from spinscope.data import Document
from spinscope.registry import writers

ARTICLE = (
    "Council Votes on Bridge\n"  # line 1: 0..23
    "\n"  # line 2: 24
    "Mayor Blunt is a total disgrace, say critics.\n"  # line 3: 25..70
    "Everyone knows the bridge plan will ruin us all. Act now!\n"  # line 4: 71..128
    "The vote is on Tuesday.\n"  # line 5: 129..152
)


def _find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def article() -> Document:
    """Nested (Loaded_Language inside Name_Calling), crossing (Popularity x Fear) and a lone span."""
    doc = Document(
        id="article42",
        text=ARTICLE,
        source="tests/fixtures/bridge.txt",
        title="Council Votes on Bridge",
        date="2024-03-01",
        language="en",
        meta={"outlet": "The Invented Herald"},
    )
    doc.add_span("techniques", *_find(ARTICLE, "Mayor Blunt is a total disgrace"), "Name_Calling-Labeling", score=0.7)
    doc.add_span("techniques", *_find(ARTICLE, "total disgrace"), "Loaded_Language", score=0.91234)
    doc.add_span("techniques", *_find(ARTICLE, "Everyone knows the bridge"), "Appeal_to_Popularity", score=0.55)
    doc.add_span("techniques", *_find(ARTICLE, "bridge plan will ruin us all."), "Appeal_to_Fear-Prejudice", score=0.8)
    doc.add_span("techniques", *_find(ARTICLE, "Act now!"), "Appeal_to_Time", score=0.6)
    doc.warn("[W005] Text is very short (153 characters); document-level results are unreliable.")
    return doc


@pytest.fixture
def bare() -> Document:
    """A document no component has touched: every list in its record must be empty."""
    return Document(id="plain-1", text="Nothing to see here.\nJust a calm report about the weather.\n")


@pytest.fixture
def rich_doc(article: Document) -> Document:
    """The article plus every document-level and span layer the default pipeline adds."""
    doc = article
    doc.add_span("sentences", 25, 70, "sentence")
    doc.add_span("paragraphs", 25, 70, "paragraph", line=3)
    doc.labels["paragraph_techniques"] = {3: ["Loaded_Language", "Name_Calling-Labeling"]}
    doc.labels["frames"] = [
        {"frame": "Political", "score": 0.31, "predicted": False},
        {"frame": "Economic", "score": 0.82, "predicted": True},
    ]
    doc.labels["genre"] = {"label": "opinion", "scores": {"opinion": 0.9, "reporting": 0.08, "satire": 0.02}}
    return doc


WriteFn = Callable[..., str]


@pytest.fixture
def write() -> WriteFn:
    """write("json", docs, settings=None, out=None) -> what the registered writer wrote."""

    def run(name: str, docs: Iterable[Document], settings: dict[str, Any] | None = None, out: Any = None) -> str:
        stream = io.StringIO() if out is None else out
        writers.get(name)(settings or {}).write(docs, stream)
        return stream.getvalue()

    return run


@pytest.fixture
def ptc14() -> dict[str, Any]:
    """Settings that switch every writer to the 14 PTC labels."""
    return {"components": {"techniques": {"labels": "ptc14"}}}
