"""Pipeline components. Importing this package registers the built-in ones, in the order below, which is
also the order of their fields in the record and of their sections in the reports."""

from . import (
    language,
    segment,
    encoder,
    techniques,
    paragraph_labels,
    heads,
    claims,
    entities,
    roles,
    narratives,
    matching,
)  # noqa: I001, E501 (registration order)
from .base import Component, Field, Pipeline, check_order

__all__ = [
    "Component",
    "Field",
    "Pipeline",
    "check_order",
    "claims",
    "encoder",
    "entities",
    "heads",
    "language",
    "matching",
    "narratives",
    "paragraph_labels",
    "roles",
    "segment",
    "techniques",
]
