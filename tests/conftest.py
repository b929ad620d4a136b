"""Shared fixtures: the repository root, the shared data folder and invented texts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SPINSCOPE_DATA", REPO.parent / "shared" / "data"))
EXAMPLE = REPO / "examples" / "article.txt"


# Real-data tests skip on a laptop without ../shared/data, never in CI.
needs_data = pytest.mark.skipif(not DATA.is_dir() and not os.environ.get("CI"), reason="shared data absent")


@pytest.fixture
def settings() -> dict:
    from spinscope.config import load_settings

    return load_settings(env={})


def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`spinscope ARGS` in process: (exit code, stdout, stderr)."""
    from spinscope.cli.app import main

    monkeypatch.setattr(sys, "argv", ["spinscope", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
