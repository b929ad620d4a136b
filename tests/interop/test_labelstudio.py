"""Label Studio round trip without a server: our tasks, annotated as a reviewer would (offsets in the browser's
UTF-16 units), exported, and read back as training data by `train techniques --extra`."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest

from spinscope.config import load_settings
from spinscope.errors import FormatError
from spinscope.interop.labelstudio import label_config
from spinscope.labels import TECHNIQUES
from spinscope.registry import writers
from spinscope.train.data import EXTRA_LANG, read_extra


def _tasks(record) -> list[dict]:
    out = io.StringIO()
    writers.get("labelstudio")(load_settings(env={})).write_records(iter([record]), out)
    return json.loads(out.getvalue())


def test_tasks_carry_the_text_and_every_span_as_a_prediction(record) -> None:
    [task] = _tasks(record)
    assert task["data"]["text"] == record["text"] and task["data"]["doc_id"] == record["id"]
    [prediction] = task["predictions"]
    assert prediction["model_version"].startswith("spinscope ")
    regions = prediction["result"]
    assert len(regions) == len(record["techniques"]) > 0
    for region in regions:
        value = region["value"]
        assert record["text"][value["start"] : value["end"]] == value["text"] and value["labels"][0] in TECHNIQUES
        assert (region["from_name"], region["to_name"], region["type"]) == ("label", "text", "labels")
    config = ET.fromstring(label_config(TECHNIQUES))
    assert {label.get("value") for label in config.iter("Label")} == set(TECHNIQUES)
    assert config.find("Labels").get("name") == "label" and config.find("Text").get("name") == "text"


def test_an_annotated_export_reads_back_as_training_data(record, tmp_path) -> None:
    [task] = _tasks({**record, "text": "🙂 " + record["text"], "techniques": []})  # an emoji: 2 UTF-16 units
    kept = record["techniques"][0]
    shift = len("🙂 ")
    browser = {"start": kept["start"] + shift + 1, "end": kept["end"] + shift + 1}  # as a browser counts them
    added = {"start": 0, "end": 2, "text": "🙂 ", "labels": ["Appeal_to_Values"]}  # no known text: stays
    regions = [{"type": "labels", "from_name": "label", "to_name": "text",
                "value": {**browser, "text": kept["text"], "labels": [kept["technique"]]}},
               {"type": "labels", "from_name": "label", "to_name": "text", "value": added}]  # fmt: skip
    cancelled = {"result": [], "was_cancelled": True}
    export = [{"id": 7, **task, "annotations": [{"result": regions, "was_cancelled": False}, cancelled]},
              {"id": 8, "data": {"text": "Not annotated."}, "annotations": []}]  # fmt: skip
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    [article] = read_extra(path, TECHNIQUES)
    assert article.lang == EXTRA_LANG and article.text == "🙂 " + record["text"]
    start = kept["start"] + shift
    assert (kept["technique"], start, start + len(kept["text"])) in article.spans
    assert all(article.text[s:e] for _, s, e in article.spans)
    regions[0]["value"]["text"] = "words that are not there"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FormatError, match=r"\[E406\].*not in the text"):
        read_extra(path, TECHNIQUES)
