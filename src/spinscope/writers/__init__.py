"""Writers: one module per output format; importing this package registers them all, and the views of the
built-in record fields (`sections`).

Every writer renders the record from `record.to_record` (relabelled by `labels.relabel` in
`_common.records`), so all formats show the same spans, labels and scores.
"""

from . import html, json, jsonl, labelstudio, misp, sections, semeval, stix, terminal
from .base import Writer

__all__ = ["Writer", "html", "json", "jsonl", "labelstudio", "misp", "sections", "semeval", "stix", "terminal"]
