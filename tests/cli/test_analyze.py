"""The analyze command end to end, in process: outputs, batch reporting, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spinscope.schema import validate
from tests.conftest import EXAMPLE, run_cli

run = run_cli


def test_example_json_validates_against_schema(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "-f", "json")
    assert code == 0
    record = json.loads(out)
    validate(record)
    assert record["text"] == EXAMPLE.read_text(encoding="utf-8")
    assert record["date"] == "2025-03-14"
    assert record["language"] == "en"
    assert record["paragraphs"] and all(p["line"] >= 2 for p in record["paragraphs"])


def test_example_text_report(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE))
    assert code == 0
    assert "Who Really Pays for the Endless War?" in out


def test_example_shows_claims_with_speakers_and_an_actor_table(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE))
    assert code == 0
    assert "Check-worthy claims (" in out and "Who says it" in out and "vague: Insiders (Insiders say)" in out
    assert "Actors (" in out and "Government of Ukraine" in out and "Techniques aimed at it" in out


def test_all_claims_lists_every_sentence(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "-f", "json", "--all-claims")
    record = json.loads(out)
    assert code == 0 and len(record["claims"]) == len(record["sentences"]) > 20
    assert [c["start"] for c in record["claims"]] == sorted(c["start"] for c in record["claims"])


def test_html_report_is_self_contained(monkeypatch, capsys, tmp_path) -> None:
    target = tmp_path / "r.html"
    code, _, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "-f", "html", "-o", str(target))
    html = target.read_text(encoding="utf-8")
    assert code == 0 and html.startswith("<!DOCTYPE html>")
    assert "<script src=" not in html and "<link " not in html
    assert 'class="actor"' in html and 'class="ment" data-a=' in html and "Check-worthy claims" in html


def test_missing_file_is_one_line_error(monkeypatch, capsys, tmp_path) -> None:
    code, out, err = run(monkeypatch, capsys, "analyze", str(tmp_path / "nosuch.txt"))
    assert code == 1
    assert out == ""
    assert "[E401]" in err and "nosuch.txt" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_batch_skips_bad_inputs_and_lists_them(monkeypatch, capsys, tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A headline\n\nThe regime lies again, as always.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    args = ["analyze", str(good), str(empty), str(binary), str(tmp_path / "gone.txt"), "-f", "jsonl"]
    code, out, err = run(monkeypatch, capsys, *args)
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["good"]
    assert "3 input(s) skipped, 1 analysed" in err
    for code_ in ("[E404]", "[E403]", "[E401]"):
        assert code_ in err
    assert "Traceback" not in err


def test_size_limit_flag(monkeypatch, capsys) -> None:
    code, _, err = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "--max-chars", "100")
    assert code == 1 and "[E405]" in err


def test_unknown_format_and_component_are_usage_errors(monkeypatch, capsys) -> None:
    code, _, err = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "-f", "pdf")
    assert code == 2 and "[E602]" in err
    code, _, err = run(monkeypatch, capsys, "analyze", str(EXAMPLE), "--skip", "nosuch")
    assert code == 2 and "[E203]" in err


def test_skip_leaves_empty_lists(monkeypatch, capsys) -> None:
    code, out, _ = run(
        monkeypatch,
        capsys,
        "analyze",
        str(EXAMPLE),
        "-f",
        "json",
        "--skip",
        "segment",
        "--skip",
        "paragraph_labels",
    )
    record = json.loads(out)
    assert code == 0 and record["sentences"] == [] and record["paragraphs"] == []
    validate(record)


def test_semeval_paragraph_output(monkeypatch, capsys, tmp_path) -> None:
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "article7.txt").write_text("Title line\n\nFirst paragraph here.\n", encoding="utf-8")
    code, out, _ = run(monkeypatch, capsys, "analyze", str(folder), "-f", "semeval-paragraphs", "--skip", "encoder")
    assert code == 0
    assert out.splitlines() == ["7\t1\t", "7\t3\t"]


def test_html_example_is_read(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, "analyze", str(EXAMPLE.with_suffix(".html")), "-f", "json")
    record = json.loads(out)
    assert code == 0
    assert record["title"].startswith("Grain deal collapse")
    assert "grain corridor is finished" in record["text"]
    validate(record)


def test_format_help_lists_every_registered_writer() -> None:
    import inspect

    from spinscope.cli.analyze import analyze_command
    from spinscope.registry import writers

    option = inspect.signature(analyze_command).parameters["fmt"].default
    assert sorted(option.help.split("|")) == writers.names()


def test_a_truncated_warc_gz_gives_its_pages_before_the_cut_and_one_error(monkeypatch, capsys, tmp_path) -> None:
    import gzip

    from tests.readers.conftest import two_pages

    one, two = (gzip.compress(record) for record in two_pages())
    crawl = tmp_path / "crawl.warc.gz"
    crawl.write_bytes(one + two[: len(two) // 2])
    code, out, err = run(monkeypatch, capsys, "analyze", str(crawl), "-f", "jsonl", "--only", "language")
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["urn:uuid:one"]
    assert f"[E406] {crawl}: malformed gzip: compressed stream broken after 1 record(s)" in err
    assert "1 input(s) skipped, 1 analysed" in err and "Traceback" not in err


def test_a_fifo_among_inputs_is_skipped_not_waited_on(tmp_path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A headline\n\nThe regime lies again, as always.\n", encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "spinscope", "analyze", str(fifo), str(good), "-f", "jsonl", "--only", "language"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail("spinscope waited on the FIFO")
    assert done.returncode == 1
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == ["good"]
    assert f"[E416] {fifo}: " in done.stderr and "1 input(s) skipped, 1 analysed" in done.stderr
