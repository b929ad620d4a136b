"""A component added from outside: one module, installed through an entry point, reaches every output: the
record and its schema, JSON, terminal and HTML (with its highlights), the Parquet shards and a DuckDB view of a
corpus run, and a filter of the web library."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from jsonschema import ValidationError

from spinscope.api import load_pipeline
from spinscope.config import load_settings
from spinscope.corpus.query import run_query
from spinscope.corpus.run import Job, run_corpus
from spinscope.errors import ConfigError
from spinscope.readers.txt import text_document
from spinscope.registry import components, writers
from spinscope.schema import validate
from spinscope.web.app import create_app
from spinscope.web.store import Library, library_path
from spinscope.writers.record import to_record
from spinscope.writers.views import views

TOY_MODULE = '''
from rich.text import Text

from spinscope.pipeline.base import Component, Facet, Field, Table
from spinscope.registry import components
from spinscope.writers.views import View, views


def _long_words(doc):
    return [{"start": s.start, "end": s.end, "text": s.text} for s in doc.layer("long_words")]


@components.register("toy")
class LongWords(Component):
    """Words of at least `min_length` letters, sentence by sentence."""

    name = "toy"
    reads = ("spans.sentences",)
    writes = ("spans.long_words",)
    default_config = {"min_length": 10}
    fields = (
        Field(
            "long_words",
            _long_words,
            {"type": "array", "items": {"$ref": "#/$defs/textSpan"}},
            offsets="text",
            columns=("len(long_words) AS n_long_words",),
            tables=(Table("long_words", "SELECT {doc}, w.text AS word, w.start FROM base, unnest(long_words) u(w)"),),
            facets=(Facet("long_word", lambda words: [w["text"] for w in words]),),
        ),
    )

    def __call__(self, doc):
        doc.spans["long_words"] = []
        for sentence in doc.layer("sentences"):
            at = sentence.start
            for word in sentence.text.split():
                start = doc.text.index(word, at)
                at = start + len(word)
                word = word.strip(".,")
                if len(word) >= self.config["min_length"]:
                    doc.add_span("long_words", start, start + len(word), "long_word", source=self.name)
        return doc


views.register(
    "long_words",
    View(
        terminal=lambda record, view: Text("Long words: " + ", ".join(w["text"] for w in record["long_words"])),
        html=lambda record: '<section class="toy">' + " ".join(w["text"] for w in record["long_words"]) + "</section>",
        title="Long words",
        summary=lambda record: f"Long words: {len(record['long_words'])}",
        marks=lambda record: [
            {"start": w["start"], "end": w["end"], "actor": f"w{k}"} for k, w in enumerate(record["long_words"])
        ],
    ),
)
'''
TEXT = "Councillors disagreed about the bridge.\n\nThe extraordinary meeting lasted hours.\n"
WORDS = ["Councillors", "extraordinary"]
TOY_PIPELINE = 'pipeline.components=["language", "segment", "toy"]'


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """`toy_plugin` installed as a distribution whose entry point joins the spinscope.components group."""
    (tmp_path / "toy_plugin.py").write_text(TOY_MODULE, encoding="utf-8")
    info = tmp_path / "toy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[spinscope.components]\ntoy = toy_plugin\n", encoding="utf-8")
    monkeypatch.setattr(components, "_items", dict(components.all()))  # the registration ends with the test
    monkeypatch.setattr(components, "_plugins_loaded", False)
    monkeypatch.setattr(views, "_items", dict(views._items))  # and so does its view
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "toy_plugin", raising=False)


def _write(fmt: str, doc, settings) -> str:
    out = io.StringIO()
    writers.get(fmt)(settings).write([doc], out)
    return out.getvalue()


def test_entry_point_component_reaches_every_output(plugin, tmp_path) -> None:
    assert components.get("toy").name == "toy"  # loaded by name through its entry point
    settings = load_settings(None, [TOY_PIPELINE, f"web.library={tmp_path / 'library.sqlite'}"], env={})
    assert settings["components"]["toy"] == {"min_length": 10}  # its defaults join the settings
    doc = load_pipeline(settings)(text_document(TEXT, doc_id="t", source="t", settings=settings))

    record = to_record(doc)
    assert [w["text"] for w in record["long_words"]] == WORDS
    validate(record)
    with pytest.raises(ValidationError):
        validate({**record, "long_words": "not a list"})
    assert json.loads(_write("json", doc, settings))["long_words"] == record["long_words"]

    text = _write("text", doc, settings)
    assert "Long words: Councillors, extraordinary" in text and "Long words: 2" in text
    html = _write("html", doc, settings)
    assert '<section class="toy">Councillors extraordinary</section>' in html and "Long words: 2" in html
    assert '<span class="ment" data-a="w0">Councillors</span>' in html  # its view's highlights

    library = Library.open(library_path(settings))
    stored = library.add(record)
    assert library.facets()["long_word"] == [("Councillors", 1), ("extraordinary", 1)]
    assert [d["id"] for d in library.search(long_word="extraordinary")[0]] == [stored["id"]]
    assert library.search(long_word="bridge") == ([], 0)
    client = TestClient(create_app(settings), base_url="http://localhost")
    listing = client.get("/api/documents", params={"long_word": "Councillors"}).json()
    assert [d["id"] for d in listing["documents"]] == [stored["id"]]
    assert 'id="f-long_word"' in client.get("/library").text  # a filter of the library page


def test_the_plugin_field_reaches_the_corpus_shards_and_a_view(plugin, tmp_path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    settings = load_settings(None, [TOY_PIPELINE], env={})
    summary = run_corpus(Job([str(tmp_path / "in")], tmp_path / "out", settings))
    assert summary.documents == 1, summary

    shard = pq.read_table(next((tmp_path / "out" / "shards").glob("*.parquet"))).to_pylist()
    assert [w["text"] for w in shard[0]["long_words"]] == WORDS
    _, rows = run_query(tmp_path / "out", "SELECT word, start FROM long_words ORDER BY start")
    assert [word for word, _ in rows] == WORDS and all(TEXT[s : s + len(w)] == w for w, s in rows)
    _, rows = run_query(tmp_path / "out", "SELECT n_long_words FROM documents")
    assert rows == [(2,)]


def test_plugin_settings_are_checked_like_built_in_ones(plugin) -> None:
    settings = load_settings(None, ["components.toy.min_length=12"], env={})
    assert settings["components"]["toy"]["min_length"] == 12
    with pytest.raises(ConfigError, match=r"\[E503\].*components.toy.min_lenght.*min_length"):
        load_settings(None, ["components.toy.min_lenght=12"], env={})


def test_only_pulls_in_what_the_plugin_reads(plugin) -> None:
    settings = load_settings(None, ['pipeline.components=["language", "segment", "encoder", "toy"]'], env={})
    assert load_pipeline(settings, only=["toy"]).names == ["segment", "toy"]
