"""The HTTP API and pages over a real (techniques-only) pipeline: analyse, store, list, search, review, delete,
errors as coded JSON, write guards, escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from spinscope.config import load_settings
from spinscope.web.app import create_app

ARTICLE = (
    "Kiev regime hides the truth, columnist says\n\n"
    "The so-called experts of the MSM will never tell you this. Everyone knows the weapons sent west end up on "
    "the black market, and only a fool would believe otherwise. The Kiev regime and its corrupt friends keep "
    "stealing while ordinary people suffer. Wake up before it is too late!\n"
)
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(
        env={},
        overrides=[
            'pipeline.components=["language","segment","encoder","techniques"]',
            f"web.library={home / 'library.sqlite'}",
            f"casebank.path={home / 'casebank.sqlite'}",
        ],
    )
    return TestClient(create_app(settings), base_url="http://localhost")


@pytest.fixture(autouse=True)
def _not_a_browser_yet(client: TestClient):
    """Each test starts as a script: a page visited by an earlier test left the client its CSRF cookie."""
    client.cookies.clear()
    yield
    client.cookies.clear()


def analyze(client: TestClient, **body) -> dict:
    response = client.post("/api/analyze", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_analyse_store_get_list_search_delete(client: TestClient) -> None:
    record = analyze(client, text=ARTICLE, title="Columnist")
    assert record["techniques"] and record["schema_version"]
    assert all(ARTICLE[t["start"] : t["end"]] == t["text"] for t in record["techniques"])
    got = client.get(f"/api/documents/{record['id']}").json()
    assert got == record
    listing = client.get("/api/documents", params={"technique": record["techniques"][0]["technique"]}).json()
    assert record["id"] in [row["id"] for row in listing["documents"]]
    assert record["id"] in [
        row["id"] for row in client.get("/api/search", params={"q": "black market"}).json()["documents"]
    ]
    page = client.get(f"/documents/{record['id']}")
    assert page.status_code == 200 and 'class="seg"' in page.text and 'id="minscore"' in page.text
    assert client.get(f"/documents/{record['id']}/download/semeval-spans").text.count("\t") >= 3
    csrf = {"X-CSRF-Token": client.cookies.get("spinscope_csrf")}  # the page made this client a browser
    assert client.delete(f"/api/documents/{record['id']}", headers=csrf).json() == {"deleted": record["id"]}
    client.cookies.clear()
    missing = client.get(f"/api/documents/{record['id']}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E1026"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"text": "   "}, 400, "E1027"),
        ({}, 400, "E1027"),
        ({"text": "a", "url": "https://x.example/"}, 400, "E1027"),
        ({"text": 5}, 400, "E1029"),
    ],
)
def test_bad_requests_are_coded_json(client: TestClient, body: dict, status: int, code: str) -> None:
    response = client.post("/api/analyze", json=body)
    assert response.status_code == status and response.json()["error"]["code"] == code


def test_upload_and_review(client: TestClient) -> None:
    files = {"file": ("column.txt", ARTICLE.encode(), "text/plain")}
    record = client.post("/api/analyze", files=files)
    assert record.status_code == 201, record.text
    record = record.json()
    assert record["source"] == "column.txt" and record["meta"]["input_id"] == "column"  # read from memory
    span = record["techniques"][0]
    review = {"corrections": [{"action": "reject", **{k: span[k] for k in ("technique", "start", "end")}}]}
    saved = client.post(f"/api/documents/{record['id']}/review", json=review)
    assert saved.status_code == 201, saved.text
    assert len(saved.json()["spans"]) == len(record["techniques"]) - 1
    bad = client.post(f"/api/documents/{record['id']}/review", json=review)  # the span is gone now
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "E1105"
    export = client.get("/api/corrections", params={"format": "jsonl"})
    assert record["id"] in export.text


def test_the_result_page_lists_stored_copies(client: TestClient) -> None:
    first = analyze(client, text=ARTICLE, title="Original")
    copy = analyze(client, text="Republished from another site.\n\n" + ARTICLE, title="Copy")
    page = client.get(f"/documents/{copy['id']}").text
    assert f'href="/documents/{first["id"]}"' in page and "Near-duplicates" in page
    client.cookies.clear()  # the page made this client a browser (CSRF cookie)


def test_user_content_is_escaped(client: TestClient) -> None:
    record = analyze(client, text=f"{XSS}\n\n{ARTICLE}", title=XSS)
    page = client.get(f"/documents/{record['id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    library = client.get("/library", params={"q": "script"}).text
    assert "<script>alert" not in library
    assert "script-src 'self'" in client.get("/").headers["content-security-policy"]


def test_hostile_file_names_and_urls_stay_escaped(client: TestClient) -> None:
    name = "<img src=x onerror=alert(1)>.txt"
    upload = client.post("/api/analyze", files={"file": (name, ARTICLE.encode(), "text/plain")})
    assert upload.status_code == 201, upload.text
    record = upload.json()
    assert record["source"] == name  # kept verbatim in the record, escaped wherever it is shown
    for page in (client.get(f"/documents/{record['id']}").text, client.get("/library").text, client.get("/").text):
        assert "<img src=x" not in page
    csrf = client.cookies.get("spinscope_csrf")
    for url in ('javascript:alert("x")', 'http://"><script>alert(1)</script>/'):
        refused = client.post("/analyze", data={"url": url, "csrf": csrf}, headers={"accept": "text/html"})
        assert refused.status_code in (400, 502) and "<script>alert" not in refused.text
        assert 'javascript:alert("x")' not in refused.text
    client.cookies.clear()


def test_writes_from_other_sites_and_without_csrf_are_refused(client: TestClient) -> None:
    other = client.post("/api/analyze", json={"text": ARTICLE}, headers={"Origin": "https://evil.example"})
    assert other.status_code == 403 and other.json()["error"]["code"] == "E1022"
    client.get("/")  # sets the CSRF cookie: from now on the client is a browser
    form = client.post("/analyze", data={"text": ARTICLE}, follow_redirects=False)
    assert form.status_code == 403
    token = client.cookies.get("spinscope_csrf")
    form = client.post("/analyze", data={"text": ARTICLE, "csrf": token}, follow_redirects=False)
    assert form.status_code == 303 and form.headers["location"].startswith("/documents/")
    client.cookies.clear()


def test_the_api_token_guards_writes(client: TestClient, monkeypatch) -> None:
    monkeypatch.setenv("SPINSCOPE_TOKEN", "s3cret")
    refused = client.post("/api/analyze", json={"text": ARTICLE})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "E1021"
    allowed = client.post("/api/analyze", json={"text": ARTICLE}, headers={"Authorization": "Bearer s3cret"})
    assert allowed.status_code == 201
    assert client.get("/api/health").json()["status"] == "ok"  # reads stay open


def test_oversized_bodies_are_413(client: TestClient, tmp_path: Path) -> None:
    limit = client.app.state.spinscope.settings["web"]["max_request_bytes"]
    response = client.post("/api/analyze", content=b"x" * (limit + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "E1024"


def test_signing_in_with_the_token_lets_the_browser_write(client: TestClient, monkeypatch) -> None:
    monkeypatch.setenv("SPINSCOPE_TOKEN", "s3cret")
    client.cookies.clear()
    assert 'href="/signin"' in client.get("/").text
    csrf = client.cookies.get("spinscope_csrf")
    refused = client.post("/analyze", data={"text": ARTICLE, "csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 401 and 'href="/signin"' in refused.text
    wrong = client.post("/signin", data={"token": "guess", "csrf": csrf}, follow_redirects=False)
    assert wrong.status_code == 401 and "[E1021]" in wrong.text
    assert client.post("/signin", data={"token": "s3cret"}, follow_redirects=False).status_code == 403  # no CSRF
    right = client.post("/signin", data={"token": "s3cret", "csrf": csrf}, follow_redirects=False)
    assert right.status_code == 303 and "httponly" in right.headers["set-cookie"].lower()
    assert "Sign out" in client.get("/").text
    form = client.post("/analyze", data={"text": ARTICLE, "csrf": csrf}, follow_redirects=False)
    assert form.status_code == 303
    client.post("/signout", data={"csrf": csrf})
    assert client.post("/analyze", data={"text": ARTICLE, "csrf": csrf}, follow_redirects=False).status_code == 401
    client.cookies.clear()


def test_the_result_page_starts_its_review_panel_from_the_reviewed_spans(client: TestClient) -> None:
    import json
    import re

    record = analyze(client, text=f"{XSS}\n\n{ARTICLE}", title="Reviewed")
    span = record["techniques"][0]
    review = {"corrections": [{"action": "reject", **{k: span[k] for k in ("technique", "start", "end")}}]}
    assert client.post(f"/api/documents/{record['id']}/review", json=review).status_code == 201
    page = client.get(f"/documents/{record['id']}").text
    assert 'id="save-review"' in page and '<script src="/static/review.js">' in page
    data = json.loads(re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S)[1])
    assert data["id"] == record["id"] and data["reviews"] == 1
    assert len(data["spans"]) == len(record["techniques"]) - 1
    assert {"label": "Loaded_Language", "name": "Loaded Language"} in data["labels"]
    client.cookies.clear()


def test_the_analysis_lock_serves_waiting_requests_in_arrival_order() -> None:
    import threading
    import time

    from spinscope.web.service import FairLock

    lock, order, started = FairLock(), [], []
    lock.__enter__()  # held while the others queue up one by one

    def take(n: int) -> None:
        started.append(n)
        with lock:
            order.append(n)

    threads = []
    for n in range(8):
        threads.append(threading.Thread(target=take, args=(n,)))
        threads[-1].start()
        while len(started) <= n:
            time.sleep(0.001)
        time.sleep(0.01)  # thread n is waiting inside the lock before n + 1 starts
    lock.__exit__(None, None, None)
    for thread in threads:
        thread.join(5)
    assert order == list(range(8))


def test_a_retried_request_with_an_idempotency_key_stores_nothing_twice(client: TestClient) -> None:
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = client.post("/api/analyze", json={"text": ARTICLE, "title": "Once"}, headers=headers)
    assert first.status_code == 201
    total = client.get("/api/documents").json()["total"]
    again = client.post("/api/analyze", json={"text": ARTICLE, "title": "Once"}, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert client.get("/api/documents").json()["total"] == total
    other = client.post("/api/analyze", json={"text": ARTICLE}, headers={"Idempotency-Key": "retry-other"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    bad = client.post("/api/analyze", json={"text": ARTICLE}, headers={"Idempotency-Key": "x" * 201})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "E1029"


def test_a_request_whose_time_ran_out_while_it_waited_is_not_analysed(client: TestClient) -> None:
    import time

    from spinscope.runner import Cancellation, Cancelled

    analyzer = client.app.state.spinscope.analyzer
    with pytest.raises(Cancelled):
        analyzer.text(ARTICLE, cancel=Cancellation(deadline=time.monotonic() - 1))
    assert analyzer.text(ARTICLE, cancel=Cancellation(deadline=time.monotonic() + 60)).records


def test_the_openapi_page_and_schema_need_nothing_from_outside(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/analyze", "/api/documents", "/api/documents/{doc_id}", "/api/search", "/api/health"):
        assert path in schema["paths"], path
    body = schema["paths"]["/api/analyze"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["$ref"] == "#/components/schemas/AnalyzeRequest"
    assert "file" in body["multipart/form-data"]["schema"]["properties"]
    assert "corrections" in schema["components"]["schemas"]["ReviewRequest"]["properties"]
    docs = client.get("/docs").text
    assert '<script src="/static/vendor/swagger-ui-bundle.js">' in docs and "cdn" not in docs.lower()
    assert client.get("/static/vendor/swagger-ui-bundle.js").status_code == 200
    client.cookies.clear()


def test_the_library_pages_through_every_document_and_keeps_the_filters(client: TestClient, monkeypatch) -> None:
    import re

    from spinscope.web import pages

    monkeypatch.setattr(pages, "PAGE", 2)
    for n in range(3):
        analyze(client, text=f"Quayside zorblet note {n}.\n\n{ARTICLE}", title=f"Zorblet {n}")
    first = client.get("/library", params={"q": "zorblet"}).text
    shown = re.search(r"<p>(\d+ document\(s\)[^<]*)</p>", first)[1]
    assert shown == "3 document(s), 1–2 shown" and "Newer" not in first, shown
    older = re.search(r'href="/library\?([^"]+)" rel="next"', first)[1]
    assert "q=zorblet" in older and "offset=2" in older
    second = client.get(f"/library?{older.replace('&amp;', '&')}").text
    assert "Zorblet 0" in second and "Older" not in second and 'rel="prev"' in second
    assert 'class="snippet">Quayside zorblet note' in first  # FTS5's snippet of the words searched


def test_uploads_of_pdf_word_and_screenshot(client: TestClient) -> None:
    """The API reads the new input kinds from an upload as the CLI does: a PDF, a Word file, and (with
    Tesseract) a screenshot whose word boxes come back in the record's meta."""
    from spinscope.readers import ocr
    from tests import inputs

    docx_data, expected = inputs.docx_file("en")
    uploads = [("draft.docx", docx_data, expected[1])]
    if Path("/usr/bin/chromium").is_file():
        pdf, paragraphs = inputs.article_pdf("en", "one-column")
        uploads.append(("statement.pdf", pdf, paragraphs[1]))
    if ocr.available():
        png, _ = inputs.screenshot("en")
        uploads.append(("post.png", png, "Eastmouth"))
        scan, scanned = inputs.scanned_pdf("en")
        uploads.append(("scan.pdf", scan, scanned[1].split()[0]))
    for name, data, wanted in uploads:
        response = client.post("/api/analyze", files={"file": (name, data, "application/octet-stream")})
        assert response.status_code == 201, response.text
        record = response.json()
        assert wanted in record["text"], name
        assert all(record["text"][t["start"] : t["end"]] == t["text"] for t in record["techniques"])
        if name in ("post.png", "scan.pdf"):  # read by OCR: the picture is kept, the spans drawn on it
            assert record["meta"]["boxes"]["words"]
            picture = client.get(f"/api/documents/{record['id']}/picture", params={"page": 1})
            assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
            assert picture.content.startswith(b"\x89PNG")
            page = client.get(f"/documents/{record['id']}").text
            client.cookies.clear()  # the page set its CSRF cookie: the next post goes as a script again
            assert '<figure class="picture">' in page and f"/api/documents/{record['id']}/picture?page=1" in page
            assert client.get(f"/api/documents/{record['id']}/picture", params={"page": 2}).status_code == 404
            shown_spans = sum(t.get("shown", True) for t in record["techniques"])
            assert page.count('<rect class="box"') >= shown_spans
        else:
            assert client.get(f"/api/documents/{record['id']}/picture").status_code == 404
    broken = client.post("/api/analyze", files={"file": ("bad.pdf", b"%PDF-1.7 nothing", "application/pdf")})
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "E406"
