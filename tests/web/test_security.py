"""The served app tried as an attacker would (issue: security and abuse): the corpus SQL cannot write, work
stops when its caller has gone, searches are bounded, bodies and offsets are refused in the documented format,
hosts are checked, wrong tokens are throttled, sessions are revocable, retries must match their key."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.corpus.run import Job, run_corpus
from spinscope.runner import Cancellation, Cancelled
from spinscope.web.app import create_app, host_name
from tests.corpus.test_run import write_corpus

TEXT = "The corrupt elites lie to you every day. Only a fool would trust the so-called experts of the MSM."
CROSS_JOIN = "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "in", 3)
    run_corpus(Job([str(root / "in")], root / "out", load_settings(env={}), only=["language", "segment"]))
    return root / "out"


def make_app(home: Path, run_dir: Path, *extra: str):
    overrides = [
        'pipeline.components=["language","segment"]',
        f"web.library={home / 'library.sqlite'}",
        f"casebank.path={home / 'casebank.sqlite'}",
        f'web.corpus=["{run_dir}"]',
        *extra,
    ]
    return create_app(load_settings(env={}, overrides=overrides))


@pytest.fixture(scope="module")
def client(run_dir: Path, tmp_path_factory) -> TestClient:
    return TestClient(make_app(tmp_path_factory.mktemp("home"), run_dir), base_url="http://localhost")


@pytest.fixture(autouse=True)
def _fresh_cookies(client: TestClient):
    client.cookies.clear()
    yield
    client.cookies.clear()


def code_of(response) -> str:
    return response.json()["error"]["code"]


# --- 1. the corpus SQL reads and never writes ---------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "EXPLAIN ANALYZE COPY (SELECT 'x' AS a) TO '{run}/manifest.json' (FORMAT csv)",
        "EXPLAIN COPY (SELECT 'x' AS a) TO '{run}/manifest.json' (FORMAT csv)",
        "EXPLAIN ANALYZE SELECT 1",
        "COPY (SELECT 'x' AS a) TO '{run}/manifest.json' (FORMAT csv)",
        "ATTACH '{run}/x.duckdb' AS x",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA version",
        "SELECT * FROM read_text('{run}/manifest.json')",
    ],
)
def test_the_corpus_sql_cannot_write_or_read_beyond_the_shards(client: TestClient, run_dir: Path, sql: str) -> None:
    manifest = (run_dir / "manifest.json").read_bytes()
    refused = client.get("/api/corpus/1/query", params={"sql": sql.format(run=run_dir)})
    assert refused.status_code == 400 and code_of(refused) == "E905", refused.text
    assert (run_dir / "manifest.json").read_bytes() == manifest
    assert not (run_dir / "x.duckdb").exists()
    assert client.get("/corpus/1").status_code == 200


def test_the_cli_query_is_sandboxed_unless_trusted(run_dir: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from tests.conftest import run_cli

    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    for sql in (
        f"SELECT * FROM read_csv('{outside}')",
        f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'",
        "SELECT 1; SELECT 2",
    ):
        code, _, err = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), sql)
        assert code == 2 and "[E905]" in err, sql
    assert not (tmp_path / "x.csv").exists()
    code, out, _ = run_cli(
        monkeypatch, capsys, "corpus", "query", str(run_dir), f"SELECT a FROM '{outside}'", "--trusted"
    )
    assert code == 0 and "1" in out
    sql = "SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')"
    code, out, _ = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), sql, "--trusted", "-f", "json")
    assert code == 0 and set(json.loads(out)[0].values()) == {False}


# --- 2. work whose caller has gone stops ---------------------------------------------------------------------


def test_a_cancelled_duckdb_query_is_interrupted(run_dir: Path) -> None:
    from spinscope.corpus.query import run_query

    cancel = Cancellation()
    threading.Timer(0.5, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_query(run_dir, CROSS_JOIN, cancel=cancel)
    assert time.monotonic() - started < 5


def test_a_query_past_its_timeout_answers_504_and_stops(run_dir: Path, tmp_path: Path) -> None:
    app = make_app(tmp_path, run_dir, "web.request_timeout=0.5")
    stopped: list[float] = []
    original = Cancellation.cancel

    def noted(self) -> None:
        stopped.append(time.monotonic())
        original(self)

    with TestClient(app, base_url="http://localhost") as client:
        started = time.monotonic()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Cancellation, "cancel", noted)
            answer = client.get("/api/corpus/1/query", params={"sql": CROSS_JOIN})
        assert answer.status_code == 504 and code_of(answer) == "E1025"
        assert stopped and stopped[0] - started < 2  # the query was told to stop when the 504 left
        assert client.get("/api/corpus/1/query", params={"sql": "SELECT 1"}).json()["rows"] == [[1]]


def test_within_limit_stops_the_work_at_the_timeout() -> None:
    from spinscope.web.api import within_limit

    class FakeState:
        settings: ClassVar = {"web": {"request_timeout": 0.3}}

    ended: list[float] = []

    def work(cancel: Cancellation) -> None:
        try:
            while True:
                cancel.check()
                time.sleep(0.01)
        finally:
            ended.append(time.monotonic())

    from spinscope.errors import InputError

    started = time.monotonic()
    with pytest.raises(InputError, match=r"^\[E1025\]"):
        asyncio.run(within_limit(FakeState(), work))
    deadline = time.monotonic() + 2
    while not ended and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ended and ended[0] - started < 1.5


def test_an_upload_analyses_at_most_its_budget_and_stops_when_cancelled(client: TestClient) -> None:
    analyzer = client.app.state.spinscope.analyzer
    budget = client.app.state.spinscope.settings["web"]["max_documents"]
    lines = "".join(json.dumps({"id": f"r{i}", "text": f"{TEXT} Number {i}."}) + "\n" for i in range(budget + 40))
    analysis = analyzer.upload(lines.encode(), name="many.jsonl")
    assert len(analysis.records) == budget
    assert analysis.rejected and analysis.rejected[-1].startswith("[E1038]") and "40 more" in analysis.rejected[-1]
    done: list[int] = []
    original = analyzer.pipeline

    def counting(*args, **kwargs):
        pipeline = original(*args, **kwargs)
        steps = pipeline.pipe

        def pipe(docs, *rest):
            docs = list(docs)
            done.extend(range(len(docs)))
            if len(done) >= 16:
                cancel.cancel()
            return steps(docs, *rest)

        pipeline.pipe = pipe
        return pipeline

    cancel = Cancellation()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(analyzer, "pipeline", counting)
        with pytest.raises(Cancelled):
            analyzer.upload(lines.encode(), name="many.jsonl", cancel=cancel)
    assert len(done) < budget / 2


# --- 3. searches are bounded ---------------------------------------------------------------------------------


def test_searches_are_bounded_in_words_length_and_time(client: TestClient) -> None:
    client.post("/api/analyze", json={"text": TEXT})
    started = time.monotonic()
    repeated = client.get("/api/search", params={"q": "elites " * 142})
    assert repeated.status_code == 200 and repeated.json()["total"] >= 1
    assert time.monotonic() - started < 2
    many = client.get("/api/documents", params={"q": " ".join(f"w{i}" for i in range(40))})
    assert many.status_code == 400 and code_of(many) == "E1036"
    long = client.get("/api/search", params={"q": "elites " * 3000})
    assert long.status_code == 400 and code_of(long) == "E1029"
    page = client.get("/library", params={"q": " ".join(f"w{i}" for i in range(40))})
    assert page.status_code == 400 and "[E1036]" in page.text
    assert client.get("/api/casebank/search", params={"q": " ".join(f"w{i}" for i in range(40))}).status_code in (
        200,  # no case bank here: nothing is searched
        400,
    )
    library = client.app.state.spinscope.library
    with pytest.raises(Cancelled):
        library.search(q="elites", cancel=Cancellation(deadline=time.monotonic() - 1))


# --- 7, 8, 10, 11: bodies, offsets, reviews and forms in the documented format ----------------------------------


def test_a_chunked_body_over_the_limit_is_413(run_dir: Path, tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path, run_dir, "web.max_request_bytes=1000"), base_url="http://localhost")

    def chunks():
        for _ in range(20):
            yield b'{"text": "' + b"x" * 200

    response = client.post("/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and code_of(response) == "E1024"
    boundary = "b0undary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'.encode()

    def multipart():
        yield head
        for _ in range(20):
            yield b"y" * 200

    response = client.post(
        "/api/analyze", content=multipart(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413 and code_of(response) == "E1024"


def test_a_body_that_does_not_arrive_in_time_is_408() -> None:
    from spinscope.web.app import BodyGuard

    async def app(scope, receive, send):
        await receive()
        await receive()
        raise AssertionError("the body should have timed out")

    sent: list[dict] = []

    async def receive():
        await asyncio.sleep(0.05)
        return {"type": "http.request", "body": b"x", "more_body": True}

    async def send(message):
        sent.append(message)

    async def slow_receive():
        await asyncio.sleep(5)

    async def run():
        guard = BodyGuard(app, limit=10_000, timeout=0.2)
        scope = {"type": "http", "headers": []}
        calls = iter([receive, slow_receive])
        await guard(scope, lambda: next(calls)(), send)

    asyncio.run(run())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 408
    assert json.loads(sent[1]["body"])["error"]["code"] == "E1035"


@pytest.mark.parametrize("path", ["/api/documents", "/api/search?q=x&", "/library"])
@pytest.mark.parametrize("offset", ["99999999999999999999", str(2**63), "-1"])
def test_huge_paging_offsets_are_refused(client: TestClient, path: str, offset: str) -> None:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}offset={offset}", headers={"accept": "application/json"})
    assert response.status_code == 400 and code_of(response) == "E1029"


@pytest.mark.parametrize(("start", "end"), [(False, True), ("0", "5"), (0.0, 5.0), (-1, 5)])
def test_review_offsets_must_be_json_integers(client: TestClient, start, end) -> None:
    record = client.post("/api/analyze", json={"text": TEXT}).json()
    body = {"corrections": [{"action": "add", "technique": "Loaded_Language", "start": start, "end": end}]}
    response = client.post(f"/api/documents/{record['id']}/review", json=body)
    assert response.status_code == 400 and code_of(response) == "E1029", response.text
    assert client.get(f"/api/documents/{record['id']}/reviews").json()["reviews"] == []


def test_reviews_are_bounded(client: TestClient) -> None:
    web = client.app.state.spinscope.settings["web"]
    record = client.post("/api/analyze", json={"text": TEXT}).json()
    one = {"action": "add", "technique": "Loaded_Language", "start": 4, "end": 11}
    many = client.post(
        f"/api/documents/{record['id']}/review", json={"corrections": [one] * (web["max_corrections"] + 1)}
    )
    assert many.status_code == 400 and code_of(many) == "E1108"
    name = client.post(
        f"/api/documents/{record['id']}/review",
        json={"corrections": [one], "reviewer": "r" * (web["max_reviewer_chars"] + 1)},
    )
    assert name.status_code == 400 and code_of(name) == "E1108"
    assert client.get(f"/api/documents/{record['id']}/reviews").json()["reviews"] == []


def test_form_errors_keep_the_documented_format(client: TestClient) -> None:
    big = client.post("/api/analyze", data={"text": TEXT + " More." * 200_000})  # a 1.2 MB pasted text is fine
    assert big.status_code == 201, big.text
    broken = client.post(
        "/api/analyze",
        content=b"--x\r\nContent-Type: text/plain\r\n\r\nabc\r\n--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert broken.status_code == 400 and code_of(broken) == "E1029" and "detail" not in broken.json()
    both = client.post("/api/analyze", data={"text": TEXT}, files={"file": ("a.txt", TEXT.encode())})
    assert both.status_code == 400 and code_of(both) == "E1027"
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and code_of(missing) == "E1037"
    wrong_method = client.put("/api/documents")
    assert wrong_method.status_code == 405 and code_of(wrong_method) == "E1037"


# --- risks: hosts, throttling, sessions, CSRF, idempotency, bidi controls ----------------------------------------


def test_only_the_served_host_names_are_answered(run_dir: Path, tmp_path: Path) -> None:
    client = TestClient(make_app(tmp_path, run_dir), base_url="http://localhost")
    rebound = client.get("/api/health", headers={"host": "attacker.example", "origin": "http://attacker.example"})
    assert rebound.status_code == 400 and code_of(rebound) == "E1032"
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/health", headers={"host": host}).status_code == 200, host
    named = TestClient(make_app(tmp_path, run_dir, 'web.allowed_hosts=["news.example"]'), base_url="http://x")
    assert named.get("/api/health", headers={"host": "news.example:443"}).status_code == 200
    assert named.get("/api/health", headers={"host": "localhost"}).status_code == 400
    anything = TestClient(make_app(tmp_path, run_dir, 'web.allowed_hosts=["*"]'), base_url="http://x")
    assert anything.get("/api/health", headers={"host": "whatever.example"}).status_code == 200
    assert host_name("[::1]:8000") == "[::1]" and host_name("Example.ORG.:80") == "example.org"


def test_serve_answers_the_machines_names_when_it_listens_everywhere() -> None:
    import socket

    from spinscope.cli.serve import _hosts

    assert _hosts("127.0.0.1") == ["localhost", "127.0.0.1", "::1"]
    assert socket.gethostname() in _hosts("0.0.0.0") and "0.0.0.0" not in _hosts("0.0.0.0")


def test_wrong_tokens_are_throttled_per_client(run_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPINSCOPE_TOKEN", "s3cret")
    client = TestClient(make_app(tmp_path, run_dir, "web.auth_failures=5"), base_url="http://localhost")
    for _ in range(5):
        wrong = client.post("/api/analyze", json={"text": TEXT}, headers={"authorization": "Bearer guess"})
        assert wrong.status_code == 401
    blocked = client.post("/api/analyze", json={"text": TEXT}, headers={"authorization": "Bearer s3cret"})
    assert blocked.status_code == 429 and code_of(blocked) == "E1033"
    client.get("/signin")
    csrf = client.cookies.get("spinscope_csrf")
    signin = client.post("/signin", data={"token": "s3cret", "csrf": csrf}, follow_redirects=False)
    assert signin.status_code == 429


def test_sign_in_cookies_are_revocable_sessions_not_the_token(run_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPINSCOPE_TOKEN", "s3cret")
    client = TestClient(make_app(tmp_path, run_dir), base_url="https://localhost")
    client.get("/signin")
    csrf = client.cookies.get("spinscope_csrf")
    right = client.post("/signin", data={"token": "s3cret", "csrf": csrf}, follow_redirects=False)
    cookie = right.headers["set-cookie"]
    assert right.status_code == 303 and "s3cret" not in cookie
    assert all(flag in cookie.lower() for flag in ("httponly", "samesite=strict", "secure"))
    session = client.cookies.get("spinscope_session")
    write = {"X-CSRF-Token": csrf}
    assert client.post("/api/analyze", json={"text": TEXT}, headers=write).status_code == 201
    client.post("/signout", data={"csrf": csrf})
    client.cookies.set("spinscope_session", session)  # a copy of the cookie kept from before the sign-out
    assert client.post("/api/analyze", json={"text": TEXT}, headers=write).status_code == 401


def test_only_a_bearer_token_skips_the_csrf_check(client: TestClient) -> None:
    client.get("/")  # a browser now: it has the CSRF cookie
    basic = client.post("/api/analyze", json={"text": TEXT}, headers={"authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 403 and code_of(basic) == "E1023"
    bearer = client.post("/api/analyze", json={"text": TEXT}, headers={"authorization": "Bearer anything"})
    assert bearer.status_code == 201  # no token is set on this server: a script's bearer header is its own


def test_an_idempotency_key_reused_for_another_body_is_refused(client: TestClient) -> None:
    key = {"Idempotency-Key": "once-only-4c1e"}
    first = client.post("/api/analyze", json={"text": TEXT}, headers=key)
    assert first.status_code == 201
    assert client.post("/api/analyze", json={"text": TEXT}, headers=key).json() == first.json()
    other = client.post("/api/analyze", json={"text": TEXT + " Another."}, headers=key)
    assert other.status_code == 422 and code_of(other) == "E1034"
    upload = client.post("/api/analyze", files={"file": ("a.txt", TEXT.encode())}, headers=key)
    assert upload.status_code == 422


def test_bidi_controls_in_titles_and_file_names_are_shown_not_obeyed(client: TestClient) -> None:
    title = "Invoice \u202egpj.exe"
    record = client.post("/api/analyze", json={"text": TEXT, "title": title}).json()
    assert record["title"] == title  # stored as given
    page = client.get(f"/documents/{record['id']}").text
    assert "\u202e" not in page.split('id="review-data"')[0] and "Invoice [U+202E]gpj.exe" in page
    library = client.get("/library").text
    assert "Invoice [U+202E]gpj.exe" in library and "\u202e" not in library
    client.cookies.clear()
    upload = client.post("/api/analyze", files={"file": ("report\u202etxt.exe.txt", TEXT.encode())}).json()
    assert upload["source"] == "report\u202etxt.exe.txt"
    page = client.get(f"/documents/{upload['id']}").text
    assert "report[U+202E]txt.exe.txt" in page and "\u202e" not in page.split('id="review-data"')[0]
