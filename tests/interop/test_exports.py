"""STIX 2.1 and MISP exports, checked by the ecosystem's own tools (stix2-validator, pymisp, the DISARM galaxy
of pymispgalaxies), and the DISARM mapping against that galaxy."""

from __future__ import annotations

import io
import json

import pytest

from spinscope.config import load_settings
from spinscope.interop import disarm
from spinscope.interop.misp import events
from spinscope.interop.stix import bundle, country_code
from spinscope.registry import writers

stix2validator = pytest.importorskip("stix2validator")
pymisp = pytest.importorskip("pymisp")
pymispgalaxies = pytest.importorskip("pymispgalaxies")


@pytest.fixture(scope="module")
def galaxy() -> dict[str, str]:
    """DISARM technique id -> name, from the galaxy pymispgalaxies bundles."""
    cluster = pymispgalaxies.Clusters().get("disarm-techniques")
    return {v.meta.additional_properties["external_id"]: v.value for v in cluster.cluster_values.values()}


def test_every_disarm_row_names_a_real_technique(galaxy) -> None:
    rows = disarm.rows()
    assert len(rows) >= 20
    for what, mapped in rows:
        assert galaxy.get(mapped.disarm) == mapped.name, what
        assert mapped.why and mapped.url.endswith(f"/{mapped.disarm}.md")
    assert disarm.for_technique("Loaded_Language") is None  # stays spinscope's own
    assert disarm.for_narrative("CC: Hidden plots by secret schemes of powerful groups").disarm == "T0022"
    assert disarm.for_narrative("URW: Discrediting Ukraine").disarm == "T0003"


def test_the_stix_bundle_validates_and_reexports_with_the_same_ids(record) -> None:
    first = bundle([record], now="2026-12-07T10:00:00.000Z")
    result = stix2validator.validate_string(json.dumps(first))
    assert result.is_valid, [e.message for e in result.errors]
    kinds = {o["type"] for o in first["objects"]}
    assert {"report", "attack-pattern", "identity", "note", "relationship", "x-opencti-narrative"} <= kinds
    [report] = [o for o in first["objects"] if o["type"] == "report"]
    assert report["published"].startswith("2022-11-09") and set(report["object_refs"]) <= {
        o["id"] for o in first["objects"]
    }
    assert all(record["text"][s["start"] : s["end"]] == s["text"] for s in report["x_spinscope_spans"])
    smear = [o for o in first["objects"] if o["type"] == "attack-pattern" and o["name"] == "Name Calling / Labelling"]
    assert smear and any(r.get("external_id") == "T0135.001" for r in smear[0]["external_references"])
    [note] = [o for o in first["objects"] if o["type"] == "note"]
    assert note["external_references"][0]["url"] == "https://euvsdisinfo.eu/report/weapons"
    targets = [o for o in first["objects"] if o["type"] == "relationship" and o["relationship_type"] == "targets"]
    assert targets and all(o["source_ref"].startswith("attack-pattern--") for o in targets)
    [outlet] = [o for o in first["objects"] if o["type"] == "identity" and o["name"] == "daily.example"]
    uses = [o for o in first["objects"] if o["type"] == "relationship" and o["relationship_type"] == "uses"]
    assert uses and all(o["source_ref"] == outlet["id"] for o in uses)
    again = bundle([record], now="2026-12-08T10:00:00.000Z")
    assert [o["id"] for o in again["objects"]] == [o["id"] for o in first["objects"]] and again["id"] == first["id"]


def test_places_that_are_countries_become_locations() -> None:
    assert country_code("Ukraine") == "UA" and country_code("Украина") == "UA" and country_code("Deutschland") == "DE"
    assert country_code("Kyiv") is None


def test_misp_events_load_back_and_carry_real_galaxy_tags(record, galaxy) -> None:
    [data] = events([record])
    event = pymisp.MISPEvent()
    event.load({"Event": data})
    assert event.info.startswith("spinscope: The Kiev Regime") and str(event.date) == "2022-11-09"
    names = {t.name for t in event.tags}
    disarm_tags = {n.split("=", 1)[1].strip('"') for n in names if n.startswith("misp-galaxy:disarm-techniques=")}
    assert disarm_tags and disarm_tags <= set(galaxy.values())
    assert "Seed Distortions" in disarm_tags  # the restated case
    assert {o.name for o in event.objects} >= {"news-media"}
    links = [a.value for a in event.attributes if a.type == "link"]
    assert links == ["https://euvsdisinfo.eu/report/weapons"]
    assert events([record])[0]["uuid"] == data["uuid"]  # the same event on a second export


@pytest.mark.parametrize("fmt", ["stix", "misp"])
def test_the_writers_write_the_same_exports(record, fmt) -> None:
    out = io.StringIO()
    writers.get(fmt)(load_settings(env={})).write_records(iter([record]), out)
    body = json.loads(out.getvalue())
    assert body["type"] == "bundle" if fmt == "stix" else body["Event"]["info"].startswith("spinscope:")
