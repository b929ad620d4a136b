"""A newsroom's verdicts: recorded on a stored claim in the web app (API and form), kept in the local case bank's
`newsroom` bank, matched in later articles, published as ClaimReview; STIX and MISP downloads of a result."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from spinscope.casebank import CaseBank
from spinscope.config import load_settings
from spinscope.web.app import create_app

REPORT = (
    "Council sells the river bridge\n\n"
    "The city council sold the old river bridge to a foreign bank for three euros, the opposition claimed on "
    "Monday. The mayor's office said the bridge had been leased for thirty years, not sold.\n"
)
RESTATED = "Bridge scandal\n\nOur city council sold the old river bridge to a foreign bank for three euros.\n"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    home = tmp_path_factory.mktemp("home")
    components = '["language","segment","encoder","techniques","claims","matching"]'
    overrides = [f"pipeline.components={components}", "components.claims.all=true",
                 f"web.library={home / 'library.sqlite'}", f"casebank.path={home / 'casebank.sqlite'}"]  # fmt: skip
    return TestClient(create_app(load_settings(env={}, overrides=overrides)), base_url="http://localhost")


def test_a_verdict_goes_to_the_newsroom_bank_and_later_articles_match_it(client: TestClient) -> None:
    record = client.post("/api/analyze", json={"text": REPORT, "title": "Council"}).json()
    claim = next(i for i, c in enumerate(record["claims"]) if c["text"].startswith("The city council sold"))
    verdict = {"claim": claim, "rating": "False", "rebuttal": "The bridge was leased.", "link": "https://n.example/1"}
    saved = client.post(f"/api/documents/{record['id']}/verdicts", json=verdict)
    assert saved.status_code == 201, saved.text
    case = saved.json()
    assert case["bank"] == "newsroom" and case["rating"] == "False" and case["claim"].startswith("The city council")
    bad = client.post(f"/api/documents/{record['id']}/verdicts", json={**verdict, "rating": "Pants on fire"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "E1108"
    published = client.get("/api/casebank/claimreview", params={"bank": "newsroom"})
    assert published.headers["content-type"].startswith("application/ld+json")
    [review] = published.json()["@graph"]
    assert review["reviewRating"]["alternateName"] == "False" and review["url"] == "https://n.example/1"
    later = client.post("/api/analyze", json={"text": RESTATED}).json()
    assert [m["case_id"] for m in later["matches"]] == [case["id"]]


def test_the_result_page_records_a_verdict_by_form_and_offers_stix_and_misp(client: TestClient) -> None:
    record = client.post("/api/analyze", json={"text": REPORT.replace("Monday", "Tuesday")}).json()
    page = client.get(f"/documents/{record['id']}")
    assert 'action="/documents/' in page.text and "/download/stix" in page.text and "/download/misp" in page.text
    form = {"csrf": client.cookies.get("spinscope_csrf"), "claim": "0", "rating": "Misleading", "rebuttal": "No."}
    done = client.post(f"/documents/{record['id']}/verdict", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?verdict=saved")
    assert "Verdict saved" in client.get(done.headers["location"]).text
    stix = json.loads(client.get(f"/documents/{record['id']}/download/stix").text)
    assert stix["type"] == "bundle" and any(o["type"] == "report" for o in stix["objects"])
    misp = json.loads(client.get(f"/documents/{record['id']}/download/misp").text)
    assert misp["Event"]["info"].startswith("spinscope:")
    tasks = client.get(f"/api/documents/{record['id']}/export/labelstudio").json()
    assert tasks[0]["data"]["doc_id"] == record["id"]
    assert client.get(f"/api/documents/{record['id']}/export/pdf").json()["error"]["code"] == "E602"
    client.cookies.clear()


def test_the_bank_file_holds_the_verdicts(client: TestClient) -> None:
    path = client.app.state.spinscope.settings["casebank"]["path"]
    with CaseBank(path) as bank:
        assert {c.rating for c in bank.iter_cases("newsroom")} == {"False", "Misleading"}
