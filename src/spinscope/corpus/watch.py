"""`corpus watch`: poll feeds on a schedule and analyse what is new into the same shards as `corpus run`.

Each poll reads the feeds' items (without fetching pages), drops those whose URL was seen before, fetches the
pages of the rest (as the feed reader does, falling back to the item's text), drops those whose text was seen
before (by content hash), and writes the new documents, with their URL, hash and the first shard number they
will fill, to `inbox/poll-<n>.jsonl` in one durable write: the inboxes are the record of what was seen. The
inbox is then analysed into shards and marked done. Stopped at any moment (Ctrl-C, `kill -9`), the same
command first finishes the inboxes that are not done, so every new item is analysed exactly once. A feed that
fails (gone, malformed, timing out) is logged in `errors/watch.jsonl`; the others are read and the next poll
tries it again.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import Document
from ..errors import CorpusError, Errors
from ..readers import open_input
from .executors import execute
from .job import Job, Shard
from .run import model_versions
from .shards import RunFolder, durable_write


@dataclass
class Seen:
    """What earlier polls stored (rebuilt from the inboxes) and where the next inbox's shards start."""

    urls: set[str] = field(default_factory=set)
    hashes: set[str] = field(default_factory=set)
    polls: int = 0
    next_shard: int = 0

    @classmethod
    def of(cls, inboxes: list[Path], shard_size: int) -> Seen:
        seen = cls()
        for path in inboxes:
            with path.open(encoding="utf-8") as fh:
                head, n = json.loads(fh.readline()), 0
                for line in fh:
                    entry = json.loads(line)
                    seen.urls.add(entry["url"])
                    seen.hashes.add(entry["hash"])
                    n += 1
            seen.next_shard = max(seen.next_shard, head["first_shard"] + -(-n // shard_size))
            seen.polls = max(seen.polls, int(path.stem.removeprefix("poll-")))
        return seen


def content_hash(text: str) -> str:
    return hashlib.sha1(re.sub(r"\W+", " ", text.lower()).strip().encode()).hexdigest()


def watch(
    job: Job,
    every: float,
    polls: int = 0,
    report: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll `job.inputs` (feeds) every `every` seconds, `polls` times (0: until stopped); returns the number of
    documents analysed."""
    folder = RunFolder(job.out)
    folder.create()
    key = {"watch": job.key()}
    manifest = folder.read_manifest()
    if manifest is not None and manifest.get("job") != key:
        raise CorpusError(Errors.E903(path=job.out, detail="inputs or settings (a corpus run or another watch)"))
    if manifest is None:
        folder.write_manifest({"job": key, "settings": job.settings, "models": model_versions(job.settings)})
    inbox = job.out / "inbox"
    inbox.mkdir(exist_ok=True)
    analysed = sum(_finish(job, folder, path) for path in sorted(inbox.glob("poll-*.jsonl")))
    seen = Seen.of(sorted(inbox.glob("poll-*.jsonl")), job.shard_size)
    for n in range(polls or sys.maxsize):
        if n:
            sleep(every)
        new = list(_new_documents(job, seen, folder))
        seen.polls += 1
        if new:
            path = inbox / f"poll-{seen.polls:06d}.jsonl"
            lines = [json.dumps({"first_shard": seen.next_shard}), *(json.dumps(e, ensure_ascii=False) for e in new)]
            durable_write(path, lambda fh, lines=lines: fh.write(("\n".join(lines) + "\n").encode()))
            seen.next_shard += -(-len(new) // job.shard_size)
            analysed += _finish(job, folder, path)
        report(f"poll {seen.polls}: {len(new)} new document(s)")
    return analysed


def _new_documents(job: Job, seen: Seen, folder: RunFolder) -> Iterator[dict[str, Any]]:
    """Inbox entries for the items of every feed not seen before (by URL, then by content), their pages fetched
    when `input.feed_fetch` is on."""
    listing = {**job.settings, "input": {**job.settings["input"], "format": "feed", "feed_fetch": False}}
    fetch_pages = bool(job.settings["input"].get("feed_fetch", True))
    for feed in job.inputs:
        try:
            items = [d for d in open_input(feed, listing) if isinstance(d, Document)]
        except Exception as exc:  # a feed that is gone or broken: logged, the next poll tries it again
            _log_error(folder, feed, str(exc))
            continue
        for item in items:
            url = item.meta.get("url") or item.source
            if url in seen.urls:
                continue
            doc = _page(url, item, job.settings) if fetch_pages and url.startswith(("http://", "https://")) else item
            seen.urls.add(url)
            digest = content_hash(doc.text)
            if digest not in seen.hashes:
                seen.hashes.add(digest)
                yield {"url": url, "hash": digest, "doc": _stored(doc)}


def _page(url: str, item: Document, settings: dict[str, Any]) -> Document:
    """The item's page, keeping the feed's id, title, date and URL; the item's own text when it fails."""
    try:
        page = next(d for d in open_input(url, settings) if isinstance(d, Document))
    except Exception:
        return item
    page.id, page.title, page.date = item.id, item.title or page.title, item.date or page.date
    page.meta |= {"url": url, "text_from": "page"}
    return page


STORED = ("id", "text", "source", "title", "date", "meta")  # the Document fields an inbox keeps


def _stored(doc: Document) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in STORED}


def _finish(job: Job, folder: RunFolder, path: Path) -> int:
    """Analyse an inbox into its shards (those not done yet) and mark it done; returns documents analysed."""
    marker = path.with_suffix(".done")
    if marker.is_file():
        return 0
    with path.open(encoding="utf-8") as fh:
        first = json.loads(fh.readline())["first_shard"]
        docs = [Document(**json.loads(line)["doc"]) for line in fh if line.strip()]
    completed = folder.completed()
    shards = [
        Shard(first + k, docs[a : a + job.shard_size], [])
        for k, a in enumerate(range(0, len(docs), job.shard_size))
        if first + k not in completed
    ]
    analysed = sum(m["documents"] for m in execute(job, shards, None))
    durable_write(marker, lambda fh: fh.write(b"done\n"))
    return analysed


def _log_error(folder: RunFolder, source: str, message: str) -> None:
    with (folder.errors / "watch.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"source": source, "message": message, "at": time.time()}) + "\n")
