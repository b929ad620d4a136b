"""corpus watch: new feed items only (by URL, then by content), exactly once across restarts, bad feeds logged."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from spinscope.config import load_settings
from spinscope.corpus.run import Job
from spinscope.corpus.shards import RunFolder
from spinscope.corpus.watch import watch
from spinscope.errors import SpinscopeError
from tests.conftest import run_cli

# Written by us: invented feed items.
ITEMS = {
    "a": "The council approved the new budget after a long night of talks, officials said on Tuesday.",
    "b": "Critics called the bridge project a waste of public money and a gift to friends of the mayor.",
    "c": "Farmers protested in the capital against the import rules, blocking two roads for hours.",
    "d": "The minister denied every report about weapons on the black market and blamed foreign media.",
    "e": "A new school opened in the north of the region, the first one built there in twenty years.",
}


def write_feed(path: Path, items: list[tuple[str, str]]) -> None:
    entries = "".join(
        f"<item><title>Item {key}</title><link>https://news.example/{url}</link><description>{ITEMS[key]}"
        f"</description><pubDate>Wed, 09 Nov 2022 10:00:00 GMT</pubDate></item>"
        for url, key in items
    )
    path.write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Invented</title>{entries}</channel></rss>"
    )


def make_job(feed: Path, out: Path) -> Job:
    settings = load_settings(env={}, overrides=["input.feed_fetch=false"])
    return Job([str(feed)], out, settings, only=["language"], shard_size=2)


def stored(out: Path) -> list[str]:
    files = [str(p) for p in RunFolder(out).shard_files()]
    return sorted(r[0] for r in duckdb.sql(f"SELECT title FROM read_parquet({files!r})").fetchall()) if files else []


def test_polls_keep_only_new_items_and_a_lost_feed_is_logged(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed.xml", tmp_path / "out"
    write_feed(feed, [("1", "a"), ("2", "b"), ("3", "c")])
    lines: list[str] = []
    assert watch(make_job(feed, out), 0, polls=1, report=lines.append) == 3
    write_feed(feed, [("1", "a"), ("2", "b"), ("3", "c"), ("4", "d"), ("5", "a"), ("6", "e")])  # 5 repeats a
    assert watch(make_job(feed, out), 0, polls=1, report=lines.append) == 2
    assert stored(out) == ["Item a", "Item b", "Item c", "Item d", "Item e"]
    feed.unlink()
    assert watch(make_job(feed, out), 0, polls=2, report=lines.append, sleep=lambda s: None) == 0
    errors = (out / "errors" / "watch.jsonl").read_text().splitlines()
    assert len(errors) == 2 and "[E401]" in json.loads(errors[0])["message"]
    assert lines[-1].startswith("poll 4:")


def test_an_inbox_left_by_a_crash_is_finished_once(tmp_path: Path) -> None:
    feed, out = tmp_path / "feed.xml", tmp_path / "out"
    write_feed(feed, [("1", "a"), ("2", "b"), ("3", "c")])
    watch(make_job(feed, out), 0, polls=1, report=lambda line: None)
    inbox = next((out / "inbox").glob("poll-*.jsonl"))
    inbox.with_suffix(".done").unlink()  # as if killed after the inbox was written, before it was analysed
    for marker in (out / "done").glob("*.json"):
        marker.unlink()
    write_feed(feed, [("1", "a"), ("2", "b"), ("3", "c"), ("4", "d")])
    assert watch(make_job(feed, out), 0, polls=1, report=lambda line: None) == 4
    assert stored(out) == ["Item a", "Item b", "Item c", "Item d"]


def test_the_cli_parses_durations(tmp_path: Path, monkeypatch, capsys) -> None:
    feed = tmp_path / "feed.xml"
    write_feed(feed, [("1", "a")])
    args = ["corpus", "watch", str(feed), "--out", str(tmp_path / "out"), "--polls", "1", "--only", "language"]
    code, _, err = run_cli(monkeypatch, capsys, *args, "--every", "10m", "--set", "input.feed_fetch=false")
    assert code == 0 and "1 document(s) analysed" in err
    code, _, err = run_cli(monkeypatch, capsys, *args, "--every", "soon")
    assert code == 2 and "[E505]" in err
    with pytest.raises(SpinscopeError):
        from spinscope.cli.corpus import parse_duration

        parse_duration("-5m")
