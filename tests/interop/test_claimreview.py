"""ClaimReview out: any bank as schema.org JSON-LD that our importer reads back to the same cases and a JSON-LD
processor (pyld) expands; the newsroom's own verdicts."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from spinscope.casebank import Case, CaseBank, read_cases
from spinscope.config import load_settings
from spinscope.errors import InputError
from spinscope.interop.claimreview import SCALE, claimreview, newsroom_case
from tests.conftest import run_cli

CASES = [
    Case("ours-1", "ours", "Penguins run the moon base", "A committee of penguins secretly runs a lunar base.",
         rebuttal="False: There is no lunar base.", date="2024-03-14", language="en", outlet="Example Daily",
         url="https://checks.example/penguins", rating="False", author="Checks Desk", keywords=["moon", "NATO"]),
    Case("ours-2", "ours", "Windmills make fog", "Wind turbines produce the fog over Prague.",
         rebuttal="Fog is weather, not turbines.", date="2023-12-01", language="cs"),
    newsroom_case("The bridge was sold to a foreign bank for 3 euros.", rating="Misleading",
                  rebuttal="The bridge was leased, not sold.", link="https://newsroom.example/checks/bridge",
                  author="Newsroom Desk", appeared="https://daily.example/a/1", language="en"),
]  # fmt: skip


def _roundtrip(tmp_path, cases: list[Case]) -> list[Case]:
    path = tmp_path / "reviews.jsonld"
    path.write_text(json.dumps(claimreview(cases)), encoding="utf-8")
    read = [c for c in read_cases(path, load_settings(env={}), fmt="claimreview") if isinstance(c, Case)]
    return [replace(c, bank="x") for c in read]


def test_claimreview_reads_back_to_the_same_cases(tmp_path) -> None:
    assert _roundtrip(tmp_path, CASES) == [replace(c, bank="x") for c in CASES]


def test_a_json_ld_processor_expands_it() -> None:
    jsonld = pytest.importorskip("pyld.jsonld")

    def offline(url: str, options=None) -> dict:  # schema.org's context is its vocabulary; nothing is fetched
        assert url.rstrip("/") in ("https://schema.org", "http://schema.org")
        return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": "https://schema.org/"}}}

    expanded = jsonld.expand(claimreview(CASES), {"documentLoader": offline})
    reviews = [n for n in expanded if "https://schema.org/ClaimReview" in n.get("@type", [])]
    assert len(reviews) == 3
    rating = reviews[2]["https://schema.org/reviewRating"][0]
    assert rating["https://schema.org/alternateName"][0]["@value"] == "Misleading"
    assert reviews[2]["https://schema.org/itemReviewed"][0]["https://schema.org/appearance"][0][
        "https://schema.org/url"
    ]


def test_newsroom_verdicts_are_on_the_documented_scale() -> None:
    case = CASES[2]
    assert case.bank == "newsroom" and case.rating == "Misleading" and case.outlet == "https://daily.example/a/1"
    assert claimreview([case])["@graph"][0]["reviewRating"]["ratingValue"] == SCALE.index("Misleading") + 1
    with pytest.raises(InputError, match=r"\[E1108\] rating must be one of False, .*True"):
        newsroom_case("x", rating="Pants on fire", rebuttal="", link="", author="", appeared=None, language=None)


def test_the_cli_exports_one_bank(tmp_path, monkeypatch, capsys) -> None:
    bank = tmp_path / "bank.sqlite"
    with CaseBank(bank, create=True) as store:
        store.upsert(CASES)
    out = tmp_path / "newsroom.jsonld"
    args = ["casebank", "export", "--bank", "newsroom", "-o", str(out), "--set", f"casebank.path={bank}"]
    code, _, err = run_cli(monkeypatch, capsys, *args)
    assert code == 0, err
    assert [r["claimReviewed"] for r in json.loads(out.read_text())["@graph"]] == [CASES[2].claim]
