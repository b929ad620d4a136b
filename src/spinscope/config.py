"""Layered settings: packaged defaults -> user TOML -> SPINSCOPE_* env -> --set overrides.

The defaults (defaults.toml, plus the `default_config` of every plugin component) name every setting there
is: a key they do not know is a coded error that suggests the nearest known key, never a silent new one.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from .errors import ConfigError, Errors, Warnings
from .labels import SCHEMES

USER_FILE = "spinscope.toml"
ENV_PREFIX = "SPINSCOPE_"


def _merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _parse_value(raw: str) -> Any:
    """JSON when it parses (numbers, lists, booleans), else the plain string, like spaCy's overrides."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


def _set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = tree
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ConfigError(Errors.E502(item=dotted))
    node[leaf] = value


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(Errors.E501(path=path, detail=exc.strerror or str(exc))) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(Errors.E501(path=path, detail=str(exc))) from exc


def suggestion(name: str, known: Iterable[str]) -> str:
    """' (did you mean ...?)' naming the known name nearest to `name`, or '' when none is near."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def defaults() -> dict[str, Any]:
    """defaults.toml with the `default_config` of every registered component it does not list (plugins)."""
    from .registry import components

    tree = tomllib.loads(files("spinscope").joinpath("defaults.toml").read_text(encoding="utf-8"))
    for name, factory in components.all().items():
        tree["components"].setdefault(name, copy.deepcopy(dict(getattr(factory, "default_config", {}))))
    return tree


def _open_tables() -> set[str]:
    """Settings tables whose keys are names (technique names, say) that their component checks itself."""
    from .registry import components

    return {
        f"components.{name}.{table}"
        for name, factory in components.all().items()
        for table in getattr(factory, "open_config", ())
    }


def check_known(tree: Mapping[str, Any], known: Mapping[str, Any], open_tables: set[str], prefix: str = "") -> None:
    """Raise E503 for a key of `tree` that `known` does not have, E505 for a table set to a value (or back)."""
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if key not in known:
            raise ConfigError(Errors.E503(key=dotted, hint=suggestion(dotted, (f"{prefix}{k}" for k in known))))
        if isinstance(known[key], dict) != isinstance(value, dict):
            raise ConfigError(Errors.E505(key=dotted, kind="a table" if isinstance(known[key], dict) else "a value"))
        if isinstance(value, dict) and dotted not in open_tables:
            check_known(value, known[key], open_tables, f"{dotted}.")
        elif not isinstance(value, dict) and (kind := _wrong_type(value, known[key])):
            raise ConfigError(Errors.E505(key=dotted, kind=f"{kind}, not {value!r}"))
        elif dotted in CHOICES:
            check_choice(dotted, value, CHOICES[dotted])


def check_choice(key: str, value: Any, choices: Iterable[str]) -> None:
    """E505 unless `value` is one of `choices`."""
    if value not in (choices := tuple(choices)):
        raise ConfigError(Errors.E505(key=key, kind=f"one of {', '.join(choices)}, not {value!r}"))


def _wrong_type(value: Any, default: Any) -> str | None:
    """What a setting must be when `value` is not of its default's type (a number where the default is a float
    may be an integer), else None."""
    for kind, name, accepts in _TYPES:
        if isinstance(default, kind):
            return None if isinstance(value, accepts) and not (kind is not bool and isinstance(value, bool)) else name
    return None


CHOICES = {"components.techniques.labels": SCHEMES}  # settings with a fixed set of values
_TYPES = (  # bool before int: True is an int to Python
    (bool, "true or false", bool),
    (int, "an integer", int),
    (float, "a number", (int, float)),
    (str, "a string", str),
    (list, "a list", list),
)


def _check_warning_codes(codes: Iterable[str]) -> None:
    known = [w.name for w in Warnings]
    for code in codes:
        if code not in known:
            hint = suggestion(code, known)
            raise ConfigError(Errors.E504(key="warnings.ignore", what="warning code", name=code, hint=hint))


def load_settings(
    config: str | Path | None = None,
    overrides: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the settings tree for one run. `overrides` are `section.key=value` strings."""
    known = defaults()
    settings = copy.deepcopy(known)
    if config is not None:
        _merge(settings, read_toml(Path(config)))
    elif Path(USER_FILE).is_file():
        _merge(settings, read_toml(Path(USER_FILE)))
    for key, raw in sorted((os.environ if env is None else env).items()):
        if key.startswith(ENV_PREFIX) and "__" in key:
            dotted = key[len(ENV_PREFIX) :].lower().replace("__", ".")
            _set_dotted(settings, dotted, _parse_value(raw))
    for item in overrides:
        dotted, sep, raw = item.partition("=")
        if not sep or not dotted.strip():
            raise ConfigError(Errors.E502(item=item))
        _set_dotted(settings, dotted.strip(), _parse_value(raw.strip()))
    check_known(settings, known, _open_tables())
    _check_warning_codes(settings["warnings"]["ignore"])
    return settings
