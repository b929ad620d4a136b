"""Layered settings: packaged defaults -> user TOML -> SPINSCOPE_* env -> --set overrides."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from collections.abc import Iterable, Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from .errors import ConfigError, Errors

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


def load_settings(
    config: str | Path | None = None,
    overrides: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the settings tree for one run. `overrides` are `section.key=value` strings."""
    settings = tomllib.loads(files("spinscope").joinpath("defaults.toml").read_text(encoding="utf-8"))
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
    return settings
