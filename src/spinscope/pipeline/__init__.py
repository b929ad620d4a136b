"""Pipeline components. Importing this package registers the built-in ones, in the order below, which is
also the order of their fields in the record and of their sections in the reports."""

# the registration order (isort would sort it):
# isort: off
from . import language
from . import segment
from . import encoder
from . import techniques
from . import paragraph_labels
from . import heads
from . import claims
from . import entities
from . import roles
from . import narratives
from . import matching

# isort: on
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
