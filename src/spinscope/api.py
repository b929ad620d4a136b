"""The public Python API: the CLI and the web app are thin layers over these functions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .config import load_settings
from .data import Document
from .errors import Errors, InputError
from .pipeline import Pipeline


def load_pipeline(
    settings: dict[str, Any] | None = None, *, only: Sequence[str] = (), skip: Sequence[str] = ()
) -> Pipeline:
    """Build the configured pipeline once; reuse it for many documents."""
    return Pipeline.from_settings(settings or load_settings(), only=only, skip=skip)


def check_text(doc: Document, settings: dict[str, Any]) -> None:
    """Refuse empty text and text over `limits.max_chars` with a coded one-line error."""
    limit = settings["limits"]["max_chars"]
    if not doc.text.strip():
        raise InputError(Errors.E404(source=doc.source or doc.id))
    if len(doc.text) > limit:
        raise InputError(Errors.E405(source=doc.source or doc.id, size=len(doc.text), limit=limit))


def analyze(
    text: str,
    *,
    doc_id: str = "text",
    pipeline: Pipeline | None = None,
    settings: dict[str, Any] | None = None,
) -> Document:
    """Analyse one text and return the annotated Document (text kept verbatim)."""
    settings = settings or load_settings()
    doc = Document(id=doc_id, text=text)
    check_text(doc, settings)
    return (pipeline or load_pipeline(settings))(doc)


def analyze_documents(docs: Iterable[Document], pipeline: Pipeline) -> Iterable[Document]:
    """Run the pipeline over many documents, batching inside model-backed components."""
    return pipeline.pipe(docs)
