"""The public Python API: the CLI and the web app are thin layers over these functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .config import load_settings
from .data import Document
from .pipeline import Pipeline
from .readers.txt import text_document


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
    return (pipeline or load_pipeline(settings))(doc)


def analyze_documents(docs: Iterable[Document], pipeline: Pipeline) -> Iterable[Document]:
    """Run the pipeline over many documents, batching inside model-backed components."""
    return pipeline.pipe(docs)
