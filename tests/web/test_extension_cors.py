"""The server side of the browser extension (issue #28): requests from `chrome-extension://ID` and
`moz-extension://ID` reach the API only with the server's token as bearer token, get CORS answers for that
exact origin (never `*`, never for a web page), and `web.extension_ids` pins the accepted ids. Web origins are
refused exactly as before (tests/web/test_security.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.labels import TECHNIQUES, human_name
from spinscope.web.app import create_app
from spinscope.web.security import extension_id

TOKEN = "s3cret-token-for-tests"
CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
TEXT = "The corrupt elites lie to you every day. Only a fool would trust the so-called experts of the MSM."
PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}


def make_client(home: Path, *extra: str) -> TestClient:
    overrides = [
        'pipeline.components=["language","segment"]',
        f"web.library={home / 'library.sqlite'}",
        f"casebank.path={home / 'casebank.sqlite'}",
        *extra,
    ]
    return TestClient(create_app(load_settings(env={}, overrides=overrides)), base_url="http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    return make_client(tmp_path_factory.mktemp("home"))


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SPINSCOPE_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture(autouse=True)
def _no_token_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPINSCOPE_TOKEN", raising=False)


def code_of(response) -> str:
    return response.json()["error"]["code"]


def analyze(client: TestClient, origin: str, bearer: str | None = None):
    headers = {"origin": origin}
    if bearer is not None:
        headers["authorization"] = f"Bearer {bearer}"
    body = {"text": TEXT, "title": "A page", "source": "https://news.example/story"}
    return client.post("/api/analyze", json=body, headers=headers)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (CHROME, CHROME.removeprefix("chrome-extension://")),
        (FIREFOX, FIREFOX.removeprefix("moz-extension://")),
        ("https://evil.example", ""),
        ("null", ""),
        ("chrome-extension://", ""),
        ("chrome-extension://abc/path", ""),
        ("chrome-extension://abc:80", ""),
        ("chrome-extension://user@abc", ""),
        ("safari-web-extension://abc", ""),
    ],
)
def test_extension_ids_are_read_from_origins(origin: str, expected: str) -> None:
    assert extension_id(origin) == expected


@pytest.mark.parametrize("origin", [CHROME, FIREFOX])
def test_the_extension_analyses_with_the_token(client: TestClient, token: str, origin: str) -> None:
    response = analyze(client, origin, token)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["text"] == TEXT and record["source"] == "https://news.example/story" and record["id"]
    assert response.headers["access-control-allow-origin"] == origin
    assert "origin" in response.headers["vary"].lower()
    stored = client.get(
        f"/api/documents/{record['id']}", headers={"origin": origin, "authorization": f"Bearer {token}"}
    )
    assert stored.status_code == 200 and stored.headers["access-control-allow-origin"] == origin


@pytest.mark.parametrize("origin", [CHROME, FIREFOX])
def test_the_preflight_names_that_origin_only(client: TestClient, origin: str) -> None:
    response = client.options("/api/analyze", headers={"origin": origin, **PREFLIGHT})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == origin
    assert {m.strip() for m in response.headers["access-control-allow-methods"].split(",")} == {"GET", "POST"}
    allowed = {h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")}
    assert allowed == {"authorization", "content-type"}
    assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:9999", "null"])
def test_web_origins_get_no_cors(client: TestClient, token: str, origin: str) -> None:
    preflight = client.options("/api/analyze", headers={"origin": origin, **PREFLIGHT})
    assert "access-control-allow-origin" not in preflight.headers
    refused = analyze(client, origin, token)  # even with the right token: a web page is another site
    assert refused.status_code == 403 and code_of(refused) == "E1022"
    assert "access-control-allow-origin" not in refused.headers
    read = client.get("/api/labels", headers={"origin": origin})
    assert "access-control-allow-origin" not in read.headers


def test_no_token_on_the_server_refuses_the_extension(client: TestClient) -> None:
    response = analyze(client, CHROME, "anything")
    assert response.status_code == 403 and code_of(response) == "E1039"
    assert "SPINSCOPE_TOKEN" in response.json()["error"]["message"]
    assert response.headers["access-control-allow-origin"] == CHROME  # so the extension can show the message
    assert code_of(client.get("/api/labels", headers={"origin": FIREFOX})) == "E1039"  # reads too


@pytest.mark.parametrize("bearer", [None, "wrong", ""])
def test_a_missing_or_wrong_token_is_refused(client: TestClient, token: str, bearer: str | None) -> None:
    response = analyze(client, CHROME, bearer)
    assert response.status_code == 401 and code_of(response) == "E1021"
    assert response.headers["access-control-allow-origin"] == CHROME
    assert client.get("/api/labels", headers={"origin": CHROME}).status_code == 401


def test_a_sign_in_cookie_does_not_let_the_extension_in(client: TestClient, token: str) -> None:
    client.get("/signin")
    csrf = client.cookies["spinscope_csrf"]
    signed = client.post("/signin", data={"token": token, "csrf": csrf}, follow_redirects=False)
    assert signed.status_code in (302, 303), signed.text
    try:
        assert code_of(analyze(client, CHROME)) == "E1021"
    finally:
        client.cookies.clear()


def test_extension_origins_are_refused_outside_the_api(client: TestClient, token: str) -> None:
    headers = {"origin": CHROME, "authorization": f"Bearer {token}"}
    response = client.post("/analyze", data={"text": TEXT}, headers=headers)
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/analyze", headers={"origin": CHROME, **PREFLIGHT})
    assert "access-control-allow-origin" not in preflight.headers


def test_wrong_tokens_from_the_extension_are_throttled(tmp_path: Path, token: str) -> None:
    client = make_client(tmp_path, "web.auth_failures=2")
    codes = [code_of(analyze(client, CHROME, "wrong")) for _ in range(3)]
    assert codes == ["E1021", "E1021", "E1033"]
    assert code_of(analyze(client, CHROME, token)) == "E1033"  # right or wrong, until the minute is over


def test_extension_ids_pin_the_accepted_extensions(tmp_path: Path, token: str) -> None:
    client = make_client(tmp_path, f'web.extension_ids=["{CHROME.removeprefix("chrome-extension://")}"]')
    assert analyze(client, CHROME, token).status_code == 201
    other = analyze(client, FIREFOX, token)
    assert other.status_code == 403 and code_of(other) == "E1040"
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options("/api/analyze", headers={"origin": FIREFOX, **PREFLIGHT})
    assert "access-control-allow-origin" not in preflight.headers


def test_labels_give_the_reports_names(client: TestClient) -> None:
    labels = client.get("/api/labels").json()["labels"]
    assert set(TECHNIQUES) <= set(labels)
    assert labels["Loaded_Language"]["name"] == human_name("Loaded_Language")
    assert {"definition", "colour", "tint"} <= set(labels["Loaded_Language"])
