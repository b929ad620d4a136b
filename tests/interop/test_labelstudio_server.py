"""The Label Studio round trip against a real server (benchmarks/labelstudio_server.sh starts one and runs this):
a project with our labelling interface, our tasks imported with their predictions, a reviewer's annotation,
the JSON export read back as training data. Skipped unless SPINSCOPE_LABEL_STUDIO="<url> <token>" is set."""

from __future__ import annotations

import io
import json
import os

import httpx
import pytest

from spinscope.config import load_settings
from spinscope.interop.labelstudio import label_config
from spinscope.labels import TECHNIQUES
from spinscope.registry import writers
from spinscope.train.data import read_extra

SERVER = os.environ.get("SPINSCOPE_LABEL_STUDIO", "")
pytestmark = [
    pytest.mark.labelstudio,
    pytest.mark.skipif(not SERVER, reason='no Label Studio server: SPINSCOPE_LABEL_STUDIO="<url> <token>"'),
]


def test_tasks_go_in_predictions_come_back_and_the_export_trains(record, tmp_path) -> None:
    url, token = SERVER.split()
    with httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60) as ls:
        body = {"title": "spinscope round trip", "label_config": label_config(TECHNIQUES)}
        project = ls.post("/api/projects", json=body)
        assert project.status_code == 201, project.text
        pid = project.json()["id"]
        out = io.StringIO()
        writers.get("labelstudio")(load_settings(env={})).write_records(iter([record]), out)
        imported = ls.post(f"/api/projects/{pid}/import", json=json.loads(out.getvalue()))
        assert imported.status_code == 201, imported.text
        [task] = ls.get("/api/tasks", params={"project": pid, "fields": "all"}).json()["tasks"]
        [prediction] = ls.get("/api/predictions", params={"task": task["id"]}).json()
        assert len(prediction["result"]) == len(record["techniques"])
        kept = prediction["result"][1:]  # the reviewer rejects the first span, keeps the rest
        done = ls.post(f"/api/tasks/{task['id']}/annotations", json={"result": kept})
        assert done.status_code == 201, done.text
        export = ls.get(f"/api/projects/{pid}/export", params={"exportType": "JSON"})
        assert export.status_code == 200, export.text
        path = tmp_path / "export.json"
        path.write_bytes(export.content)
        ls.delete(f"/api/projects/{pid}")
    [article] = read_extra(path, TECHNIQUES)
    expected = {(s["technique"], s["start"], s["end"]) for s in record["techniques"][1:]}
    assert article.text == record["text"] and set(article.spans) == expected
