"""The public Python API: the CLI and the web app are thin layers over these functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .config import load_settings
from .data import Document
from .errors import Errors, PipelineError
from .pipeline import Pipeline
from .readers.txt import text_document
from .runner import RunStats, process, read_inputs
from .runner.loop import OnReject

__all__ = [
    "RunStats",
    "analyze",
    "analyze_all",
    "classify_roles",
    "classify_spans",
    "load_pipeline",
    "process",
    "read_inputs",
]


def load_pipeline(
    settings: dict[str, Any] | None = None, *, only: Sequence[str] = (), skip: Sequence[str] = ()
) -> Pipeline:
    """Build the configured pipeline once; reuse it for many documents."""
    return Pipeline.from_settings(settings or load_settings(), only=only, skip=skip)


def analyze(
    text: str,
    *,
    doc_id: str = "text",
    pipeline: Pipeline | None = None,
    settings: dict[str, Any] | None = None,
) -> Document:
    """Analyse one text and return the annotated Document (text kept verbatim).

    The same rules as for a .txt file apply: size limit, empty text refused, ` date` header parsed.
    """
    settings = settings or load_settings()
    doc = text_document(text, doc_id=doc_id, source=doc_id, settings=settings)
    (done,) = analyze_all([doc], pipeline or load_pipeline(settings), doc_id)
    return done


def analyze_all(docs: Iterable[Document], pipeline: Pipeline, what: str) -> list[Document]:
    """Documents through the one run loop (batched, every span checked against its text), in order; E206 when
    any is rejected, as a result over fewer documents than given would mislead (`what` names them)."""
    done: list[Document] = []
    stats = process(docs, pipeline, done.extend)
    all_analyzed(what, stats)
    return done


def all_analyzed(what: str, stats: RunStats) -> None:
    """E206 when the run rejected any document."""
    if stats.rejected:
        raise PipelineError(Errors.E206(what=what, reasons="; ".join(r.message for r in stats.rejected)))


def classify_spans(
    inputs: Iterable[str | Document],
    spans: Iterable[tuple[str, int, int]],
    settings: dict[str, Any] | None = None,
    scheme: str = "semeval23",
    on_reject: OnReject | None = None,
) -> tuple[list[tuple[str, str, int, int]], RunStats]:
    """Technique of each given (article id, start, end) span (SemEval-2020 Task 11 TC), in input order.

    `inputs` are documents or sources (a folder of article files, say), read and analysed by the run loop
    (`process`) with the techniques component; a bad input is rejected through `on_reject` and in the
    returned stats. Ids match with or without an `article` prefix; spans of articles not read are left out.
    """
    settings = settings or load_settings()
    pipeline = load_pipeline(settings, only=["techniques"])
    tagger = pipeline.step("techniques")
    spans = list(spans)

    def label(doc: Document, bounds: list[tuple[int, int]]) -> list[str]:
        return [name for name, _ in tagger.classify(doc, bounds, scheme)]

    found, stats = _label_given(
        inputs, spans, pipeline, label, lambda aid: aid.removeprefix("article"), on_reject, settings
    )
    return [(aid, found[aid, start, end], start, end) for aid, start, end in spans if (aid, start, end) in found], stats


def classify_roles(
    inputs: Iterable[str | Document],
    mentions: Iterable[tuple[str, int, int]],
    settings: dict[str, Any] | None = None,
    on_reject: OnReject | None = None,
) -> tuple[dict[tuple[str, int, int], tuple[str, tuple[str, ...]]], RunStats]:
    """(main role, fine roles) of each given (article id, start, end) mention, `end` exclusive (SemEval-2025
    Task 10 subtask 1), keyed by the triple as given. Ids match with or without a `.txt` suffix; mentions of
    articles not read are left out."""
    settings = settings or load_settings()
    pipeline = load_pipeline(settings, only=["roles"])
    roles = pipeline.step("roles")

    def label(doc: Document, bounds: list[tuple[int, int]]) -> list[tuple[str, tuple[str, ...]] | None]:
        scored = roles.classify(doc, bounds)
        if not scored:  # no heads: the document carries the warning
            return [None] * len(bounds)
        return [(r.main_role, tuple(f for f, _ in r.fine_roles(roles.head.share))) for r in scored]

    return _label_given(inputs, mentions, pipeline, label, lambda aid: aid.removesuffix(".txt"), on_reject, settings)


def _label_given(
    inputs: Iterable[str | Document],
    items: Iterable[tuple[str, int, int]],
    pipeline: Pipeline,
    label: Callable[[Document, list[tuple[int, int]]], list[Any]],
    same_id: Callable[[str], str],
    on_reject: OnReject | None,
    settings: dict[str, Any],
) -> tuple[dict[tuple[str, int, int], Any], RunStats]:
    """The label of each given (article id, start, end) item, keyed by the item as given (None labels left out):
    the documents some item names (ids compared through `same_id`) go through the run loop, and `label(doc,
    bounds)` gives one label per (start, end) of that document's items, in their order."""
    wanted: dict[str, list[tuple[str, int, int]]] = {}
    for item in items:
        wanted.setdefault(same_id(item[0]), []).append(item)
    found: dict[tuple[str, int, int], Any] = {}

    def run(docs: Iterable[Document]) -> None:
        for doc in docs:
            asked = wanted[same_id(doc.id)]
            for item, value in zip(asked, label(doc, [(a, b) for _, a, b in asked]), strict=True):
                if value is not None:
                    found[item] = value

    stats = process(inputs, pipeline, run, on_reject, settings=settings, keep=lambda d: same_id(d.id) in wanted)
    return found, stats
