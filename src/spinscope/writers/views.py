"""How record fields are shown: a View per field name, registered by the module that draws it.

The data contract (`pipeline.base.Field`) says what a field holds; its View says how the reports show it:
`terminal(record, view)` a rich renderable and `html(record)` an HTML fragment ("" when there is nothing to
show: the report then shows a panel headed `title` that says so, or that the component was off); `summary(record)`
a short phrase for the closing counts line; `marks(record)` the stretches of text a report row highlights when
clicked (dicts with `start`, `end` and the row's key in `actor`), and `targets(record)` the technique spans
aimed at a row ((technique, start, end), key). Built-in views are registered in `writers.sections`; a plugin
registers its own from its module: `views.register("long_words", View(...))`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Errors, RegistryError

Record = Mapping[str, Any]


@dataclass(frozen=True)
class View:
    """The report sections and highlights of one record field."""

    terminal: Callable[[Record, Any], Any] | None = None
    html: Callable[[Record], str] | None = None
    title: str = ""
    summary: Callable[[Record], str | None] | None = None
    marks: Callable[[Record], Iterable[Mapping[str, Any]]] | None = None
    targets: Callable[[Record], Iterable[tuple[tuple[str, int, int], str]]] | None = None


class Views:
    """Field name -> View."""

    def __init__(self) -> None:
        self._items: dict[str, View] = {}

    def register(self, field: str, view: View) -> View:
        if self._items.setdefault(field, view) is not view:
            raise RegistryError(Errors.E002(group="spinscope.views", name=field))
        return view

    def get(self, field: str) -> View:
        """The field's view; an empty one (nothing shown) when none is registered."""
        return self._items.get(field, NOTHING)


NOTHING = View()
views = Views()
