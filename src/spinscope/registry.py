"""Name -> factory registries for readers, components, writers and scorers (plugins join by entry point)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeVar

from .errors import Errors, RegistryError

F = TypeVar("F", bound=Callable[..., Any])


class Registry:
    """Name -> factory. Installed plugins join through the entry-point group of the same name."""

    def __init__(self, group: str) -> None:
        self.group = group
        self._items: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[F], F]:
        def add(factory: F) -> F:
            if self._items.setdefault(name, factory) is not factory:
                raise RegistryError(Errors.E002(group=self.group, name=name))
            return factory

        return add

    def get(self, name: str) -> Callable[..., Any]:
        _populate()
        if name not in self._items:  # importing a plugin runs its @register
            for ep in entry_points(group=self.group, name=name):
                ep.load()
        if name not in self._items:
            known = ", ".join(sorted(self._items))
            raise RegistryError(Errors.E001(group=self.group, name=name, known=known))
        return self._items[name]

    def names(self) -> list[str]:
        _populate()
        return sorted(self._items)

    def __contains__(self, name: str) -> bool:
        _populate()
        return name in self._items


readers = Registry("spinscope.readers")
components = Registry("spinscope.components")
writers = Registry("spinscope.writers")

_populated = False


def _populate() -> None:
    """Import the built-in modules once, so their @register decorators run (avoids import cycles)."""
    global _populated
    if _populated:
        return
    _populated = True
    from . import pipeline, readers, writers  # noqa: F401
