"""The browser extension (extension/, issue #28) at work in Debian's Chromium (/usr/bin/chromium, through
Playwright; nothing is downloaded).

The tests start `spinscope serve` with SPINSCOPE_TOKEN set, serve test pages from a tiny http.server on
another origin (http://localhost:PORT, with a strict CSP: `default-src 'self'`, and a stylesheet that tries to
restyle everything), load the extension, set its options through its options page, and trigger the analysis
by calling, in the extension's service worker, `analyseTab(tab)`: the function a click on the toolbar button
calls (Playwright cannot click the toolbar). A click grants activeTab; a call from a test does not, so the
tests load a COPY of the extension (written to a temporary folder) whose manifest adds `host_permissions`
for the test pages' origin, http://localhost/* only. The spinscope server listens on 127.0.0.1, which that
permission does not cover, so the extension's requests to it go through CORS as the shipped extension's do.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import httpx
from playwright.sync_api import BrowserContext, Page, Worker, expect, sync_playwright

from spinscope.writers.html import _tooltip_text
from tests.web.browser_kit import CHROMIUM, Server, Watch, serve

if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (CI installs Debian's chromium)", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
MANIFEST = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))

TOKEN = "extension-test-token"
ARTICLE = (REPO / "examples" / "article.txt").read_text(encoding="utf-8")
XSS = "<img src=x onerror=\"document.title='pwned'\"><script>window.__pwned=1</script>"
TIMEOUT_MS = 15_000  # one browser action or expectation
ANALYSE_TIMEOUT_MS = 60_000  # one analysis by the server
PAGE_CSP = "default-src 'self'"
PAGE_CSS = "p, li, h3, div, span, a { font-size: 40px !important; color: rgb(255, 0, 0) !important; }"


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs[1:])
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<link rel="stylesheet" href="/page.css"></head><body>\n'
        '<nav><a href="/">Home</a> | <a href="/world">World</a></nav>\n'
        f"<article>\n<h1>{escape(paragraphs[0])}</h1>\n{body}\n</article>\n"
        "<footer>Comments are closed.</footer>\n</body></html>"
    )


def example_paragraphs() -> list[str]:
    text = re.sub(r"^ date \S+\n", "", ARTICLE)
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


PAGES = {
    "/article.html": article_page("The Truth They Will Not Print", example_paragraphs()),
    "/xss.html": article_page(
        XSS,
        [
            f"Headline {XSS}",
            f"The corrupt puppet regime hides the truth {XSS} and only cowards and traitors believe its lies.",
            "Wake up before it is too late! Everyone knows the so-called experts of the MSM lie to you every day.",
        ],
    ),
    "/page.css": PAGE_CSS,
}


class PageHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404)
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", PAGE_CSP)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    """The test pages' origin, http://localhost:PORT (not the server's 127.0.0.1)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("serve"), {"SPINSCOPE_TOKEN": TOKEN}) as server:
        yield server


@dataclass
class Browser:
    context: BrowserContext
    worker: Worker
    extension_id: str
    watch: Watch
    worker_requests: list[str]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, server: Server, pages: str) -> Iterator[Browser]:
    """Chromium with the test copy of the extension (host_permissions for http://localhost/* added, see the
    module docstring), its options set through the options page."""
    root = tmp_path_factory.mktemp("chromium")
    copy = root / "extension"
    shutil.copytree(EXTENSION, copy, ignore=shutil.ignore_patterns("node_modules", "package*.json", "*.py"))
    manifest = {**MANIFEST, "host_permissions": ["http://localhost/*"]}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(root / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                f"--disable-extensions-except={copy}",
                f"--load-extension={copy}",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        )
        context.set_default_timeout(TIMEOUT_MS)
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        extension_id = worker.url.split("/")[2]
        set_options(context, extension_id, server)
        watch = Watch(pages, also=(server.url,))  # the service worker's fetches are routed too
        watch.attach(context)
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url) if r.service_worker else None)
        yield Browser(context, worker, extension_id, watch, requests)
        context.close()


def set_options(context: BrowserContext, extension_id: str, server: Server) -> None:
    page = context.new_page()
    page.goto(f"chrome-extension://{extension_id}/options.html")
    expect(page.locator("#server")).to_have_value("http://127.0.0.1:8000")  # the default
    page.fill("#server", server.url + "/")
    page.fill("#token", "wrong-token")
    page.click("#check")
    expect(page.locator("#status")).to_contain_text("[E1021]")
    page.fill("#token", TOKEN)
    page.click("#check")
    expect(page.locator("#status")).to_have_text("Connected: the server accepts this token.")
    page.click("#save")
    expect(page.locator("#status")).to_have_text("Saved.")
    expect(page.locator("#server")).to_have_value(server.url)
    page.close()


