"""Whether an article reads as a plain report: what the narratives (outside their training languages) and the
roles (everywhere) hold back on wire copy. No component lives here, so importing it registers nothing.
"""

from __future__ import annotations

from ..data import Document


def stretches(spans) -> int:
    """Stretches of text the spans cover (overlapping spans, of any technique, are one stretch)."""
    count, end = 0, -1
    for span in sorted(spans, key=lambda s: s.start):
        count += span.start >= end
        end = max(end, span.end)
    return count


def plain_report(doc: Document, reporting: float, density: float) -> float | None:
    """The genre head's reporting probability when the document reads as a report (at least `reporting`, 0 for
    never) with fewer than `density` stretches of shown technique spans per 1,000 characters, else None. Shown
    spans (`components.techniques.display_precision`) are those right at least half the time: the French tagger
    puts 4 stretches of low-scored spans per 1,000 characters on wire copy, and shows none of them."""
    genre = doc.labels.get("genre") or {}
    score = float(genre.get("scores", {}).get("reporting", 0.0))
    shown = [span for span in doc.layer("techniques") if span.attrs.get("shown", True)]
    found = 1000 * stretches(shown) / max(len(doc.text), 1)
    return score if reporting and score >= reporting and found < density else None
