"""Import optional packages on demand, naming the extra that provides them."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import Errors, MissingDependency

_EXTRA = {
    "torch": "train",
    "transformers": "train",
    "onnx": "train",
    "sklearn": "dev",
    "ray": "ray",
    "fastapi": "web",
    "uvicorn": "web",
    "stix2": "interop",
    "pymisp": "interop",
    "pyld": "interop",
}


def require(module: str, *, feature: str) -> ModuleType:
    """Import `module` or raise one clear error that names the pip extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = _EXTRA.get(module, "all")
        raise MissingDependency(Errors.E301(feature=feature, module=module, extra=extra)) from exc
