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


def classify_spans(
    docs: Iterable[Document],
    spans: Iterable[tuple[str, int, int]],
    settings: dict[str, Any] | None = None,
    scheme: str = "semeval23",
) -> list[tuple[str, str, int, int]]:
    """Technique of each given (article id, start, end) span (SemEval-2020 Task 11 TC), in input order.

    Ids match with or without an `article` prefix; spans of articles not among `docs` are left out.
    """
    from .errors import Errors, ModelMissing
    from .models import model_path
    from .pipeline.encoder import load_encoder
    from .pipeline.tagger import TechniqueDecoder

    settings = settings or load_settings()
    options = settings["components"]["encoder"]
    model = load_encoder(options, "classify-spans")
    if model is None:
        folder = model_path(options["model"])
        raise ModelMissing(Errors.E202(step="classify-spans", model=folder.name, path=folder, hint=""))
    decoder = TechniqueDecoder(model.folder, model.labels, settings["components"]["techniques"])
    spans = list(spans)
    wanted: dict[str, list[tuple[int, int]]] = {}
    for aid, start, end in spans:
        wanted.setdefault(aid.removeprefix("article"), []).append((start, end))
    docs = [d for d in docs if d.id.removeprefix("article") in wanted]
    found: dict[tuple[str, int, int], str] = {}
    for doc, encoding in zip(docs, model.encode([d.text for d in docs]), strict=True):
        key = doc.id.removeprefix("article")
        for (start, end), (label, _) in zip(
            wanted[key], decoder.classify(encoding, wanted[key], scheme, doc.language), strict=True
        ):
            found[key, start, end] = label
    return [
        (aid, found[aid.removeprefix("article"), start, end], start, end)
        for aid, start, end in spans
        if (aid.removeprefix("article"), start, end) in found
    ]
