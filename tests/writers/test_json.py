"""json / jsonl writers and the record schema."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinscope.data import Document
from spinscope.errors import SpanError
from spinscope.labels import TECHNIQUES
from spinscope.schema import ValidationError, load_schema, validate
from spinscope.writers.record import SCHEMA_VERSION, to_record


def test_json_single_document_is_one_object(write, article):
    data = json.loads(write("json", [article]))
    assert isinstance(data, dict)
    validate(data)
    assert data["schema_version"] == SCHEMA_VERSION == "1.6"
    assert [t["technique"] for t in data["techniques"]] == [
        "Name_Calling-Labeling",
        "Loaded_Language",
        "Appeal_to_Popularity",
        "Appeal_to_Fear-Prejudice",
        "Appeal_to_Time",
    ]
    assert data["techniques"][1]["score"] == 0.9123
    assert data["techniques"][1]["definition"]


def test_json_several_documents_are_an_array(write, article, bare):
    data = json.loads(write("json", [article, bare]))
    assert isinstance(data, list)
    assert [d["id"] for d in data] == ["article42", "plain-1"]
    for record in data:
        validate(record)


def test_json_no_documents_is_an_empty_array(write):
    assert json.loads(write("json", [])) == []


def test_jsonl_one_valid_record_per_line(write, article, bare, rich_doc):
    lines = write("jsonl", [rich_doc, bare]).splitlines()
    assert len(lines) == 2
    for line in lines:
        validate(json.loads(line))


def test_bare_document_validates_with_empty_lists(write, bare):
    record = json.loads(write("json", [bare]))
    validate(record)
    for key in (
        "techniques",
        "paragraphs",
        "sentences",
        "frames",
        "claims",
        "entities",
        "narratives",
        "matches",
    ):
        assert record[key] == []
    assert record["genre"] is None
    assert record["title"] is None


def test_full_record_validates(write, rich_doc):
    record = json.loads(write("json", [rich_doc]))
    validate(record)
    assert record["paragraphs"] == [
        {"line": 3, "start": 25, "end": 70, "techniques": ["Loaded_Language", "Name_Calling-Labeling"]}
    ]
    assert record["genre"]["label"] == "opinion"


def test_schema_lists_every_record_key(bare):
    schema = load_schema()
    assert set(to_record(bare)) == set(schema["properties"])
    # quotes arrived in schema 1.2 and components in 1.4: older records lack them and still validate
    assert set(schema["required"]) == set(to_record(bare)) - {"quotes", "components"}
    older = to_record(bare)
    del older["components"]
    validate(older)


def test_non_ascii_is_written_raw_and_line_separators_escaped(write):
    doc = Document(id="u", text="Ça coûte 5 €\u2028next\u2029para\x85end")
    doc.add_span("techniques", 0, 2, "Loaded_Language")
    out = write("jsonl", [doc])
    assert "Ça coûte 5 €" in out
    assert len(out.splitlines()) == 1
    assert json.loads(out)["text"] == doc.text


def test_ptc14_scheme_relabels_json(write, article, ptc14):
    record = json.loads(write("json", [article], ptc14))
    validate(record)
    assert [t["technique"] for t in record["techniques"]] == [
        "Name_Calling,Labeling",
        "Loaded_Language",
        "Bandwagon,Reductio_ad_hitlerum",
        "Appeal_to_fear-prejudice",
    ]  # Appeal_to_Time has no PTC counterpart


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda r: r.pop("warnings"), ValidationError),
        (lambda r: r.update(schema_version="2.0"), ValidationError),
        (lambda r: r["techniques"][0].update(start=-1), ValidationError),
        (lambda r: r["techniques"][0].update(extra=1), ValidationError),
        (lambda r: r.update(genre={"label": "opinion"}), ValidationError),
        (lambda r: r.update(frames=[{"frame": "Economic", "score": 0.3}]), ValidationError),
        (lambda r: r["techniques"][0].update(text="something else"), SpanError),
        (lambda r: r["techniques"][0].update(end=10_000), SpanError),
    ],
)
def test_invalid_records_are_rejected(article, change, error):
    record = to_record(article)
    change(record)
    with pytest.raises(error):
        validate(record)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    text = draw(st.text(max_size=60))
    doc = Document(id=draw(st.text(min_size=1, max_size=8)), text=text)
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        doc.add_span("techniques", a, b, draw(st.sampled_from(TECHNIQUES)), score=draw(st.floats(0, 1)))
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents())
def test_record_texts_are_slices_of_the_text(write, doc):
    record = json.loads(write("json", [doc]))
    validate(record)
    assert record["text"] == doc.text
    for item in record["techniques"]:
        assert item["text"] == doc.text[item["start"] : item["end"]]
    assert json.loads(write("jsonl", [doc])) == record


def test_version_1_0_records_still_validate(write, rich_doc):
    record = json.loads(write("json", [rich_doc]))
    del record["quotes"]  # 1.2 added `quotes`; 1.1 added no key; claims and entities were always empty
    record.update(schema_version="1.0", claims=[], entities=[])
    validate(record)


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_missing_or_blank_title_is_null(title) -> None:
    assert to_record(Document("d", "Some text.", title=title))["title"] is None


def test_record_keys_come_in_the_documented_order(article) -> None:
    """docs/schema.md, "Key order": the document's own keys, the components' fields in registration order."""
    fields = ["sentences", "techniques", "paragraphs", "frames", "genre", "claims", "quotes", "entities"]
    own = ["schema_version", "id", "source", "title", "date", "language", "meta", "text"]
    assert list(to_record(article)) == [*own, *fields, "narratives", "matches", "components", "warnings"]
