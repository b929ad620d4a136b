"""Pipeline components; importing this package registers the built-in ones."""

from . import encoder, heads, language, paragraphs, segment, techniques
from .base import Component, Pipeline, check_order

__all__ = [
    "Component",
    "Pipeline",
    "check_order",
    "encoder",
    "heads",
    "language",
    "paragraphs",
    "segment",
    "techniques",
]
