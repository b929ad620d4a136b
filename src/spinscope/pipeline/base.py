"""The extension point: Component (what a step reads, writes and adds to the record) and the Pipeline.

A component declares every key of the Document it reads and writes:

* `language`: `Document.language`;
* `spans.<layer>`: a span layer, `Document.spans[<layer>]`;
* `labels.<name>`: a document label, `Document.labels[<name>]`;
* any other name: an entry of `Document.cache` (shared by components, never written out), such as
  `encoding`, the output of the one encoder pass.

The pipeline checks at build time that every key a step reads is written by an earlier step, pulls in the
writers of what `--only` picks need, and refuses at run time a step that writes a key it did not declare. Keys a
step `uses` it reads when an earlier step wrote them and does without otherwise (skipping their writer keeps it).
A component also contributes the record fields it owns (`fields`): their values, JSON-Schema fragments, corpus
views and library filters; their report sections are views registered by field name (`writers.views`), so the
JSON, schema, Parquet, SQL, terminal, HTML and web outputs need no edit for a new component.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from ..data import Document
from ..errors import Errors, PipelineError


@dataclass(frozen=True)
class Facet:
    """A kind of filter the web library finds documents by: `values(value)` gives the field value's
    values of that kind ("technique": each technique named)."""

    kind: str
    values: Callable[[Any], Iterable[str]]


@dataclass(frozen=True)
class Table:
    """A DuckDB view over a corpus run's shards: `select` reads the view `base` (every record column, with
    `outlet` and `day`), `{doc}` standing for the columns each row carries (id, outlet, language, day).
    Where `needs` is set (an expression shards from before the field lack), such shards give an empty view
    of `columns` (name, SQL type)."""

    name: str
    select: str
    needs: str | None = None
    columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Field:
    """One key of the document record, owned by the component that declares it: the data contract.

    `value(doc)` is the JSON value (the empty value when the component did not run, so every key is always
    present); `schema` its JSON-Schema fragment; `offsets` says what the items carry into the text ("text":
    start, end and text, "bounds": start and end) and `spans(value)`, where given, yields the items (nested
    ones too) that carry them, else they are the value's list items. For the corpus and the web library:
    `columns`, SQL expressions the `documents` view gets ("len(claims) AS n_claims"); `tables`, views of
    their own; `facets`, the filters it offers. How a field is shown (terminal, HTML, highlights) is a
    `writers.views.View` registered under its name.
    """

    name: str
    value: Callable[[Document], Any]
    schema: Mapping[str, Any]
    offsets: str | None = None
    spans: Callable[[Any], Iterable[Mapping[str, Any]]] | None = None
    columns: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    facets: tuple[Facet, ...] = ()


class Component:
    """One step: adds span layers, labels or cache entries and leaves Document.text untouched.

    `default_config` is a plugin's configuration (built-ins keep theirs in defaults.toml); keys outside it
    are refused, except inside the tables named in `open_config`, whose keys are names (technique names,
    say) that the component checks itself.
    """

    name: ClassVar[str] = ""
    reads: ClassVar[tuple[str, ...]] = ()
    uses: ClassVar[tuple[str, ...]] = ()  # read when an earlier step writes them, not needed
    writes: ClassVar[tuple[str, ...]] = ()
    fields: ClassVar[tuple[Field, ...]] = ()
    ends_stage: ClassVar[bool] = False  # the run loop runs the later steps on one batch beside this one's next
    default_config: ClassVar[Mapping[str, Any]] = {}
    open_config: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: dict[str, Any], settings: dict[str, Any]) -> None:
        self.config = config
        self.settings = settings

    def setup(self, upstream: Mapping[str, Component]) -> None:
        """Called once the earlier steps are built; `upstream` maps each key they write to its writer, so a
        head takes the one loaded encoder from the step that writes `encoding`."""

    def __call__(self, doc: Document) -> Document:
        raise NotImplementedError

    def pipe(self, docs: Iterable[Document]) -> Iterator[Document]:
        """Model-backed steps override this to batch across documents."""
        yield from map(self, docs)


def state_keys(doc: Document) -> set[str]:
    """The keys (as components declare them) that are set on a document."""
    keys = {f"spans.{k}" for k in doc.spans} | {f"labels.{k}" for k in doc.labels} | set(doc.cache)
    if doc.language:
        keys.add("language")
    return keys


def check_order(steps: Sequence[Component]) -> None:
    """Fail before a corpus run starts when a step reads something nothing earlier writes, or uses something
    only a later step writes."""
    produced: set[str] = set()
    for k, step in enumerate(steps):
        late = set(step.uses) & {key for later in steps[k + 1 :] for key in later.writes}
        if missing := (set(step.reads) - produced) | late:
            raise PipelineError(Errors.E201(step=step.name, missing=sorted(missing)))
        produced.update(step.writes)


def select(names: Sequence[str], only: Sequence[str], skip: Sequence[str]) -> list[str]:
    """The configured component names filtered by --only/--skip.

    --only keeps what its picks need; --skip also drops the steps that read what a skipped step writes
    (skipping the encoder switches off every head that reads its output).
    """
    from ..registry import components

    unknown = sorted((set(only) | set(skip)) - set(components.names()))
    if unknown:
        raise PipelineError(Errors.E203(names=", ".join(unknown), known=", ".join(components.names())))
    dropped = set(skip)
    for name in names:  # in pipeline order, so dependents of dependents go too
        if set(components.get(name).reads) & _written(dropped & set(names)):
            dropped.add(name)
    chosen = [n for n in names if n not in dropped]
    if not only:
        return chosen
    keep = set(only)
    for name in reversed(chosen):  # pull in writers of what the kept steps read
        if name in keep:
            needs = set(components.get(name).reads)
            keep.update(n for n in chosen if needs & set(components.get(n).writes))
    return [n for n in chosen if n in keep]


def _written(names: set[str]) -> set[str]:
    from ..registry import components

    return {key for n in names for key in components.get(n).writes}


@dataclass
class StepStats:
    """What one step did: the documents it passed on, and the seconds spent in the step itself (not in the
    steps before it, whose documents it pulls)."""

    documents: int = 0
    seconds: float = 0.0


class Pipeline:
    """Named components built from settings, run in order over documents; `stats` counts each step's
    documents and seconds (the corpus run's markers and manifest carry them).

    Warnings whose code is listed in `warnings.ignore` are dropped from each document once all steps ran.
    """

    def __init__(self, steps: Sequence[Component], ignore: Iterable[str] = ()) -> None:
        check_order(steps)
        self.steps = list(steps)
        self.stats = {step.name: StepStats() for step in self.steps}
        upstream: dict[str, Component] = {}
        for step in self.steps:
            step.setup(upstream)
            upstream.update(dict.fromkeys(step.writes, step))
        self.ignore = tuple(f"[{code}]" for code in ignore)

    @classmethod
    def from_settings(cls, settings: dict[str, Any], only: Sequence[str] = (), skip: Sequence[str] = ()) -> Pipeline:
        from ..registry import components

        names = select(settings["pipeline"]["components"], only, skip)
        configs = settings.get("components", {})
        steps = [components.get(n)(configs.get(n, {}), settings) for n in names]
        return cls(steps, settings.get("warnings", {}).get("ignore", ()))

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]

    def step(self, name: str) -> Component:
        """The built step of that name (E205 when the pipeline does not run it)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise PipelineError(Errors.E205(name=name, names=", ".join(self.names)))

    def __call__(self, doc: Document) -> Document:
        return next(self.pipe([doc]))

    def step_stats(self) -> dict[str, dict[str, float]]:
        """A copy of `stats`: step name -> documents, seconds."""
        return {name: asdict(stats) for name, stats in self.stats.items()}

    def pipe(self, docs: Iterable[Document], steps: Sequence[Component] | None = None) -> Iterator[Document]:
        """Documents through every step, or through `steps` only (one of the `stages`)."""
        stream: Iterable[Document] = docs
        for step in self.steps if steps is None else steps:
            stream = _checked(step, stream, self.stats[step.name])
        for doc in stream:
            yield self._finish(doc)

    def stages(self) -> list[list[Component]]:
        """The steps up to and including the first that `ends_stage` (the shared encoder pass), then the rest:
        the run loop runs the second stage on one batch while the first runs on the next, so the single-threaded
        steps after the encoder (entities, claims) use the core the encoder's model calls leave."""
        for i, step in enumerate(self.steps[:-1]):
            if step.ends_stage:
                return [self.steps[: i + 1], self.steps[i + 1 :]]
        return [self.steps]

    def _finish(self, doc: Document) -> Document:
        if self.ignore:
            doc.warnings[:] = [w for w in doc.warnings if not w.startswith(self.ignore)]
        return doc


def _checked(step: Component, docs: Iterable[Document], stats: StepStats) -> Iterator[Document]:
    """`step.pipe(docs)`, refusing any document on which it set a key it does not declare; the time spent
    pulling `docs` (the steps before) is not counted in `stats`."""
    before: dict[int, set[str]] = {}
    upstream = 0.0

    def entering() -> Iterator[Document]:
        nonlocal upstream
        source = iter(docs)
        while True:
            t0 = time.perf_counter()
            doc = next(source, None)
            upstream += time.perf_counter() - t0
            if doc is None:
                return
            before[id(doc)] = state_keys(doc)
            yield doc

    out = step.pipe(entering())
    while True:
        t0, pulled = time.perf_counter(), upstream
        doc = next(out, None)
        stats.seconds += time.perf_counter() - t0 - (upstream - pulled)
        if doc is None:
            return
        stats.documents += 1
        _ran(step, before.pop(id(doc), set()), doc)
        yield doc


def _ran(step: Component, before: set[str], doc: Document) -> None:
    """Record that `step` ran on `doc`, refusing it if it set a key it does not declare."""
    doc.components.append(step.name)
    if undeclared := state_keys(doc) - before - set(step.writes):
        raise PipelineError(Errors.E204(step=step.name, keys=sorted(undeclared), doc=doc.id))
