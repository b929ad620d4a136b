"""The web app in a real browser: `spinscope serve` as a subprocess, driven by Playwright through Debian's
Chromium (/usr/bin/chromium; nothing is downloaded, `playwright install` is never needed).

One module-scoped server and one module-scoped desktop page. The first test analyses examples/article.txt
through the form; the later ones reuse that stored document (run in file order, as pytest does), or one
stored through the JSON API when the form failed, so that one broken step does not hide the others. Every test
ends by checking that the browser logged no console error, no uncaught exception and no CSP violation, and
asked nothing of any host but the server. Screenshots go to a temporary folder; their paths are printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.web.browser_kit import CHROMIUM, Server, Watch, serve

if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (CI installs Debian's chromium)", allow_module_level=True)

REPO = Path(__file__).resolve().parents[2]
ARTICLE = (REPO / "examples" / "article.txt").read_text(encoding="utf-8")
TITLE = "The Truth They Will Not Print"
SEARCH_WORD = "pensioners"  # occurs once in examples/article.txt
TIMEOUT_MS = 15_000  # one browser action or expectation
ANALYSE_TIMEOUT_MS = 60_000  # the form post runs the whole pipeline


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`spinscope serve` on a free loopback port with a fresh SPINSCOPE_HOME and no API token."""
    with serve(tmp_path_factory.mktemp("serve")) as server:
        yield server


