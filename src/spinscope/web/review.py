"""Reviewers' corrections of technique spans, and their export as training data.

A correction accepts, rejects or relabels a span (named by technique, start and end) that was predicted or
added by an earlier review, or adds one. The effective spans of a reviewed document are the predicted ones
after every review in order: rejected ones gone, relabelled ones renamed, added ones in, each reviewed one
marked `accepted`. A re-analysis keeps the reviews; a correction of a span the new analysis no longer has is
then passed over. The export is what `spinscope train techniques --extra` reads: a SemEval folder
(article<ID>.txt with the verbatim text, and one `ID<TAB>technique<TAB>start<TAB>end` labels file; the ID is
the stored id's hex read as a number) or JSONL (one document a line with its spans).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..data import anchored
from ..errors import Errors, InputError
from ..eval.formats import CORRECTIONS_LABELS, SpanRecord, write_spans
from ..labels import PTC14, TECHNIQUES

ACTIONS = ("accept", "reject", "relabel", "add")
FORMATS = ("semeval", "jsonl")
KNOWN = frozenset(TECHNIQUES) | frozenset(PTC14)  # either scheme: a record carries the labels it was made with
Key = tuple[str, int, int]  # technique, start, end
Reviewed = Iterable[tuple[Mapping[str, Any], list[dict[str, Any]]]]


def _key(span: Mapping[str, Any]) -> Key:
    return span["technique"], span["start"], span["end"]


def _state(spans: Iterable[Mapping[str, Any]]) -> dict[Key, bool]:
    """Span key -> accepted, for the spans a review starts from."""
    return {_key(s): bool(s.get("accepted")) for s in spans}


def _step(state: dict[Key, bool], correction: Mapping[str, Any]) -> None:
    """Apply one checked correction; one naming a span that is not there changes nothing."""
    key, action = _key(correction), correction["action"]
    if action == "add":
        state[key] = True
    elif key not in state:
        return
    elif action == "accept":
        state[key] = True
    else:
        del state[key]
        if action == "relabel":
            state[(correction["new_technique"], key[1], key[2])] = True


def effective(
    text: str, spans: Iterable[Mapping[str, Any]], reviews: Iterable[Sequence[Mapping[str, Any]]]
) -> list[dict[str, Any]]:
    """The spans after the reviews (each a list of checked corrections), sorted by offsets, with their text."""
    state = _state(spans)
    for corrections in reviews:
        for correction in corrections:
            _step(state, correction)
    ordered = sorted(state.items(), key=lambda item: (item[0][1], item[0][2], item[0][0]))
    return [
        {"technique": t, "start": s, "end": e, "text": text[s:e], "accepted": accepted}
        for (t, s, e), accepted in ordered
    ]


def checked(text: str, spans: Iterable[Mapping[str, Any]], corrections: Any) -> list[dict[str, Any]]:
    """The corrections made exact (fields normalised, added spans re-anchored by their text), or a coded
    InputError for the first bad one. `spans` are the document's effective spans before this review."""
    if not isinstance(corrections, list) or not corrections:
        raise InputError(Errors.E1108(what="A review", kind="a non-empty list of corrections"))
    state = _state(spans)
    out = []
    for n, item in enumerate(corrections, start=1):
        fixed = _correction(n, text, item)
        if fixed["action"] != "add" and _key(fixed) not in state:
            raise InputError(Errors.E1105(n=n, **fixed))
        _step(state, fixed)
        out.append(fixed)
    return out


def _correction(n: int, text: str, item: Any) -> dict[str, Any]:
    """One correction checked on its own: its action, integer offsets inside the text, known techniques."""
    if not isinstance(item, Mapping):
        raise InputError(Errors.E1108(what=f"Correction {n}", kind="an object"))
    action = item.get("action")
    if action not in ACTIONS:
        raise InputError(Errors.E1102(n=n, action=action))
    for field in ("start", "end"):
        if type(item.get(field)) is not int:
            raise InputError(Errors.E1108(what=f"Correction {n}: {field}", kind="an integer"))
    for field in ("technique", "new_technique") if action == "relabel" else ("technique",):
        label = item.get(field)
        if not isinstance(label, str) or label not in KNOWN:
            raise InputError(Errors.E1104(n=n, label=label))
    start, end = _anchored(n, text, item) if action == "add" else (item["start"], item["end"])
    if not 0 <= start < end <= len(text):
        raise InputError(Errors.E1103(n=n, start=start, end=end, length=len(text)))
    fixed = {"action": action, "technique": item["technique"], "start": start, "end": end}
    if action == "relabel":
        fixed["new_technique"] = item["new_technique"]
    return fixed


def _anchored(n: int, text: str, item: Mapping[str, Any]) -> tuple[int, int]:
    """An added span's offsets: as given when the reviewer's `text` is there (or not given), else that text's
    occurrence nearest to them (a browser may count characters its own way, in UTF-16 units)."""
    start, end, seen = item["start"], item["end"], item.get("text") or ""
    if not isinstance(seen, str):
        raise InputError(Errors.E1108(what=f"Correction {n}: text", kind="a string"))
    if (place := anchored(text, start, end, seen)) is None:
        found = text[max(start, 0) : max(end, 0)]
        raise InputError(Errors.E1109(n=n, seen=seen, start=start, end=end, found=found))
    return place


def export_id(doc_id: str) -> str:
    """The digits SemEval file names need: the stored id's hex as a number."""
    return str(int(doc_id, 16))


def export_corrections(library: Any, out: Path, fmt: str) -> int:
    """Write every reviewed document of `library` to `out` (a folder for semeval, a file for jsonl; see the
    module docstring) with its effective spans; returns how many documents were written."""
    if fmt not in FORMATS:
        raise InputError(Errors.E1106(fmt=fmt))
    writer = _write_jsonl if fmt == "jsonl" else _write_semeval
    return writer(library.reviewed_documents(), Path(out))


def _write_jsonl(reviewed: Reviewed, out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for record, spans in reviewed:
            plain = [{k: s[k] for k in ("technique", "start", "end")} for s in spans]
            row = {"id": record["id"], "text": record["text"], "language": record["language"], "spans": plain}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n


def _write_semeval(reviewed: Reviewed, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rows: list[SpanRecord] = []
    n = 0
    for record, spans in reviewed:
        aid = export_id(record["id"])
        with (out / f"article{aid}.txt").open("w", encoding="utf-8", newline="") as fh:  # verbatim, CRLF kept
            fh.write(record["text"])
        rows += (SpanRecord(aid, s["technique"], s["start"], s["end"]) for s in spans)
        n += 1
    write_spans(out / CORRECTIONS_LABELS, rows)
    return n
