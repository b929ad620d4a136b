"""Label Studio round trips: tasks with our spans as predictions (`-f labelstudio`, with `label_config` for the
project), and the annotations of a Label Studio JSON export read back as training data (`train techniques
--extra export.json`).

A task holds the article (`data.text`, verbatim, with `data.doc_id` and `data.title`) and one prediction: every
technique span as a `labels` region of the `label` control over the `text` object, with its score, under a
model version naming spinscope, its version and the technique model. Label Studio counts offsets in the
browser's characters (UTF-16 code units); a region whose offsets do not give back its `text` is re-anchored on
that text, the nearest occurrence, as the web app does with its reviewers' spans.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from ..data import anchored
from ..errors import Errors, FormatError

FROM_NAME, TO_NAME = "label", "text"


def label_config(labels: Sequence[str]) -> str:
    """The labelling interface: one label a technique over the article text."""
    items = "\n".join(f'    <Label value="{escape(label, quote=True)}"/>' for label in labels)
    return (
        f'<View>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{items}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text" granularity="word"/>\n</View>\n'
    )


def tasks(records: Iterable[Mapping[str, Any]], model_version: str) -> list[dict[str, Any]]:
    """One task a record, its technique spans as the prediction."""
    out = []
    for record in records:
        spans = record.get("techniques", [])
        result = [
            {
                "id": f"s{k}", "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels", "score": s["score"],
                "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["technique"]]},
            }
            for k, s in enumerate(spans)
        ]  # fmt: skip
        score = round(sum(s["score"] for s in spans) / len(spans), 4) if spans else 0.0
        data = {"text": record["text"], "doc_id": record["id"], "title": record.get("title") or ""}
        out.append({"data": data, "predictions": [{"model_version": model_version, "score": score, "result": result}]})
    return out


def read_export(path: Path) -> Iterator[tuple[str, str, list[tuple[str, int, int]]]]:
    """(document id, text, [(technique, start, end)]) of each annotated task of a Label Studio JSON export: the
    latest annotation that was not cancelled (tasks without one are left out). Bad files are FormatErrors."""
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FormatError(Errors.E406(source=path, kind="Label Studio export", detail=str(exc))) from None
    if not isinstance(exported, list):
        raise FormatError(Errors.E406(source=path, kind="Label Studio export", detail="not a list of tasks"))
    for n, task in enumerate(exported):
        try:
            text, doc_id = task["data"]["text"], str(task["data"].get("doc_id") or task.get("id", n))
            done = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
            if done:
                yield doc_id, text, [_span(text, region) for region in done[-1]["result"] if region["type"] == "labels"]
        except (KeyError, TypeError, IndexError) as exc:
            detail = f"task {n}: not a task with data.text and annotations ({exc!r})"
            raise FormatError(Errors.E406(source=path, kind="Label Studio export", detail=detail)) from None


def _span(text: str, region: Mapping[str, Any]) -> tuple[str, int, int]:
    value = region["value"]
    place = anchored(text, value["start"], value["end"], value.get("text") or "")
    if place is None:
        detail = f"the region {value.get('text')!r} is not in the text (at {value['start']}:{value['end']})"
        raise FormatError(Errors.E406(source="Label Studio export", kind="region", detail=detail))
    return value["labels"][0], *place
