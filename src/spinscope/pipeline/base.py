"""Component base and the Pipeline that runs named components in the configured order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from ..data import Document
from ..errors import Errors, PipelineError


class Component:
    """One step: adds span layers or document labels and leaves Document.text untouched.

    `requires` names what earlier steps must assign ("language", "sentences", "paragraphs", "techniques");
    `assigns` names what this step provides, so a wrong order fails while the pipeline is built.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: dict[str, Any], settings: dict[str, Any]) -> None:
        self.config = config
        self.settings = settings

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Model-backed steps override this to batch across documents."""
        yield from map(self, docs)


def check_order(steps: Sequence[Component]) -> None:
    """Fail before a corpus run starts when a step reads something nothing earlier assigns."""
    produced: set[str] = set()
    for step in steps:
        if missing := set(step.requires) - produced:
            raise PipelineError(Errors.E201(step=step.name, missing=sorted(missing)))
        produced.update(step.assigns)


def select(names: Sequence[str], only: Sequence[str], skip: Sequence[str]) -> list[str]:
    """The configured component names filtered by --only/--skip.

    --only keeps what its picks need; --skip also drops the steps that read what a skipped step assigns
    (skipping the encoder switches off every head that reads its output).
    """
    from ..registry import components

    unknown = sorted((set(only) | set(skip)) - set(components.names()))
    if unknown:
        raise PipelineError(Errors.E203(names=", ".join(unknown), known=", ".join(components.names())))
    dropped = set(skip)
    for name in names:  # in pipeline order, so dependents of dependents go too
        if set(components.get(name).requires) & _assigned(dropped & set(names)):
            dropped.add(name)
    chosen = [n for n in names if n not in dropped]
    if not only:
        return chosen
    keep = set(only)
    for name in reversed(chosen):  # pull in producers of what the kept steps read
        if name in keep:
            needs = set(components.get(name).requires)
            keep.update(n for n in chosen if needs & set(components.get(n).assigns))
    return [n for n in chosen if n in keep]


def _assigned(names: set[str]) -> set[str]:
    from ..registry import components

    return {layer for n in names for layer in components.get(n).assigns}


class Pipeline:
    """Named components built from settings, run in order over documents."""

    def __init__(self, steps: Sequence[Component]) -> None:
        check_order(steps)
        self.steps = list(steps)

    @classmethod
    def from_settings(cls, settings: dict[str, Any], only: Sequence[str] = (), skip: Sequence[str] = ()) -> Pipeline:
        from ..registry import components

        names = select(settings["pipeline"]["components"], only, skip)
        configs = settings.get("components", {})
        return cls([components.get(n)(configs.get(n, {}), settings) for n in names])

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]

    def __call__(self, doc: Document) -> Document:
        for step in self.steps:
            doc = step(doc)
        return doc

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        stream: Iterable[Document] = docs
        for step in self.steps:
            stream = step.pipe(stream)
        yield from stream
