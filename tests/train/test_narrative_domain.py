"""The narrative domain head's labels and its file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from spinscope.pipeline.narrative_domain import DomainHead, lead
from spinscope.train.narrative_domain import domain_of


def test_a_documents_domain_comes_from_its_id_else_its_narratives() -> None:
    assert domain_of("A6_CC_BG_10015.txt", frozenset({"Other"})) == "CC"
    assert domain_of("RU-URW-1034.txt", frozenset()) == "URW"
    assert domain_of("HI_129.txt", frozenset({"CC: Amplifying Climate Fears"})) == "CC"
    assert domain_of("HI_130.txt", frozenset({"Other"})) is None
    assert domain_of("EN_UA_024847.txt", frozenset({"URW: Praise of Russia", "CC: Downplaying climate change"})) is None
    assert domain_of("ACCORD_X.txt", frozenset({"URW: Praise of Russia"})) == "URW"  # "CC" inside a word is no id


def test_the_lead_skips_datelines_and_keeps_three_sentences() -> None:
    sentences = [
        "KYIV (Reuters) -",
        "Grain exports rose by a fifth in May.",
        "Ports worked at capacity all month.",
        "Share",
        "Officials expect more in June, the ministry said.",
        "A fifth sentence here, long enough.",
    ]
    assert lead(sentences) == [sentences[1], sentences[2], sentences[4]]
    assert lead(["Short."]) == ["Short."]


def test_the_head_round_trips_through_its_file(tmp_path: Path) -> None:
    head = DomainHead(np.array([1.0, -1.0], np.float32), 0.0, {"date": "2026-12-06"})
    head.save(tmp_path)
    again = DomainHead.load(tmp_path)
    assert again is not None and again.meta == {"date": "2026-12-06"}
    assert again.domain(np.array([1.0, 0.0], np.float32))[0] == "CC"
    assert again.domain(np.array([0.0, 1.0], np.float32))[0] == "URW"
    assert DomainHead.load(tmp_path / "none") is None
