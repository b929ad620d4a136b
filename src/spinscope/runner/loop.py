"""The one run loop: read inputs, analyse documents in batches, hand them to a sink, collect rejects.

The CLI (`analyze`, `classify-spans`), the eval gate and the public API all run through `process`, so every
caller has the same guarantee: a failure of one document (an unreadable input, a broken record, an error in
a component, a span whose offsets do not fit) is that document's reject, reported through `on_reject`, and
the run goes on with the next one. Batches run through the pipeline's two stages (`Pipeline.stages`) side by
side: reading and the encoder pass of the next batch in a background thread while this batch's later steps
run, so the two cores stay busy; results do not depend on it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from threadpoolctl import threadpool_limits

from ..data import Document
from ..errors import Coded, SpinscopeError, code_of, internal
from ..pipeline import Component, Pipeline
from ..readers import Content, Rejected, open_content, open_input
from ..utils import batched
from .cancel import Cancellation

logger = logging.getLogger(__name__)

BATCH = 8  # documents per pipeline batch (one batch is read and encoded ahead of the one being finished)
T = TypeVar("T")

OnReject = Callable[[Rejected], None]


@dataclass
class RunStats:
    """What a run analysed and what it skipped, with the one-line reason of each skip."""

    done: int = 0
    rejected: list[Rejected] = field(default_factory=list)


Input = str | Content | Document  # a source (path, folder, URL, '-'), an input's content, or a Document


def read_inputs(
    inputs: Iterable[Input],
    settings: dict[str, Any],
    reject: OnReject,
    cancel: Cancellation | None = None,
) -> Iterator[Document]:
    """Documents from inputs: a source (path, folder, URL, '-') or an input's content (an upload's bytes and
    name) is read by its reader, a Document passes as it is.

    An unusable input or a bad record inside one goes to `reject`; the rest is read (an input that fails
    half-way keeps the documents read before the failure). A set `cancel` stops the reading (`Cancelled`).
    """
    cancel = cancel or Cancellation()
    for item in inputs:
        cancel.check()
        if isinstance(item, Document):
            yield item
            continue
        try:
            for doc in open_content(item, settings) if isinstance(item, Content) else open_input(item, settings):
                cancel.check()
                if isinstance(doc, Rejected):
                    reject(doc)
                else:
                    yield doc
        except Exception as exc:
            logger.info("input %s failed", item, exc_info=not isinstance(exc, SpinscopeError))
            name = item.name if isinstance(item, Content) else item
            reject(Rejected(name, exc.args[0] if isinstance(exc, SpinscopeError) else _reason(name, exc)))


def process(
    inputs: Iterable[Input],
    pipeline: Pipeline,
    sink: Callable[[Iterable[Document]], Any],
    on_reject: OnReject | None = None,
    *,
    settings: dict[str, Any] | None = None,
    keep: Callable[[Document], bool] | None = None,
    batch: int = BATCH,
    cancel: Cancellation | None = None,
) -> RunStats:
    """Analyse every input and pass the stream of analysed documents to `sink` (a writer's `write`, say).

    `settings` (readers' limits and formats) are needed only for inputs given as sources; documents for which
    `keep` is false are read but not analysed. Batches run through the pipeline together; a failing batch
    is rerun document by document so only the culprit is rejected. A set `cancel` (the caller has gone)
    stops the run between documents and batches with `Cancelled`.
    """
    stats = RunStats()
    cancel = cancel or Cancellation()  # never set: nobody cancels

    def reject(item: Rejected) -> None:
        stats.rejected.append(item)
        if on_reject is not None:
            on_reject(item)

    def analyzed() -> Iterator[Document]:
        docs = read_inputs(inputs, settings or {}, reject, cancel)
        groups: Iterable[list[Document]] = batched(docs if keep is None else filter(keep, docs), batch)
        *early, last = pipeline.stages()
        for steps in early:
            groups = ahead(_staged(groups, pipeline, reject, steps, cancel))
        for group in groups:
            cancel.check()
            for doc in _run_batch(group, pipeline, reject, last, check=True):
                stats.done += 1
                yield doc

    with threadpool_limits(limits=1, user_api="blas"):  # numpy's small products: a BLAS thread pool only spins
        sink(analyzed())
    return stats


def _run_batch(
    group: list[Document], pipeline: Pipeline, reject: OnReject, steps: Sequence[Component], check: bool = False
) -> list[Document]:
    """The group through `steps`; when that fails, document by document from copies taken before (so no layer,
    label or component list of the failed attempt is left), and only the culprit is rejected. With `check` (the
    last stage), every span must fit its text."""
    before = [doc.copy() for doc in group]
    try:
        done = list(pipeline.pipe(group, steps))
        for doc in done if check else ():
            doc.check_offsets()
        return done
    except Exception:  # one document's failure must not end the run: find it
        logger.debug("batch failed; rerunning its documents one by one", exc_info=True)
    done = []
    for doc in before:
        try:
            (doc,) = pipeline.pipe([doc], steps)
            if check:
                doc.check_offsets()
            done.append(doc)
        except Exception as exc:
            logger.info("document %s failed", doc.id, exc_info=not isinstance(exc, SpinscopeError))
            reject(Rejected(doc.source or doc.id, _reason(doc.source or doc.id, exc)))
    return done


def _staged(
    groups: Iterable[list[Document]],
    pipeline: Pipeline,
    reject: OnReject,
    steps: Sequence[Component],
    cancel: Cancellation,
):
    for group in groups:
        cancel.check()
        yield _run_batch(group, pipeline, reject, steps)


_END = object()
JOIN_SECONDS = 5.0  # how long a consumer that stops early waits for the item in progress (a blocked read: no longer)


def ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """`items` as they come, produced by a background thread up to `depth` items ahead of the consumer. An
    exception there is raised here; when the consumer stops early the thread stops at its next item (waited
    for up to JOIN_SECONDS, so no model call is left running)."""
    ready: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(entry: tuple[Any, Any]) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((None, item)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the consumer, raised there
            put((exc, None))

    thread = threading.Thread(target=produce, name="spinscope-ahead", daemon=True)
    thread.start()
    try:
        while True:
            flag, item = ready.get()
            if flag is _END:
                return
            if flag is not None:
                raise flag
            yield item
    finally:
        stop.set()
        thread.join(timeout=JOIN_SECONDS)


def _reason(where: str, exc: Exception) -> Coded:
    """ "<where>: " and the coded message of our errors; any other failure as internal (E000), with its type."""
    message = exc.args[0] if isinstance(exc, SpinscopeError) and exc.args else internal(exc)
    return Coded(f"{where}: {message}", code_of(message))
