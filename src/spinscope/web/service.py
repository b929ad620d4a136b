"""The analysis behind the web app: the shared run loop (`runner.process`) on pasted text, uploads and URLs.

One `Analyzer` per server process loads each pipeline once (the default one, and at most a few for other
`only`/`skip` options) and runs one analysis at a time: the pipeline already keeps both cores busy, so
requests queue instead of competing for them, and are served in the order they came (`FairLock`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ..api import load_pipeline
from ..data import Document
from ..errors import Errors, InputError
from ..pipeline import Pipeline
from ..readers import Content
from ..readers.detect import DOCUMENT_SUFFIXES, format_of
from ..readers.image import as_png
from ..readers.pdf import page_pngs
from ..readers.txt import text_document
from ..runner import Cancellation, process
from ..runner.loop import Input
from ..writers._common import records

UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz", ".warc", ".warc.gz", ".csv", *DOCUMENT_SUFFIXES)
PIPELINES_KEPT = 2  # pipelines for non-default options kept loaded (each holds its models)


class FairLock:
    """A lock that waiting threads get in arrival order (`threading.Lock` promises none, which lets a request
    wait behind later ones and stretches the latency tail)."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0

    def __enter__(self) -> None:
        with self._turn:
            ticket = self._issued
            self._issued += 1
            self._turn.wait_for(lambda: self._serving == ticket)

    def __exit__(self, *exc: object) -> None:
        with self._turn:
            self._serving += 1
            self._turn.notify_all()


@dataclass
class Analysis:
    """The records of one request's documents, and the one-line reason of each input that was skipped."""

    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    pictures: dict[str, dict[int, bytes]] = field(default_factory=dict)  # record id -> page -> the PNG OCR read


class Analyzer:
    """Runs the configured pipeline for the app; thread-safe (one analysis at a time per process)."""

    def __init__(self, settings: dict[str, Any], transport: Any = None) -> None:
        self.settings = settings
        self.transport = transport  # httpx transport for URL fetches (tests swap the network)
        self._pipelines: OrderedDict[tuple[tuple[str, ...], tuple[str, ...]], Pipeline] = OrderedDict()
        self._lock = FairLock()

    def pipeline(self, only: Sequence[str] = (), skip: Sequence[str] = ()) -> Pipeline:
        """The pipeline for these options, loaded on first use (call with the lock held or at start-up)."""
        key = (tuple(sorted(only)), tuple(sorted(skip)))
        if key not in self._pipelines:
            self._pipelines[key] = load_pipeline(self.settings, only=only, skip=skip)
            extra = [k for k in self._pipelines if k != ((), ())]
            if len(extra) > PIPELINES_KEPT:
                del self._pipelines[extra[0]]
        self._pipelines.move_to_end(key)
        return self._pipelines[key]

    def warm(self) -> None:
        with self._lock:
            self.pipeline()

    def run(
        self,
        inputs: list[Input],
        only: Sequence[str] = (),
        skip: Sequence[str] = (),
        cancel: Cancellation | None = None,
    ) -> Analysis:
        """The records of the inputs, at most `web.max_documents` of them analysed (the rest is named in
        `rejected`). A set `cancel` (the request timed out, its client went away) stops the run between
        documents and batches, or before it starts when it was set while the request waited its turn."""
        out = Analysis()
        budget = int(self.settings["web"]["max_documents"])
        read = 0

        def within_budget(doc: Document) -> bool:
            nonlocal read
            read += 1
            return read <= budget

        with self._lock:
            if cancel is not None:
                cancel.check()
            process(
                inputs,
                self.pipeline(only, skip),
                lambda docs: out.records.extend(records(docs, self.settings)),
                lambda item: out.rejected.append(item.message),
                settings=self.settings,
                keep=within_budget,
                cancel=cancel,
            )
        if read > budget:
            out.rejected.append(Errors.E1038(limit=budget, more=read - budget))
        return out

    def text(self, text: str, *, title: str = "", source: str = "pasted text", **options: Any) -> Analysis:
        doc = text_document(text, doc_id="pasted", source=source, settings=self.settings)
        if title.strip():
            doc.title = title.strip()
        return self.run([doc], **options)

    def url(self, url: str, **options: Any) -> Analysis:
        from .fetch import fetch_document

        return self.run([fetch_document(url, self.settings, transport=self.transport)], **options)

    def upload(self, data: bytes, *, name: str, **options: Any) -> Analysis:
        """A file as its reader reads it (by suffix): one document, or several for JSONL/CSV/WARC. Its documents
        are named after the file (`name` without any folder), read from memory: no temporary file."""
        suffix = next((s for s in sorted(UPLOAD_SUFFIXES, key=len, reverse=True) if name.lower().endswith(s)), "")
        if not suffix:
            raise InputError(Errors.E410(source=name, fmt=Path(name).suffix, known=", ".join(UPLOAD_SUFFIXES)))
        content = Content(PurePath(name.replace("\\", "/")).name, data=data)
        analysis = self.run([content], **options)
        kind = format_of(content)
        for record in analysis.records:
            if record["meta"].get("boxes") and kind in ("image", "pdf"):
                pages = record["meta"]["ocr"]["pages"]
                analysis.pictures[record["id"]] = {1: as_png(data)} if kind == "image" else page_pngs(data, pages)
        return analysis
