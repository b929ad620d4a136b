"""Paragraph technique labels (SemEval-2023 subtask 3): the techniques of spans overlapping each line."""

from __future__ import annotations

from ..data import Document
from ..registry import components
from .base import Component


@components.register("paragraphs")
class ParagraphLabelsComponent(Component):
    """Fills each paragraph's `techniques` from the technique spans (none when techniques are off).

    The gold paragraph labels of SemEval-2023 are exactly the techniques of spans overlapping the line, so
    deriving them from spans keeps the two outputs consistent.
    """

    name = "paragraphs"
    requires = ("paragraphs",)
    assigns = ("paragraph_techniques",)

    def __call__(self, doc: Document) -> Document:
        spans = doc.layer("techniques")
        labelled = []
        for para in doc.layer("paragraphs"):
            found = {s.label for s in spans if s.start < para.end and s.end > para.start}
            attrs = {**para.attrs, "techniques": sorted(found)}
            labelled.append(doc.make_span(para.start, para.end, para.label, source=para.source, **attrs))
        doc.spans["paragraphs"] = labelled
        return doc
