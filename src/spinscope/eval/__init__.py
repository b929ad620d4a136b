"""Evaluation: official SemEval scorers, the label file formats and the paragraph baseline.

`scorers` holds the formulas, `formats` reads and writes the official files and the shared data folders,
`splits` the fixed validation split, `baseline` the TF-IDF floor (scikit-learn, imported on use).
"""

from __future__ import annotations

from .formats import (
    ParagraphRecord,
    SpanRecord,
    load_ptc2020,
    load_semeval2023,
    read_paragraphs,
    read_spans,
    write_paragraphs,
    write_spans,
)
from .scorers import (
    PRF,
    MultiLabelScores,
    SpanScores,
    document_scores,
    multilabel_scores,
    paragraph_scores,
    si_scores,
    span_scores,
    tc_scores,
)

__all__ = [
    "PRF",
    "MultiLabelScores",
    "ParagraphRecord",
    "SpanRecord",
    "SpanScores",
    "document_scores",
    "load_ptc2020",
    "load_semeval2023",
    "multilabel_scores",
    "paragraph_scores",
    "read_paragraphs",
    "read_spans",
    "si_scores",
    "span_scores",
    "tc_scores",
    "write_paragraphs",
    "write_spans",
]
