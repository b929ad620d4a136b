"""MISP events of analysed documents (the `[interop]` extra: pymisp), tagged with the DISARM galaxy.

One event per document: a `news-media` object for the article (title, URL, outlet), a `text` attribute per
check-worthy claim (comment: check-worthiness and who says it), a `link` and a `text` attribute per debunked
case it restates, a `narrative` object per taxonomy narrative, and tags: `misp-galaxy:disarm-techniques="..."`
for the DISARM techniques of its shown spans, narratives and matches (`disarm.toml`), `spinscope:technique="..."`
for every technique shown. The event's uuid is a UUIDv5 of the document's id and text, so an export of the same
analysis updates the event in MISP instead of adding another.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from .._optional import require
from ..corpus.query import outlet as outlet_of
from ..labels import OTHER
from . import disarm
from .stix import NAMESPACE

GALAXY = "disarm-techniques"


def galaxy_tag(mapped: disarm.Mapped) -> str:
    return f'misp-galaxy:{GALAXY}="{mapped.name}"'


def events(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The MISP events (as MISP JSON: `{"Event": {...}}`) of the records."""
    return [json.loads(event(record).to_json()) for record in records]


def event(record: Mapping[str, Any]) -> Any:
    """The `pymisp.MISPEvent` of one record."""
    pymisp = require("pymisp", feature="MISP export")
    digest = hashlib.sha1(record["text"].encode("utf-8")).hexdigest()
    found = pymisp.MISPEvent()
    found.uuid = str(uuid.uuid5(NAMESPACE, f"misp-event|{record['id']}|{digest}"))
    found.info = f"spinscope: {record.get('title') or record['id']}"
    found.date = _day(record.get("date"))
    found.distribution, found.threat_level_id, found.analysis = 0, 4, 2  # this organisation only; undefined; done
    found.add_object(_article(pymisp, record))
    spans = [s for s in record.get("techniques", []) if s.get("shown", True)]
    tags = {f'spinscope:technique="{s["technique"]}"' for s in spans}
    tags |= {galaxy_tag(m) for s in spans if (m := disarm.for_technique(s["technique"]))}
    for claim in record.get("claims", []):
        comment = f"check-worthiness {claim['checkworthiness']:.2f}; {_speaker(claim['attribution'])}"
        found.add_attribute("text", claim["text"], category="Other", comment=comment, to_ids=False)
    for match in record.get("matches", []):
        comment = f"restates the debunked case {match['case_id']} ({match['bank']}): {match['title']}"
        found.add_attribute("text", match["text"], category="External analysis", comment=comment, to_ids=False)
        if match.get("url"):
            found.add_attribute("link", match["url"], category="External analysis", comment=comment, to_ids=False)
        tags.add(galaxy_tag(disarm.for_match()))
    for item in record.get("narratives", []):
        if item["narrative"] != OTHER:
            found.add_object(_narrative(pymisp, item))
            tags.add(galaxy_tag(disarm.for_narrative(item["narrative"])))
    for tag in sorted(tags):
        found.add_tag(tag)
    return found


def _article(pymisp, record: Mapping[str, Any]) -> Any:
    article = pymisp.MISPObject("news-media", strict=True)
    article.add_attribute("type", "article")
    article.add_attribute("title", record.get("title") or record["id"])
    if (source := record.get("source")) and "://" in source:
        article.add_attribute("url", source)
    else:
        article.add_attribute("source", source or record["id"])
    if outlet := outlet_of(record.get("meta") or {}, record.get("source")):
        article.add_attribute("alias", outlet)
    return article


def _narrative(pymisp, item: Mapping[str, Any]) -> Any:
    narrative = pymisp.MISPObject("narrative", strict=True)
    name = item.get("subnarrative") or item["narrative"]
    narrative.add_attribute("narrative-summary", name, comment=f"score {item['score']:.2f}, {item['source']}")
    narrative.add_attribute("objective", item["narrative"])
    return narrative


def _speaker(attribution: Mapping[str, Any]) -> str:
    who = attribution.get("name") or attribution.get("speaker")
    return f"{attribution['kind']}: {who}" if who else attribution["kind"]


def _day(when: str | None) -> date:
    """The document's date (its first day for "2022-07" or "2022"), else today."""
    parts = [*(when or "")[:10].split("-"), "01", "01"][:3]
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return datetime.now(UTC).date()
