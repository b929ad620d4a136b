"""Persuasion-technique spans (and paragraph-head labels) decoded from the shared encoder pass."""

from __future__ import annotations

import json

from ..data import Document
from ..models import model_path
from ..registry import components
from .base import Component
from .encoder import MODEL_FILE
from .tagger import TechniqueDecoder


@components.register("techniques")
class TechniquesComponent(Component):
    """Adds the `techniques` layer from `doc.cache["encoding"]` (empty when no model is installed)."""

    name = "techniques"
    requires = ("encoding",)
    assigns = ("techniques",)

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        folder = model_path(settings["components"]["encoder"].get("model", "techniques"))
        self.decoder = None
        if (folder / MODEL_FILE).is_file():
            labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
            self.decoder = TechniqueDecoder(folder, labels, config)

    def __call__(self, doc: Document) -> Document:
        doc.spans["techniques"] = []
        encoding = doc.cache.get("encoding")
        if self.decoder is not None and encoding is not None:
            self.decoder.annotate(doc, encoding)
        return doc
