"""A component added from outside: one module, installed through an entry point, reaches every output."""

from __future__ import annotations

import io
import json

import pytest
from jsonschema import ValidationError

from spinscope.api import load_pipeline
from spinscope.config import load_settings
from spinscope.errors import ConfigError
from spinscope.readers.txt import text_document
from spinscope.registry import components, writers
from spinscope.schema import validate
from spinscope.writers.record import to_record

TOY_MODULE = '''
from rich.text import Text

from spinscope.pipeline.base import Component, Field
from spinscope.registry import components


def _long_words(doc):
    return doc.labels.get("long_words", [])


@components.register("toy")
class LongWords(Component):
    """Words of at least `min_length` letters, sentence by sentence."""

    name = "toy"
    reads = ("spans.sentences",)
    writes = ("labels.long_words",)
    default_config = {"min_length": 10}
    fields = (
        Field(
            "long_words",
            _long_words,
            {"type": "array", "items": {"type": "string"}},
            terminal=lambda record, view: Text("Long words: " + ", ".join(record["long_words"])),
            html=lambda record: '<section class="toy">' + " ".join(record["long_words"]) + "</section>",
            summary=lambda record: f"Long words: {len(record['long_words'])}",
        ),
    )

    def __call__(self, doc):
        words = (w.strip(".,") for s in doc.layer("sentences") for w in s.text.split())
        doc.labels["long_words"] = [w for w in words if len(w) >= self.config["min_length"]]
        return doc
'''
TEXT = "Councillors disagreed about the bridge.\n\nThe extraordinary meeting lasted hours.\n"


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
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(__import__("sys").modules, "toy_plugin", raising=False)


def _write(fmt: str, doc, settings) -> str:
    out = io.StringIO()
    writers.get(fmt)(settings).write([doc], out)
    return out.getvalue()


def test_entry_point_component_reaches_every_output(plugin) -> None:
    assert components.get("toy").name == "toy"  # loaded by name through its entry point
    settings = load_settings(None, ['pipeline.components=["language", "segment", "toy"]'], env={})
    assert settings["components"]["toy"] == {"min_length": 10}  # its defaults join the settings
    doc = load_pipeline(settings)(text_document(TEXT, doc_id="t", source="t", settings=settings))

    record = to_record(doc)
    assert record["long_words"] == ["Councillors", "extraordinary"]
    validate(record)
    with pytest.raises(ValidationError):
        validate({**record, "long_words": "not a list"})
    assert json.loads(_write("json", doc, settings))["long_words"] == ["Councillors", "extraordinary"]

    text = _write("text", doc, settings)
    assert "Long words: Councillors, extraordinary" in text and "Long words: 2" in text
    html = _write("html", doc, settings)
    assert '<section class="toy">Councillors extraordinary</section>' in html and "Long words: 2" in html


def test_plugin_settings_are_checked_like_built_in_ones(plugin) -> None:
    settings = load_settings(None, ["components.toy.min_length=12"], env={})
    assert settings["components"]["toy"]["min_length"] == 12
    with pytest.raises(ConfigError, match=r"\[E503\].*components.toy.min_lenght.*min_length"):
        load_settings(None, ["components.toy.min_lenght=12"], env={})


def test_only_pulls_in_what_the_plugin_reads(plugin) -> None:
    settings = load_settings(None, ['pipeline.components=["language", "segment", "encoder", "toy"]'], env={})
    assert load_pipeline(settings, only=["toy"]).names == ["segment", "toy"]
