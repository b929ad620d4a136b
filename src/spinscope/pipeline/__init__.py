"""Pipeline components; importing this package registers the built-in ones."""

from . import language, paragraphs, segment, techniques
from .base import Component, Pipeline, check_order

__all__ = ["Component", "Pipeline", "check_order", "language", "paragraphs", "segment", "techniques"]