@dataclass
class Shots:
    folder: Path
    n: int = 0

    def take(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        print(f"screenshot: {path}")  # noqa: T201 (wanted in the output)
        return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Shots:
    return Shots(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--metrics-recording-only",
            "--disable-gpu",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def watch(server: Server) -> Watch:
    return Watch(server.url)


def _context(browser: Browser, server: Server, watch: Watch, **options: Any) -> BrowserContext:
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(TIMEOUT_MS)
    watch.attach(context)
    return context


@pytest.fixture(scope="module")
def page(browser: Browser, server: Server, watch: Watch) -> Iterator[Page]:
    """The desktop page the tests share."""
    context = _context(browser, server, watch, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def state() -> dict[str, str]:
    """What the first test leaves for the others: the stored document's id."""
    return {}


@pytest.fixture
def doc_id(state: dict[str, str], server: Server) -> str:
    """The document the analyse test stored through the form; if that test failed (or was deselected), one
    stored through the JSON API, so that the later steps still test what they test."""
    if "doc_id" not in state:
        response = httpx.post(f"{server.url}/api/analyze", json={"text": ARTICLE, "title": TITLE}, timeout=120)
        assert response.status_code == 201, response.text
        state["doc_id"] = response.json()["id"]
    return state["doc_id"]


@pytest.fixture(autouse=True)
def _fresh_watch(watch: Watch) -> None:
    watch.reset()  # a failed test's findings are its own; each test checks its own at its end


def _open_document(page: Page, doc_id: str) -> None:
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("mark.seg").first).to_be_visible()


def test_analyse_form_lands_on_document_page(page: Page, watch: Watch, shots: Shots, state: dict) -> None:
    """Step 1: paste examples/article.txt, give a title, submit; the result page is /documents/<id>."""
    page.goto("/")
    shots.take(page, "index")
    page.fill("#title", TITLE)
    page.fill("#text", ARTICLE)
    with page.expect_navigation(timeout=ANALYSE_TIMEOUT_MS):
        page.click("form.analyse button[type=submit]")
    if not re.search(r"/documents/[^/?#]+$", page.url):
        shots.take(page, "analyse-failed")
        errors = page.locator("main p.error").all_inner_texts()
        pytest.fail(f"the analyse form landed on {page.url}, not /documents/<id>: {errors}")
    doc_id = page.url.rsplit("/", 1)[1]
    state["doc_id"] = doc_id
    expect(page.locator("article.doc h2")).to_have_text(TITLE)
    expect(page).to_have_title(re.compile(re.escape(TITLE)))
    shots.take(page, "document")
    watch.assert_clean()


def test_highlights_and_tooltip_on_hover(page: Page, watch: Watch, shots: Shots, doc_id: str) -> None:
    """Steps 2-3: the text has highlighted segments; hovering one shows #tip with a technique name and its
    confidence."""
    _open_document(page, doc_id)
    marks = page.locator("article.doc .text mark.seg")
    assert marks.count() >= 1
    assert all(m.get_attribute("data-s") for m in marks.all()[:20])
    tip = page.locator("#tip")
    expect(tip).to_be_hidden()
    mark = marks.first
    labels = (mark.get_attribute("data-t") or "").split()
    assert labels, "a mark.seg without data-t"
    names = {row["label"]: row["name"] for row in _tip_labels(page)}
    mark.hover()
    expect(tip).to_be_visible()
    text = tip.inner_text()
    assert "confidence" in text
    assert labels[0] in text and names[labels[0]] in text, text
    assert re.search(r"confidence \d\.\d\d", text), text
    expect(mark).to_have_class(re.compile(r"\bon\b"))
    shots.take(page, "tooltip-hover", full_page=False)
    page.mouse.move(1, 1)  # pointer leaves the mark: the tooltip goes
    expect(tip).to_be_hidden()
    watch.assert_clean()


def _tip_labels(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("JSON.parse(document.querySelector('article.doc script.tipdata').textContent).labels")


def test_confidence_slider_weakens_all_marks(page: Page, watch: Watch, shots: Shots, doc_id: str) -> None:
    """Step 4: the #minscore slider at its max marks every segment weak; back at 0 none is."""
    _open_document(page, doc_id)
    slider = page.locator("#minscore")
    marks = page.locator("mark.seg")
    total = marks.count()
    top = slider.get_attribute("max") or "1"
    slider.fill(top)
    expect(page.locator("#minscore-value")).to_have_text(f"{float(top):.2f}")
    expect(page.locator("mark.seg.weak")).to_have_count(total)
    shots.take(page, "slider-max")
    slider.fill(slider.get_attribute("min") or "0")
    expect(page.locator("#minscore-value")).to_have_text("0.00")
    expect(page.locator("mark.seg.weak")).to_have_count(0)
    watch.assert_clean()


def test_actor_row_highlights_mentions(page: Page, watch: Watch, shots: Shots, doc_id: str) -> None:
    """Step 5: clicking an actor row of the Actors section highlights its mentions in the text."""
    _open_document(page, doc_id)
    section = page.locator("article.doc section").filter(has=page.locator("h3", has_text=re.compile(r"^Actors")))
    expect(section).to_have_count(1)
    keys = [row.get_attribute("data-actor") or "" for row in section.locator("tr.actor").all()]
    numeric = [k for k in keys if k.isdigit()]
    assert numeric, f"no actor row with a numeric data-actor in the Actors section: {keys}"
    row = section.locator(f'tr.actor[data-actor="{numeric[0]}"]')
    expect(row).to_have_attribute("aria-pressed", "false")
    row.click()
    expect(row).to_have_attribute("aria-pressed", "true")
    highlighted = page.locator("article.doc .text .hl")
    assert highlighted.count() >= 1
    expect(highlighted.first).to_be_visible()
    shots.take(page, "actor-highlight")
    row.click()  # a second click switches it off
    expect(row).to_have_attribute("aria-pressed", "false")
    expect(page.locator("article.doc .hl")).to_have_count(0)
    watch.assert_clean()


def test_library_search_finds_document(page: Page, watch: Watch, shots: Shots, doc_id: str) -> None:
    """Step 7: the library's search box (htmx) narrows the list; a word of the article finds it."""
    page.goto("/library")
    link = page.locator(f'#rows a[href="/documents/{doc_id}"]')
    search = page.locator("input#q[name=q]")
    with page.expect_response(lambda r: "/library?" in r.url and "q=zzqxnotaword" in r.url):
        search.fill("zzqxnotaword")
    expect(link).to_have_count(0)
    with page.expect_response(lambda r: "/library?" in r.url and f"q={SEARCH_WORD}" in r.url):
        search.fill(SEARCH_WORD)
    expect(link).to_have_count(1)
    expect(link).to_have_text(TITLE)
    shots.take(page, "library-search")
    with page.expect_navigation(url=re.compile(rf"/documents/{re.escape(doc_id)}$")):
        link.click()
    watch.assert_clean()


def test_phone_tap_tooltip_and_no_sideways_scroll(
    browser: Browser, server: Server, watch: Watch, shots: Shots, doc_id: str
) -> None:
    """Step 8: on a phone-sized touch screen a tap opens the tooltip, which stays on screen, and the page
    does not scroll sideways."""
    context = _context(browser, server, watch, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        _open_document(phone, doc_id)
        width = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] + 1, f"horizontal scroll on a phone: scrollWidth {width[0]} > {width[1]}"
        mark = phone.locator("article.doc .text mark.seg").first
        mark.tap()
        tip = phone.locator("#tip")
        expect(tip, "a tap on a mark.seg leaves the tooltip closed").to_be_visible()
        assert "confidence" in tip.inner_text()
        box = tip.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390 + 1, box
        shots.take(phone, "phone-tap", full_page=False)
        width = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1] + 1, f"horizontal scroll with the tooltip open: {width}"
        mark.tap()  # a second tap on the same mark closes it
        expect(tip).to_be_hidden()
    finally:
        context.close()
    watch.assert_clean()


def test_keyboard_focus_shows_tooltip_escape_hides(page: Page, watch: Watch, shots: Shots, doc_id: str) -> None:
    """Step 9: Tab reaches a highlighted segment, whose focus opens the tooltip; Escape closes it."""
    _open_document(page, doc_id)
    page.locator("body").focus()
    tip = page.locator("#tip")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.matches('mark.seg')"):
            break
    else:
        pytest.fail("60 presses of Tab never focused a mark.seg")
    expect(tip).to_be_visible()
    assert "confidence" in tip.inner_text()
    shots.take(page, "keyboard-focus", full_page=False)
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    watch.assert_clean()


def test_review_panel_saves_a_rejection(page: Page, watch: Watch, shots: Shots, server: Server, doc_id: str) -> None:
    """Step 6 (last, as it changes the document): the review panel rejects the first span and saves; the API
    then holds one review with that one correction.

    Contract of the panel: `section#review` with rows `tr.review-span`, each with `select.action` (keep,
    accept, reject, relabel) and `select.relabel` (technique names); a `#save-review` button; after saving,
    `#review-status` (role=status) says "Saved"."""
    _open_document(page, doc_id)
    panel = page.locator("section#review")
    expect(panel, "no <section id='review'> on the document page").to_have_count(1)
    for summary in panel.locator("details:not([open]) > summary").all():
        summary.click()  # the panel may sit folded in a <details>
    rows = panel.locator("tr.review-span")
    expect(rows.first).to_be_visible()
    first = rows.first
    options = first.locator("select.action option").evaluate_all("els => els.map(e => e.value)")
    assert {"keep", "accept", "reject", "relabel"} <= set(options), options
    expect(first.locator("select.relabel")).to_have_count(1)
    assert first.locator("select.relabel option").count() >= 2
    first.locator("select.action").select_option("reject")
    page.click("#save-review")
    status = page.locator("#review-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_contain_text("Saved")
    shots.take(page, "review-saved")
    reviews = httpx.get(f"{server.url}/api/documents/{doc_id}/reviews", timeout=10).json()["reviews"]
    assert len(reviews) == 1, reviews
    corrections = reviews[0]["corrections"]
    assert len(corrections) == 1 and corrections[0]["action"] == "reject", corrections
    watch.assert_clean()


def test_api_docs_render_from_the_package(page: Page, watch: Watch, shots: Shots) -> None:
    """/docs is Swagger UI from the vendored bundle: it lists the endpoints with no CDN and no CSP violation."""
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    expect(page.locator("#swagger-ui")).to_contain_text("/api/analyze")
    shots.take(page, "api-docs")
    watch.assert_clean()


def test_a_panel_says_when_its_component_was_off(page: Page, watch: Watch, server: Server) -> None:
    body = {"text": ARTICLE, "title": "Without claims", "options": {"skip": ["claims"]}}
    response = httpx.post(f"{server.url}/api/analyze", json=body, timeout=120)
    assert response.status_code == 201, response.text
    _open_document(page, response.json()["id"])
    expect(page.locator("section.empty", has_text="Check-worthy claims")).to_contain_text("switched off")
    expect(page.locator("section", has_text="Actors").first).to_be_visible()
    watch.assert_clean()


def test_delete_asks_first_and_then_removes_the_document(page: Page, watch: Watch, server: Server) -> None:
    response = httpx.post(f"{server.url}/api/analyze", json={"text": ARTICLE, "title": "To delete"}, timeout=120)
    assert response.status_code == 201, response.text
    doc_id = response.json()["id"]
    _open_document(page, doc_id)
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("form[data-confirm] button")
    assert page.url.endswith(f"/documents/{doc_id}")  # dismissed: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("form[data-confirm] button")
    assert page.url.endswith("/library")
    assert httpx.get(f"{server.url}/api/documents/{doc_id}").status_code == 404
    watch.assert_clean()
