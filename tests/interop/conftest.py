"""One analysed article of our own, its record with a restated debunked case added (the bank is not needed)."""

from __future__ import annotations

import pytest

from spinscope.api import load_pipeline
from spinscope.config import load_settings
from spinscope.readers.txt import text_document
from spinscope.writers.record import to_record

pytest.importorskip("stix2")

ARTICLE = (
    " date 2022-11-09\nThe Kiev Regime Is Selling Our Weapons\n\n"
    "The corrupt Kiev regime and its puppet masters in Washington keep lying to you. Everyone knows that the "
    "weapons we sent are sold on the black market, and only a fool would believe the mainstream media. "
    "Vladimir Zelensky, the former actor, laughs at ordinary taxpayers while NATO drags Europe into a war it "
    "cannot win. Wake up before it is too late!\n"
)


@pytest.fixture(scope="session")
def record() -> dict:
    settings = load_settings(env={}, overrides=["pipeline.components=" + str(COMPONENTS).replace("'", '"')])
    doc = load_pipeline(settings)(text_document(ARTICLE, doc_id="kiev-weapons", source="https://daily.example/a/1",
                                                settings=settings))  # fmt: skip
    record = to_record(doc)
    start = ARTICLE.index("Everyone knows")
    end = ARTICLE.index("media.") + len("media.")
    record["matches"] = [{
        "start": start, "end": end, "text": ARTICLE[start:end], "case_id": "euvs-1", "bank": "euvsdisinfo",
        "title": "Ukraine sells Western weapons on the black market", "similarity": 0.93, "score": 0.97,
        "via": "embedding", "url": "https://euvsdisinfo.eu/report/weapons", "rebuttal": "No evidence supports it.",
    }]  # fmt: skip
    return record


COMPONENTS = ["language", "segment", "encoder", "techniques", "entities", "roles", "claims", "narratives"]
