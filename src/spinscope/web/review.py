"""Reviewers' corrections of technique spans, and their export as training data.

A correction accepts, rejects or relabels a predicted span (named by technique, start and end), or adds one.
The effective spans of a reviewed document are the predicted ones after every review in order. The export
is what `spinscope train techniques --extra` reads: a SemEval folder (article<ID>.txt with the verbatim
text, and one `ID<TAB>technique<TAB>start<TAB>end` labels file; the ID is the stored id's hex as digits) or
JSONL (one document a line with its spans).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import Errors, InputError
from ..eval.formats import write_spans
from ..labels import PTC14, TECHNIQUES

ACTIONS = ("accept", "reject", "relabel", "add")
LABELS_FILE = "corrections-labels.txt"
Key = tuple[str, int, int]


def _key(span: Mapping[str, Any]) -> Key:
    return span["technique"], span["start"], span["end"]


def anchored(text: str, item: Mapping[str, Any]) -> tuple[int, int]:
    """The offsets of an added span: as given, or, when the reviewer's `text` is not there (a browser counts
    characters its own way), that text's occurrence nearest to them."""
    start, end, seen = item["start"], item["end"], item.get("text") or ""
    if not seen or text[start:end] == seen:
        return start, end
    hits, at = [], text.find(seen)
    while at >= 0:
        hits.append(at)
        at = text.find(seen, at + 1)
    if not hits:
        return start, end
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(seen)


def checked(text: str, spans: Sequence[Mapping[str, Any]], corrections: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The corrections made exact (offsets re-anchored, fields normalised), or a coded InputError for the
    first bad one. `spans` are the document's spans before this review."""
    known = set(TECHNIQUES) | set(PTC14)
    current = apply(text, spans, [])
    out = []
    for n, item in enumerate(corrections, start=1):
        action = item.get("action")
        if action not in ACTIONS:
            raise InputError(Errors.E1102(n=n, action=action))
        start, end = anchored(text, item) if action == "add" else (item["start"], item["end"])
        if not 0 <= start < end <= len(text):
            raise InputError(Errors.E1103(n=n, start=start, end=end, length=len(text)))
        labels = [item["technique"]] + ([item.get("new_technique", "")] if action == "relabel" else [])
        if bad := [label for label in labels if label not in known]:
            raise InputError(Errors.E1104(n=n, label=bad[0]))
        key = (item["technique"], start, end)
        if action != "add" and key not in {_key(s) for s in current}:
            raise InputError(Errors.E1105(n=n, technique=key[0], start=start, end=end, action=action))
        fixed = {"action": action, "technique": key[0], "start": start, "end": end}
        if action == "relabel":
            fixed["new_technique"] = item["new_technique"]
        out.append(fixed)
        current = apply(text, current, [fixed])
    return out


def apply(text: str, spans: Sequence[Mapping[str, Any]], corrections: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Spans after corrections: rejected ones gone, relabelled ones renamed, added ones in, accepted marked."""
    current = {_key(s): {k: s[k] for k in ("technique", "start", "end", "accepted") if k in s} for s in spans}
    for c in corrections:
        key = _key(c)
        if c["action"] == "reject":
            current.pop(key, None)
        elif c["action"] == "accept" and key in current:
            current[key]["accepted"] = True
        elif c["action"] == "relabel" and key in current:
            current.pop(key)
            new = (c["new_technique"], c["start"], c["end"])
            current[new] = {"technique": new[0], "start": new[1], "end": new[2], "accepted": True}
        elif c["action"] == "add":
            current[key] = {"technique": key[0], "start": key[1], "end": key[2], "accepted": True}
    spans_out = sorted(current.values(), key=lambda s: (s["start"], s["end"], s["technique"]))
    return [{**s, "text": text[s["start"] : s["end"]]} for s in spans_out]


def export_id(doc_id: str) -> str:
    """The digits SemEval file names need: the stored id's hex as a number."""
    return str(int(doc_id, 16))


def export_corrections(library: Any, out: Path, fmt: str) -> int:
    """Write every reviewed document (see the module docstring); returns how many were written."""
    if fmt not in ("semeval", "jsonl"):
        raise InputError(Errors.E1106(fmt=fmt))
    reviewed = list(library.reviewed_documents())
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for record, spans in reviewed:
                row = {"id": record["id"], "text": record["text"], "language": record["language"], "spans": spans}
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(reviewed)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for record, spans in reviewed:
        aid = export_id(record["id"])
        with (out / f"article{aid}.txt").open("w", encoding="utf-8", newline="") as fh:
            fh.write(record["text"])
        rows += [(aid, s["technique"], s["start"], s["end"]) for s in spans]
    write_spans(out / LABELS_FILE, rows)
    return len(reviewed)
