"""CLI output files: never one of the inputs (E604), written whole or not at all, failures one line (E605)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_cli

ARTICLE = "A headline\n\nThe regime lies again, as always.\n"
FAST = ("--only", "language", "-f", "jsonl")


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "in.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _one_line(err: str, code: str) -> None:
    assert f"[{code}]" in err and "Traceback" not in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1


def _commands(article: Path, spans: Path) -> dict[str, list[str]]:
    return {
        "analyze": ["analyze", str(article), *FAST],
        "classify-spans": ["classify-spans", str(article), str(spans)],
        "dedup": ["dedup", str(article), "--no-translations"],
    }


@pytest.mark.parametrize("command", ["analyze", "classify-spans", "dedup"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(monkeypatch, capsys, tmp_path, article, command):
    spans = tmp_path / "spans.txt"
    spans.write_text("in\t2\t10\n", encoding="utf-8")
    args = _commands(article, spans)[command]
    for same in (article, tmp_path / "." / "in.txt", spans if command == "classify-spans" else article):
        code, out, err = run_cli(monkeypatch, capsys, *args, "-o", str(same))
        assert code == 2 and out == ""
        _one_line(err, "E604")
    assert article.read_text(encoding="utf-8") == ARTICLE
    assert spans.read_text(encoding="utf-8") == "in\t2\t10\n"


def test_an_output_inside_an_input_folder_is_fine(monkeypatch, capsys, tmp_path, article) -> None:
    target = tmp_path / "out.jsonl"
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(tmp_path), *FAST, "-o", str(target))
    assert code == 0, err
    assert [json.loads(line)["id"] for line in target.read_text(encoding="utf-8").splitlines()] == ["in"]


def test_an_output_is_written_whole_with_the_usual_permissions(monkeypatch, capsys, tmp_path, article) -> None:
    target = tmp_path / "out" / "r.jsonl"
    target.parent.mkdir()
    old_umask = os.umask(0o022)
    try:
        code, _, _ = run_cli(monkeypatch, capsys, "analyze", str(article), *FAST, "-o", str(target))
    finally:
        os.umask(old_umask)
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["text"] == ARTICLE
    assert _names(target.parent) == ["r.jsonl"]  # no temporary file left
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_failed_run_leaves_an_existing_output_untouched(monkeypatch, capsys, tmp_path, article) -> None:
    import spinscope.cli.analyze as cli_analyze
    from spinscope.runner import read_inputs

    target = tmp_path / "out.jsonl"
    target.write_text("earlier results\n", encoding="utf-8")

    def half_then_crash(inputs, pipeline, sink, on_reject, settings):
        def docs():
            yield from read_inputs(inputs, settings, on_reject)
            raise RuntimeError("boom")

        sink(docs())

    monkeypatch.setattr(cli_analyze, "process", half_then_crash)
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(article), *FAST, "-o", str(target))
    assert code == 3 and "boom" in err
    assert target.read_text(encoding="utf-8") == "earlier results\n"
    assert _names(tmp_path) == ["in.txt", "out.jsonl"]


@pytest.mark.parametrize("command", ["analyze", "classify-spans", "dedup"])
def test_an_output_in_a_missing_folder_or_onto_a_folder_is_e605(monkeypatch, capsys, tmp_path, article, command):
    spans = tmp_path / "spans.txt"
    spans.write_text("in\t2\t10\n", encoding="utf-8")
    args = _commands(article, spans)[command]
    (tmp_path / "folder").mkdir()
    for target in (tmp_path / "nosuch" / "out.txt", tmp_path / "folder"):
        code, out, err = run_cli(monkeypatch, capsys, *args, "-o", str(target))
        assert code == 2 and out == ""
        _one_line(err, "E605")
        assert str(target) in err
    assert not (tmp_path / "nosuch").exists() and _names(tmp_path / "folder") == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("command", ["analyze", "classify-spans", "dedup"])
def test_a_full_device_is_e605(monkeypatch, capsys, tmp_path, article, command) -> None:
    spans = tmp_path / "spans.txt"
    spans.write_text("in\t2\t10\n", encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARTICLE, encoding="utf-8")  # dedup prints only clusters: give it one
    args = _commands(article, spans)[command]
    if command == "dedup":
        args = [*args[:2], str(tmp_path / "copy.txt"), *args[2:]]
    code, _, err = run_cli(monkeypatch, capsys, *args, "-o", "/dev/full")
    assert code == 2
    _one_line(err, "E605")
    assert "/dev/full" in err and "No space left on device" in err


def test_a_device_output_is_written_in_place(monkeypatch, capsys, article) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(article), *FAST, "-o", os.devnull)
    assert code == 0, err


def test_a_read_only_location_is_e605_and_keeps_the_old_output(monkeypatch, capsys, tmp_path, article) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("earlier results\n", encoding="utf-8")

    def refuse(src, dst):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    code, _, err = run_cli(monkeypatch, capsys, "analyze", str(article), *FAST, "-o", str(target))
    assert code == 2
    _one_line(err, "E605")
    assert "Read-only file system" in err
    assert target.read_text(encoding="utf-8") == "earlier results\n"
    assert _names(tmp_path) == ["in.txt", "out.jsonl"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o555 folder")
def test_an_unwritable_folder_is_e605(monkeypatch, capsys, tmp_path, article) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        code, _, err = run_cli(monkeypatch, capsys, "analyze", str(article), *FAST, "-o", str(locked / "out.jsonl"))
    finally:
        locked.chmod(0o755)
    assert code == 2
    _one_line(err, "E605")
    assert "Permission denied" in err
