"""Persuasion-technique spans from the shipped token-tagging model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..data import Document
from ..errors import Errors, ModelMissing, Warnings
from ..models import MODELS_DIR, model_path
from ..registry import components
from ..utils import batched
from .base import Component

MODEL_FILE = "model.onnx"
ARTICLES_PER_CALL = 16


@components.register("techniques")
class TechniquesComponent(Component):
    """Adds the `techniques` layer.

    A missing *packaged* model leaves the layer empty with warning W001 (the package may be installed
    without it); a model path the user named explicitly must exist, else E202.
    """

    name = "techniques"
    requires = ("language",)
    assigns = ("techniques",)

    def __init__(self, config: dict, settings: dict) -> None:
        super().__init__(config, settings)
        folder = model_path(config.get("model", "techniques"))
        self.tagger = None
        if (folder / MODEL_FILE).is_file():
            from .tagger import TokenTagger

            self.tagger = TokenTagger.load(folder, config)
        elif folder.parent != MODELS_DIR:
            hint = "Train one with `spinscope train techniques` or fix components.techniques.model."
            raise ModelMissing(Errors.E202(step=self.name, model=folder.name, path=folder, hint=hint))

    def __call__(self, doc: Document) -> Document:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Articles are tagged in groups so windows of several articles share model batches."""
        for group in batched(docs, ARTICLES_PER_CALL):
            for doc in group:
                doc.spans["techniques"] = []
                if self.tagger is None:
                    doc.warn(Warnings.W001())
            yield from group if self.tagger is None else self.tagger.tag(group)
