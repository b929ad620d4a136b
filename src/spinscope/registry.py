"""Name -> factory registries for readers, components and writers (plugins join by entry point)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, TypeVar

from .errors import Errors, RegistryError

F = TypeVar("F", bound=Callable[..., Any])


class Registry:
    """Name -> factory. Installed plugins join through the entry-point group of the same name: `get` loads
    the one it is asked for, `all` (and `names`) every one, once."""

    def __init__(self, group: str) -> None:
        self.group = group
        self._items: dict[str, Callable[..., Any]] = {}
        self._plugins_loaded = False

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
            known = ", ".join(self.names())
            raise RegistryError(Errors.E001(group=self.group, name=name, known=known))
        return self._items[name]

    def all(self) -> dict[str, Callable[..., Any]]:
        """Every factory in registration order (built-ins first), installed plugins included."""
        _populate()
        if not self._plugins_loaded:
            self._plugins_loaded = True
            for ep in entry_points(group=self.group):
                if ep.name not in self._items:
                    ep.load()
        return dict(self._items)

    def names(self) -> list[str]:
        return sorted(self.all())

    def __contains__(self, name: str) -> bool:
        return name in self.all()


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
