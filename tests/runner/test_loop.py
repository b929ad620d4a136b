"""The one run loop: a failing document is that document's reject, never the run's end."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from spinscope.config import load_settings
from spinscope.data import Document, Span
from spinscope.pipeline.base import Component, Pipeline
from spinscope.readers import Rejected
from spinscope.runner import process
from spinscope.runner.loop import ahead


class Picky(Component):
    """Fails on documents whose id starts with "bad"; gives "crooked" ones a span whose text is wrong."""

    name = "picky"
    writes = ("spans.marks",)

    def __call__(self, doc: Document) -> Document:
        if doc.id.startswith("bad"):
            raise ValueError("cannot read this one")
        mark = Span(0, 4, "mark", "nope" if doc.id.startswith("crooked") else doc.text[:4])
        doc.spans["marks"] = [mark]
        return doc


def run(inputs, **kwargs):
    done: list[Document] = []
    rejected: list[Rejected] = []
    stats = process(inputs, Pipeline([Picky({}, {})]), done.extend, rejected.append, **kwargs)
    return stats, [d.id for d in done], rejected


def test_one_failing_document_is_rejected_and_the_rest_analysed() -> None:
    docs = [Document(f"d{i}", "Some text here.") for i in range(20)]
    docs[3] = Document("bad3", "Some text here.")
    stats, done, rejected = run(docs, batch=8)
    assert done == [d.id for d in docs if d.id != "bad3"] and stats.done == 19
    assert [r.source for r in rejected] == ["bad3"] and stats.rejected == rejected
    assert "[E000] internal error (ValueError: cannot read this one)" in rejected[0].message
    assert rejected[0].message.code == "E000"


class Stamp(Component):
    """Adds a "stamp" span and a label to every document (the step before Picky in the retry test)."""

    name = "stamp"
    writes = ("spans.stamps", "labels.stamped")

    def __call__(self, doc: Document) -> Document:
        doc.spans.setdefault("stamps", []).append(Span(0, 4, "stamp", doc.text[:4]))
        doc.labels["stamped"] = doc.labels.get("stamped", 0) + 1
        return doc


def test_a_failed_batch_is_retried_on_documents_as_they_were_before_it() -> None:
    docs = [Document("a", "Alpha text."), Document("bad", "Beta text."), Document("c", "Gamma.")]
    done: list[Document] = []
    process(docs, Pipeline([Stamp({}, {}), Picky({}, {})]), done.extend, lambda _: None)
    assert [d.id for d in done] == ["a", "c"]
    for doc in done:  # one pass of each step: nothing left from the failed attempt
        assert doc.components == ["stamp", "picky"] and len(doc.layer("stamps")) == 1
        assert doc.labels["stamped"] == 1


def test_a_span_that_does_not_fit_its_text_rejects_only_its_document() -> None:
    stats, done, rejected = run(
        [Document("a", "Alpha text."), Document("crooked", "Beta text."), Document("c", "Gamma.")]
    )
    assert done == ["a", "c"]
    assert "[E102]" in rejected[0].message and stats.done == 2


def test_sources_are_read_and_bad_ones_rejected(tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A short invented article.\n", encoding="utf-8")
    _, done, rejected = run([str(tmp_path / "missing.txt"), str(good)], settings=load_settings(env={}))
    assert done == ["good"] and "[E401]" in rejected[0].message


def test_keep_leaves_documents_unanalysed() -> None:
    stats, done, _ = run([Document("a", "Alpha."), Document("b", "Beta.")], keep=lambda d: d.id == "b")
    assert done == ["b"] and stats.done == 1


class Early(Component):
    """A first stage (like the encoder): records which thread ran it; fails on ids starting with "early"."""

    name = "early"
    writes = ("spans.early",)
    ends_stage = True

    def __call__(self, doc: Document) -> Document:
        if doc.id.startswith("early"):
            raise RuntimeError("first stage broke")
        doc.spans["early"] = [Span(0, 1, "thread", doc.text[:1], attrs={"thread": threading.get_ident()})]
        return doc


def test_two_stages_overlap_in_threads_and_reject_per_stage() -> None:
    pipeline = Pipeline([Early({}, {}), Picky({}, {})])
    assert [[s.name for s in stage] for stage in pipeline.stages()] == [["early"], ["picky"]]
    docs = [Document(f"d{i}", "Some text.") for i in range(30)]
    docs[4], docs[17] = Document("early4", "Some text."), Document("bad17", "Some text.")
    done: list[Document] = []
    rejected: list[Rejected] = []
    stats = process(docs, pipeline, done.extend, rejected.append, batch=4)
    assert [d.id for d in done] == [d.id for d in docs if d.id not in ("early4", "bad17")] and stats.done == 28
    assert sorted(r.source for r in rejected) == ["bad17", "early4"]
    assert {s.attrs["thread"] for d in done for s in d.spans["early"]} != {threading.get_ident()}


def test_a_last_step_that_ends_a_stage_leaves_one_stage() -> None:
    assert len(Pipeline([Picky({}, {}), Early({}, {})]).stages()) == 1


def test_ahead_raises_the_producers_error_and_stops_when_left() -> None:
    def broken():
        yield 1
        raise KeyError("gone")

    with pytest.raises(KeyError):
        list(ahead(broken()))
    produced: list[int] = []

    def endless():
        for i in itertools.count():
            produced.append(i)
            yield i

    stream = ahead(endless(), depth=2)
    assert next(stream) == 0
    stream.close()
    time.sleep(0.5)
    settled = len(produced)
    time.sleep(0.3)
    assert len(produced) == settled <= 5


def test_analyze_goes_through_the_run_loop_so_a_span_off_its_text_is_refused() -> None:
    from spinscope.api import analyze
    from spinscope.errors import PipelineError

    pipeline = Pipeline([Picky({}, {})])
    assert analyze("Alpha text.", doc_id="fine", pipeline=pipeline, settings=load_settings(env={})).layer("marks")
    with pytest.raises(PipelineError, match=r"\[E206\].*\[E102\]"):
        analyze("Beta text.", doc_id="crooked", pipeline=pipeline, settings=load_settings(env={}))


def test_content_inputs_are_read_in_memory_with_paths_and_documents_beside_them(tmp_path) -> None:
    from spinscope.errors import code_of
    from spinscope.readers import Content

    (tmp_path / "a.txt").write_text("A file on disk.", encoding="utf-8")
    records = b'{"id": "r1", "text": "First record."}\n{"id": "r2"}\n{"id": "bad4", "text": "Fails."}\n'
    inputs = [
        str(tmp_path / "a.txt"),
        Content("upload.jsonl", data=records),
        Content("empty.txt", data=b""),
        Document("d1", "Already a document."),
    ]
    stats, done, rejected = run(inputs, settings=load_settings(env={}))
    assert done == ["a", "r1", "d1"] and stats.done == 3
    reasons = {r.source: r.message for r in rejected}
    assert code_of(reasons["upload.jsonl:2"]) == "E411"  # a record without text: that record only
    assert code_of(reasons["empty.txt"]) == "E404"  # an empty upload: its one-line coded reason
    failed = reasons["upload.jsonl:3"]  # the document "bad4", named by where it was read
    assert code_of(failed) == "E000" and failed.startswith("upload.jsonl:3: [E000] internal error")
