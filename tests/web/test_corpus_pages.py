"""Corpus runs in the web app: listed, reported, queried (sandboxed, capped, coded errors), escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.corpus.run import Job, run_corpus
from spinscope.web.app import create_app
from tests.conftest import run_cli
from tests.corpus.test_run import write_corpus

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "in", 4)
    (root / "in" / "hostile.txt").write_text(f"{XSS} Mayor Blunt\n\nMayor Blunt lies again, say critics.\n")
    run_corpus(Job([str(root / "in")], root / "out", load_settings(env={}), only=["language", "segment"]))
    return root / "out"


@pytest.fixture(scope="module")
def client(run_dir: Path, tmp_path_factory) -> TestClient:
    home = tmp_path_factory.mktemp("home")
    overrides = [
        'pipeline.components=["language","segment"]',
        f"web.library={home / 'library.sqlite'}",
        f'web.corpus=["{run_dir}"]',
        "web.max_query_rows=3",
    ]
    return TestClient(create_app(load_settings(env={}, overrides=overrides)), base_url="http://localhost")


def test_runs_are_listed_and_reported(client: TestClient, run_dir: Path) -> None:
    assert 'href="/corpus"' in client.get("/").text
    assert 'href="/corpus/1"' in client.get("/corpus").text
    assert client.get("/api/corpus").json()["runs"][0]["path"] == str(run_dir)
    page = client.get("/corpus/1", params={"by": "language"})
    assert page.status_code == 200 and "5 documents" in page.text and "<h2>Technique prevalence" in page.text
    assert XSS not in page.text
    missing = client.get("/corpus/2", headers={"accept": "application/json"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E1030"
    assert client.get("/corpus/1", params={"by": "colour"}).status_code == 400


def test_queries_are_capped_sandboxed_and_coded(client: TestClient) -> None:
    answer = client.get("/api/corpus/1/query", params={"sql": "SELECT id, title FROM documents ORDER BY id"}).json()
    assert answer["columns"] == ["id", "title"] and len(answer["rows"]) == 3 and answer["truncated"]
    page = client.get("/corpus/1", params={"sql": "SELECT title FROM documents WHERE id = 'hostile'"}).text
    assert "1 row(s)." in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS not in page
    for sql in ("SELECT * FROM read_text('/etc/passwd')", "CREATE TABLE x AS SELECT 1", "SELECT 1; SELECT 2"):
        refused = client.get("/api/corpus/1/query", params={"sql": sql})
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "E905", sql
    page = client.get("/corpus/1", params={"sql": "SELEC 1"})
    assert page.status_code == 200 and "[E905]" in page.text and "<h2>Corpus</h2>" in page.text


def test_serve_refuses_a_folder_without_a_run(monkeypatch, capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "serve", "--corpus", str(tmp_path))
    assert code == 2 and "[E906]" in err and "Traceback" not in err