def analyse(browser: Browser, url: str, select: str = "") -> Page:
    """Open `url`, select the text of the CSS selector `select` if given, and run what the toolbar button
    runs; wait for the panel to say how it went."""
    page = browser.context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(url)
    if select:
        page.evaluate(
            "(sel) => { const r = document.createRange(); r.selectNodeContents(document.querySelector(sel));"
            " const s = getSelection(); s.removeAllRanges(); s.addRange(r); }",
            select,
        )
    browser.worker.evaluate(
        "async (url) => { const tabs = await chrome.tabs.query({}); const tab = tabs.find((t) => t.url === url);"
        " await analyseTab(tab); }",
        url,
    )
    status = page.locator("#spinscope-panel-host p[role]")
    expect(status).not_to_have_text(re.compile("^Analysing"), timeout=ANALYSE_TIMEOUT_MS)
    expect(status).to_have_attribute("role", "status")  # not "alert": the panel shows the error there
    expect(status).to_contain_text(re.compile("highlighted|No technique span"))
    origin = url.split("/", 3)[:3]
    assert all(u.split("/", 3)[:3] == origin for u in seen), f"the page asked other hosts: {seen}"
    return page


def stored_record(page: Page, server: Server) -> dict[str, Any]:
    link = page.locator("#spinscope-panel-host a.stored")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(re.escape(server.url) + r"/documents/[^/?#]+", href), href
    doc_id = href.rsplit("/", 1)[1]
    response = httpx.get(f"{server.url}/api/documents/{doc_id}", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def mark_ranges(page: Page) -> list[dict[str, Any]]:
    return page.eval_on_selector_all(
        "mark.spinscope-mark",
        "ms => ms.map(m => ({start: +m.dataset.start, end: +m.dataset.end, text: m.textContent, title: m.title}))",
    )


def test_analyse_this_page_highlights_in_place(browser: Browser, server: Server, pages: str, tmp_path: Path) -> None:
    url = f"{pages}/article.html"
    page = analyse(browser, url)
    shot = tmp_path / "analysed.png"
    page.screenshot(path=str(shot))
    print(f"screenshot: {shot}")  # noqa: T201 (wanted in the output)
    record = stored_record(page, server)
    assert record["source"] == url and record["title"] == "The Truth They Will Not Print"
    assert record["text"].startswith(example_paragraphs()[0] + "\n\n" + example_paragraphs()[1])

    marks = mark_ranges(page)
    shown = [s for s in record["techniques"] if s.get("shown", True)]
    assert marks and shown
    for mark in marks:
        assert mark["text"] == record["text"][mark["start"] : mark["end"]]
    covered = {i for m in marks for i in range(m["start"], m["end"])}
    assert covered == {i for s in shown for i in range(s["start"], s["end"])}
    # the report's tooltip: name (label), confidence, definition
    first = min(shown, key=lambda s: (s["start"], s["end"]))
    tooltip = next(m["title"] for m in marks if m["start"] == first["start"])
    assert _tooltip_text(first) in tooltip

    panel = page.locator("#spinscope-panel-host")
    for name in ("techniques", "claims", "actors", "narratives", "known"):
        expect(panel.locator(f"section[data-section={name}]")).to_be_visible()
    expect(panel.locator("section[data-section=claims] li").first).to_contain_text(record["claims"][0]["text"][:40])
    expect(panel.locator("section[data-section=actors] li").first).to_contain_text(record["entities"][0]["name"])
    expect(panel.locator("section[data-section=narratives]")).to_contain_text(record["narratives"][0]["narrative"])
    # the page's CSS stays out of the panel
    size = panel.locator("h3").first.evaluate("h => getComputedStyle(h).fontSize")
    assert size != "40px"
    assert page.evaluate("getComputedStyle(document.querySelector('article p')).fontSize") == "40px"  # it loaded

    browser.watch.assert_clean()
    assert browser.worker_requests, "the service worker's requests were not seen"
    assert all(u.startswith(server.url + "/api/") for u in browser.worker_requests), browser.worker_requests
    page.close()


def test_page_text_is_inserted_as_text(browser: Browser, server: Server, pages: str) -> None:
    page = analyse(browser, f"{pages}/xss.html")
    panel = page.locator("#spinscope-panel-host")
    expect(panel.locator("p.muted").first).to_have_text(XSS)  # the page title, shown as text
    counts = page.evaluate(
        "() => [document.querySelectorAll('img, script:not([src])').length,"
        " document.getElementById('spinscope-panel-host').shadowRoot.querySelectorAll('img, script').length,"
        " typeof window.__pwned, document.title]"
    )
    assert counts == [0, 0, "undefined", XSS]
    assert XSS in page.locator("article").inner_text()
    browser.watch.assert_clean()
    page.close()


def test_a_selection_is_analysed_alone(browser: Browser, server: Server, pages: str) -> None:
    page = analyse(browser, f"{pages}/article.html", select="article p:nth-of-type(3)")
    record = stored_record(page, server)
    assert record["text"] == example_paragraphs()[3]
    for mark in mark_ranges(page):
        assert mark["text"] == record["text"][mark["start"] : mark["end"]]
    browser.watch.assert_clean()
    page.close()
