"""Shipped model folders (ONNX int8 + labels + thresholds + model card), found by name or path."""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent


def model_path(name_or_path: str) -> Path:
    """A bare name means a folder shipped in this package; anything with a separator is a path."""
    candidate = Path(name_or_path)
    if candidate.is_absolute() or len(candidate.parts) > 1:
        return candidate
    return MODELS_DIR / name_or_path
