"""Paragraph technique labels (SemEval-2023 subtask 3): the techniques of spans overlapping each line."""

from __future__ import annotations

from ..data import Document
from ..registry import components
from .base import Component
from .segment import labels_overlapping


@components.register("paragraphs")
class ParagraphLabelsComponent(Component):
    """Fills each paragraph's `techniques` (none when techniques are off).

    The gold paragraph labels of SemEval-2023 are exactly the techniques of spans overlapping the line, so
    by default they are derived from the spans. Where the technique model has a paragraph head for the
    language (it scored higher on validation), its labels (`doc.labels["paragraph_techniques"]`) are used.
    """

    name = "paragraphs"
    requires = ("paragraphs",)
    assigns = ("paragraph_techniques",)

    def __call__(self, doc: Document) -> Document:
        spans = doc.layer("techniques")
        head = doc.labels.get("paragraph_techniques")
        labelled = []
        for para in doc.layer("paragraphs"):
            if head is not None:
                found = sorted(set(head.get(para.attrs["line"], [])))
            else:
                found = labels_overlapping(para.start, para.end, ((s.label, s.start, s.end) for s in spans))
            attrs = {**para.attrs, "techniques": found}
            labelled.append(doc.make_span(para.start, para.end, para.label, source=para.source, **attrs))
        doc.spans["paragraphs"] = labelled
        return doc
