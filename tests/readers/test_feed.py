from __future__ import annotations

import pytest

from spinscope.data import Document
from spinscope.errors import Errors, InputError
from spinscope.readers.base import Rejected
from spinscope.readers.feed import FeedReader, fragment_text

from .conftest import FIXTURES, HTML, make_settings, mock_transport

PAGE = (FIXTURES / "article.html").read_bytes()


def test_rss_items_fetch_pages_and_fall_back_to_summaries(cfg) -> None:
    transport = mock_transport({"https://gazette.example/ferry": (200, HTML, PAGE)})  # lighthouse: 404
    ferry, lighthouse, empty = FeedReader(cfg, transport=transport).read(str(FIXTURES / "feed.rss"))
    assert isinstance(ferry, Document)
    assert ferry.id == "gazette-ferry-1"
    assert ferry.meta["text_from"] == "page"
    assert "voted on Tuesday to buy a second ferry" in ferry.text
    assert ferry.title == "Harbour Town Votes on a Second Ferry" and ferry.date == "2023-04-05"
    assert isinstance(lighthouse, Document)
    assert lighthouse.id == "https://gazette.example/lighthouse"
    assert lighthouse.meta["text_from"] == "feed"
    keeper = "After forty years, the keeper of the north light hands over the keys."
    assert lighthouse.text == f"{keeper}\nA party is planned for Sunday."
    assert lighthouse.title == "Lighthouse Keeper Retires" and lighthouse.date == "2023-04-06"
    assert isinstance(empty, Rejected) and empty.message.startswith("[E404]")


def test_injected_fetcher_replaces_http(cfg) -> None:
    def fetcher(url: str) -> Document:
        if url.endswith("ferry"):
            return Document(id="whatever", text="Fetched by the test.", source=url)
        raise InputError(Errors.E407(source=url, detail="offline"))

    items = list(FeedReader(cfg, fetcher=fetcher).read(str(FIXTURES / "feed.rss")))
    assert items[0].text == "Fetched by the test." and items[0].id == "gazette-ferry-1"
    assert items[1].meta["text_from"] == "feed"


def test_feed_fetch_can_be_switched_off() -> None:
    def fetcher(url: str) -> Document:
        raise AssertionError("must not fetch")

    items = list(FeedReader(make_settings("input.feed_fetch=false"), fetcher=fetcher).read(str(FIXTURES / "feed.rss")))
    assert items[0].text == "The council voted to buy a second ferry."


def test_atom_entry_content(cfg) -> None:
    (doc,) = FeedReader(cfg, transport=mock_transport({})).read(str(FIXTURES / "feed.atom"))
    assert doc.id == "urn:example:mill"
    assert doc.text.startswith("The old mill on the river reopened")
    assert doc.date == "2023-05-02"


def test_feed_from_url(cfg) -> None:
    rss = (FIXTURES / "feed.rss").read_bytes()
    routes = {"https://gazette.example/rss": (200, {"content-type": "application/rss+xml"}, rss)}
    items = list(FeedReader(cfg, transport=mock_transport(routes)).read("https://gazette.example/rss"))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "Rejected"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"this is not a feed at all", "E406"),
        (b"<html><body><p>A web page, not a feed.</p></body></html>", "E406"),
        (b"\x00\x01\x02\xff", "E406"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>', "E414"),
    ],
)
def test_bad_feeds(tmp_path, cfg, content, code) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=rf"^\[{code}\] {path}"):
        list(FeedReader(cfg, transport=mock_transport({})).read(str(path)))


def test_truncated_feed_reads_what_parsed(tmp_path, cfg) -> None:
    path = tmp_path / "cut.xml"
    path.write_bytes(b"<rss><channel><item><title>Cut off</title><link>https://x.example/a</link><description>Ha")

    def fetcher(url: str) -> Document:
        return Document(id=url, text="The page behind the cut item.", source=url)

    (doc,) = FeedReader(cfg, fetcher=fetcher).read(str(path))
    assert doc.text == "The page behind the cut item." and doc.title == "Cut off"


def test_feed_item_cap() -> None:
    settings = make_settings("limits.max_records=1", "input.feed_fetch=false")
    items = list(FeedReader(settings).read(str(FIXTURES / "feed.rss")))
    assert isinstance(items[0], Document) and items[1].message.startswith("[E413]")


def test_fragment_text_keeps_paragraphs() -> None:
    assert fragment_text("<p>One &amp; two</p><p>Three<br>four</p>") == "One & two\nThree\nfour"
