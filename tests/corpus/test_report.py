"""corpus report: self-contained HTML with plots, Markdown with SVG files, CSV tables, period filters."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from spinscope.config import load_settings
from spinscope.corpus.report import build_report
from spinscope.corpus.run import Job, run_corpus
from tests.conftest import run_cli

from .test_run import LINES


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report")
    with (root / "items.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(24):
            text = f"Report {i}.\n\n{LINES[i % 4]} {LINES[(i + 1) % 4]} {LINES[(i + 3) % 4]}"
            outlet = ("alpha.example", "beta.example", "gamma.example")[i % 3]
            fh.write(
                json.dumps({"id": f"r{i}", "outlet": outlet, "date": f"2022-{1 + i % 4:02d}-1{i % 9}", "text": text})
            )
            fh.write("\n")
    run_corpus(Job([str(root / "items.jsonl")], root / "out", load_settings(env={}), skip=["matching"], shard_size=10))
    return root / "out"


def test_sections_count_by_outlet_and_over_time(run_dir: Path) -> None:
    sections = {s.slug: s for s in build_report(run_dir)}
    assert sections["corpus"].rows and {r[0] for r in sections["corpus"].rows} == {
        "alpha.example",
        "beta.example",
        "gamma.example",
    }
    assert sum(r[1] for r in sections["corpus"].rows) == 24
    over_time = sections["techniques-over-time"]
    assert over_time.svg.startswith("<svg") and all(0 <= r[2] <= 1 for r in over_time.rows)
    assert {r[0] for r in sections["techniques-by-group"].rows} == {"alpha.example", "beta.example", "gamma.example"}
    clusters = sections["clusters"]  # these short articles share most of their lines: near-duplicates
    assert clusters.rows and all(r[1] == "near-duplicate" and r[2] >= 2 for r in clusters.rows)
    assert sum(r[2] for r in clusters.rows) <= 24
    cast = sections["roles-over-time"], sections["roles-by-group"]  # Kiev regime, the MSM, ...: cast by month, outlet
    assert all(s.rows and s.svg.startswith("<svg") for s in cast)
    assert all(abs(sum(r[2:5]) - 1) < 0.01 and r[5] > 0 for s in cast for r in s.rows)
    assert {r[0] for r in cast[1].rows} <= {"alpha.example", "beta.example", "gamma.example"}
    steps = {r[0]: r for r in sections["steps"].rows}  # from the manifest: where the time went
    assert steps["encoder"][1] == 24 and steps["encoder"][2] > 0 and "matching" not in steps
    assert abs(sum(r[4] for r in steps.values()) - 1) < 0.01
    march = {s.slug: s for s in build_report(run_dir, "language", since="2022-03-01", until="2022-03-31")}
    assert sum(r[1] for r in march["corpus"].rows) == 6


def test_html_is_self_contained_md_links_its_plots_and_tables_are_csv(run_dir: Path, tmp_path, monkeypatch, capsys):
    page = tmp_path / "report.html"
    code, _, err = run_cli(
        monkeypatch, capsys, "corpus", "report", str(run_dir), "-o", str(page), "--tables", str(tmp_path / "t")
    )
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") >= 4 and not re.search(r"(src|href)=['\"]?https?:", text)
    with (tmp_path / "t" / "techniques-by-group.csv").open(encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == ["outlet", "technique", "share of documents"]
    md = tmp_path / "report.md"
    code, _, _ = run_cli(
        monkeypatch, capsys, "corpus", "report", str(run_dir), "-o", str(md), "-f", "md", "--by", "language"
    )
    linked = re.findall(r"\]\((report-plots/[^)]+\.svg)\)", md.read_text(encoding="utf-8"))
    assert code == 0 and linked and all((tmp_path / link).is_file() for link in linked)


def test_bad_options_are_one_line_errors(run_dir: Path, tmp_path, monkeypatch, capsys) -> None:
    out = str(tmp_path / "r.html")
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "report", str(run_dir), "-o", out, "--by", "colour")
    assert code == 2 and "[E504]" in err
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "report", str(run_dir), "-o", out, "--since", "2022-13-01")
    assert code == 2 and "[E905]" in err


def test_labels_with_dollar_signs_are_drawn_as_plain_text(tmp_path, monkeypatch, capsys) -> None:
    import matplotlib

    items = tmp_path / "items.jsonl"
    outlets = (r"$\badcommand{x}$", "$x^2$")
    lines = [
        json.dumps({"id": f"m{i}", "outlet": outlets[i % 2], "date": f"2022-01-1{i}", "text": LINES[i % 4]})
        for i in range(6)
    ]
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run_corpus(Job([str(items)], out, load_settings(env={}), skip=["matching"], shard_size=10))
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "report", str(out), "-o", str(tmp_path / "r.html"))
    assert code == 0, err
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text as <text> elements, mathtext as glyph pieces
        by_outlet = {s.slug: s for s in build_report(out)}["techniques-by-group"]
    assert by_outlet.rows and ">$x^2$</text>" in by_outlet.svg and r">$\badcommand{x}$</text>" in by_outlet.svg
