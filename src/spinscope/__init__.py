"""spinscope: show, with exact character offsets, how news articles try to persuade."""

from __future__ import annotations

import logging

__version__ = "0.1.0"  # first, so modules imported below can read it

from .api import analyze, load_pipeline
from .config import load_settings
from .data import Document, Span

__all__ = ["Document", "Span", "__version__", "analyze", "load_pipeline", "load_settings"]
logging.getLogger(__name__).addHandler(logging.NullHandler())
