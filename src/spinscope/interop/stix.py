"""STIX 2.1 bundles of analysed documents (the `[interop]` extra: stix2), for OpenCTI and other CTI platforms.

One `report` per document (its source, date, outlet as an `identity`) refers to: the techniques its shown spans
use, as `attack-pattern`s with their DISARM reference where `disarm.toml` maps one (else spinscope's own
pattern); its actors as `identity` (persons, organisations, groups) or `location` (places that resolve to a
country); its narratives as OpenCTI narratives (`x-opencti-narrative`, a new SDO type declared by an
`extension-definition`) with the DISARM pattern of their family; debunked cases it restates as `note`s with
their links; and `targets` relationships from each technique to the actors its spans are aimed at. The spans
themselves (offsets into the text, scores) ride on the report as `x_spinscope_spans`.

Every id is a UUIDv5 of what the object is (a technique's name, an actor's type and name, a document's id and
text), so exporting the same analysis again gives the same ids: a platform updates its objects, it does not
duplicate them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from .._optional import require
from ..corpus.query import outlet as outlet_of
from ..labels import definition, human_name
from . import disarm

NAMESPACE = uuid.UUID("5f0c2a5e-7c1b-5d7e-9a51-3f1e6b2d9c40")  # spinscope's namespace for deterministic ids
EPOCH = "2026-01-01T00:00:00.000Z"  # `created` of the objects that are the same in every export
NARRATIVE = "x-opencti-narrative"
EXTENSION = f"extension-definition--{uuid.uuid5(NAMESPACE, 'extension|' + NARRATIVE)}"
PROPERTIES = f"extension-definition--{uuid.uuid5(NAMESPACE, 'extension|x_spinscope')}"  # our own properties
IDENTITY_CLASS = {"PER": "individual", "ORG": "organization", "GROUP": "group"}


def stix_id(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join((kind, *parts)))}"


SPINSCOPE = stix_id("identity", "spinscope")
OWN_PROPERTIES = ("x_spinscope_id", "x_spinscope_language", "x_spinscope_spans", "x_spinscope_type",
                  "x_spinscope_roles", "x_spinscope_similarity")  # fmt: skip


def bundle(records: Iterable[Mapping[str, Any]], now: str | None = None) -> dict[str, Any]:
    """The STIX 2.1 bundle (as JSON data) of the records; objects shared by several documents appear once."""
    stix2 = require("stix2", feature="STIX export")
    now = now or _timestamp(datetime.now(UTC))
    objects: dict[str, dict[str, Any]] = {o["id"]: o for o in _shared()}
    for record in records:
        for obj in _document(record, now):
            objects.setdefault(obj["id"], _declared(obj))
    ids = sorted(objects, key=lambda i: (_ORDER.get(i.split("--")[0], 9), i))
    built = stix2.Bundle(objects=[objects[i] for i in ids], allow_custom=True)
    built_id = stix_id("bundle", *ids)
    return {**json.loads(built.serialize()), "id": built_id}


_ORDER = {"identity": 0, "extension-definition": 1, "attack-pattern": 2, NARRATIVE: 3, "location": 4}


def _declared(obj: dict[str, Any]) -> dict[str, Any]:
    """The object with its `x_spinscope_*` properties declared as a top-level property extension."""
    if not any(key.startswith("x_spinscope_") for key in obj):
        return obj
    declared = {PROPERTIES: {"extension_type": "toplevel-property-extension"}}
    return {**obj, "extensions": {**obj.get("extensions", {}), **declared}}


def _shared() -> list[dict[str, Any]]:
    """spinscope's own identity and the narrative type's extension definition."""
    common = {"spec_version": "2.1", "created": EPOCH, "modified": EPOCH}
    return [
        {"type": "identity", "id": SPINSCOPE, **common, "name": "spinscope", "identity_class": "system",
         "description": "Offline analysis of persuasion techniques, narratives and claims in news articles."},
        {"type": "extension-definition", "id": EXTENSION, **common, "created_by_ref": SPINSCOPE,
         "name": "OpenCTI narrative", "description": "OpenCTI's Narrative entity as a STIX 2.1 SDO.",
         "schema": "https://docs.opencti.io/latest/usage/exploring-techniques/", "version": "1.0",
         "extension_types": ["new-sdo"]},
        {"type": "extension-definition", "id": PROPERTIES, **common, "created_by_ref": SPINSCOPE,
         "name": "spinscope properties", "description": "Technique spans with offsets into the article and their "
         "scores, the analysed document's id and language, an actor's type and roles, a match's similarity: "
         "see docs/interop.md.",
         "schema": "https://github.com/spinscope/spinscope/blob/main/docs/interop.md", "version": "1.0",
         "extension_types": ["toplevel-property-extension"], "extension_properties": list(OWN_PROPERTIES)},
    ]  # fmt: skip


def _document(record: Mapping[str, Any], now: str) -> list[dict[str, Any]]:
    common = {"spec_version": "2.1", "created": now, "modified": now, "created_by_ref": SPINSCOPE}
    report_id = stix_id("report", record["id"], hashlib.sha1(record["text"].encode("utf-8")).hexdigest())
    spans = [s for s in record.get("techniques", []) if s.get("shown", True)]
    objects: list[dict[str, Any]] = []
    patterns = {s["technique"]: _technique_pattern(s["technique"]) for s in spans}
    objects += patterns.values()
    actors = {a["name"]: _actor(a, common) for a in record.get("entities", [])}
    objects += actors.values()
    for actor in record.get("entities", []):
        for technique in sorted({t["technique"] for t in actor["targeted_by"]} & set(patterns)):
            objects.append(_targets(patterns[technique]["id"], actors[actor["name"]]["id"], actor, technique, common))
    for item in record.get("narratives", []):
        if item["narrative"] != "Other":
            objects += [_narrative(item, common), _disarm_pattern(disarm.for_narrative(item["narrative"]))]
    for match in record.get("matches", []):
        objects += [_case_note(match, record["id"], report_id, common), _disarm_pattern(disarm.for_match())]
    if outlet := outlet_of(record.get("meta") or {}, record.get("source")):
        channel = stix_id("identity", "outlet", outlet)
        used = [o["id"] for o in objects if o["type"] == "attack-pattern"]
        objects.append({"type": "identity", "id": channel, **common,
                        "name": outlet, "identity_class": "organization", "sectors": ["communications"]})  # fmt: skip
        objects += [_uses(channel, pattern, common) for pattern in dict.fromkeys(used)]
    refs = list(dict.fromkeys(o["id"] for o in objects)) or [SPINSCOPE]
    report = {
        "type": "report",
        "id": report_id,
        **common,
        "name": record.get("title") or record["id"],
        "description": _summary(record, spans),
        "report_types": ["threat-report"],
        "published": _published(record.get("date"), now),
        "object_refs": refs,
        "labels": sorted({s["technique"] for s in spans}),
        "x_spinscope_id": record["id"],
        "x_spinscope_language": record.get("language"),
        "x_spinscope_spans": [{k: s[k] for k in ("technique", "start", "end", "text", "score")} for s in spans],
    }
    if (source := record.get("source")) and "://" in source:
        report["external_references"] = [{"source_name": "article", "url": source}]
    return [*objects, report]


@cache
def _technique_pattern(technique: str) -> dict[str, Any]:
    refs = [{"source_name": "spinscope", "external_id": technique, "description": definition(technique)}]
    description = definition(technique)
    if (mapped := disarm.for_technique(technique)) is not None:
        refs.append(_disarm_reference(mapped))
        description += f"\nDISARM {mapped.disarm} {mapped.name}: {mapped.why}"
    return {
        "type": "attack-pattern", "id": stix_id("attack-pattern", "spinscope", technique), "spec_version": "2.1",
        "created": EPOCH, "modified": EPOCH, "created_by_ref": SPINSCOPE, "name": human_name(technique),
        "description": description,
        "external_references": refs,
    }  # fmt: skip


def _disarm_pattern(mapped: disarm.Mapped) -> dict[str, Any]:
    return {
        "type": "attack-pattern", "id": stix_id("attack-pattern", "disarm", mapped.disarm), "spec_version": "2.1",
        "created": EPOCH, "modified": EPOCH, "created_by_ref": SPINSCOPE, "name": mapped.name,
        "description": mapped.why, "external_references": [_disarm_reference(mapped)],
    }  # fmt: skip


def _disarm_reference(mapped: disarm.Mapped) -> dict[str, Any]:
    return {"source_name": "DISARM", "external_id": mapped.disarm, "url": mapped.url, "description": mapped.name}


def _actor(actor: Mapping[str, Any], common: Mapping[str, Any]) -> dict[str, Any]:
    name, kind = actor["name"], actor["type"]
    if kind == "LOC" and (country := country_code(name)):
        return {"type": "location", "id": stix_id("location", name), **common, "name": name, "country": country}
    identity_class = IDENTITY_CLASS.get(kind, "unknown")
    described = {"x_spinscope_type": kind} if identity_class == "unknown" else {}
    roles = {"x_spinscope_roles": actor["roles"]} if actor.get("roles") else {}
    return {"type": "identity", "id": stix_id("identity", kind, name), **common, "name": name,
            "identity_class": identity_class, **described, **roles}  # fmt: skip


def _targets(pattern: str, actor: str, record: Mapping[str, Any], technique: str, common) -> dict[str, Any]:
    spans = [{"start": t["start"], "end": t["end"]} for t in record["targeted_by"] if t["technique"] == technique]
    return {"type": "relationship", "id": stix_id("relationship", pattern, "targets", actor), **common,
            "relationship_type": "targets", "source_ref": pattern, "target_ref": actor,
            "description": f"{len(spans)} span(s) aimed at {record['name']}", "x_spinscope_spans": spans}  # fmt: skip


def _uses(outlet: str, pattern: str, common: Mapping[str, Any]) -> dict[str, Any]:
    """The outlet that published the article uses the technique (as OpenCTI links a channel to its patterns)."""
    return {"type": "relationship", "id": stix_id("relationship", outlet, "uses", pattern), **common,
            "relationship_type": "uses", "source_ref": outlet, "target_ref": pattern}  # fmt: skip


def _narrative(item: Mapping[str, Any], common: Mapping[str, Any]) -> dict[str, Any]:
    name = item.get("subnarrative") or item["narrative"]
    return {"type": NARRATIVE, "id": stix_id(NARRATIVE, name), **common, "name": name,
            "description": f"Narrative of the SemEval-2025 taxonomy, under {item['narrative']}.",
            "extensions": {EXTENSION: {"extension_type": "new-sdo"}}}  # fmt: skip


def _case_note(match: Mapping[str, Any], doc_id: str, report_id: str, common) -> dict[str, Any]:
    ref = {"source_name": match["bank"], "external_id": match["case_id"]} | (
        {"url": match["url"]} if match.get("url") else {}
    )
    content = f"The article says: {match['text']}\nKnown debunked claim: {match['title']}"
    if match.get("rebuttal"):
        content += f"\nRebuttal: {match['rebuttal']}"
    return {"type": "note", "id": stix_id("note", doc_id, match["case_id"], str(match["start"])), **common,
            "abstract": f"Restates a debunked claim: {match['title']}"[:250], "content": content,
            "authors": ["spinscope"], "external_references": [ref],
            "object_refs": [report_id],
            "x_spinscope_similarity": match["similarity"]}  # fmt: skip


def _summary(record: Mapping[str, Any], spans: list[Mapping[str, Any]]) -> str:
    narratives = [n["narrative"] for n in record.get("narratives", []) if n["narrative"] != "Other"]
    actors, matches = len(record.get("entities", [])), len(record.get("matches", []))
    return (f"spinscope analysis: {len(spans)} technique span(s), {actors} actor(s), "
            f"{len(dict.fromkeys(narratives))} narrative(s), {matches} restated debunked claim(s).")  # fmt: skip


def _published(date: str | None, now: str) -> str:
    """The document's date as a STIX timestamp (its first day for "2022-07" or "2022"), else now."""
    if not date:
        return now
    parts = ([*date[:10].split("-"), "01", "01"])[:3]
    try:
        return _timestamp(datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC))
    except ValueError:
        return now


def _timestamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


@cache
def _countries() -> dict[str, str]:
    """Lower-cased country names in the served languages -> ISO 3166 alpha-2 code (babel's CLDR data)."""
    from babel import Locale

    names: dict[str, str] = {}
    for lang in ("en", "fr", "de", "it", "es", "pl", "uk", "ru", "ar", "bg", "pt"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(name.lower(), code)
    return names


def country_code(name: str) -> str | None:
    """The ISO code of a place that is a country ("Ukraine", "Украина", "Deutschland"); None for a city."""
    return _countries().get(name.lower())
