"""Corpus runs: shards with a marker, exactly-once after a real SIGKILL, bad documents in the errors files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from spinscope.config import load_settings
from spinscope.corpus.run import Job, run_corpus
from spinscope.corpus.shards import RunFolder
from spinscope.errors import CorpusError
from tests.conftest import run_cli

# Written by us: short invented articles, varied enough for the techniques head to find something now and then.
LINES = [
    "The Kiev regime lies again, and the MSM repeats every word of it.",
    "Who still believes them? Weapons sent abroad end up on the black market, a source said.",
    "The minister opened a new bridge on Monday; traffic is expected to ease by spring.",
    "Incompetent bureaucrats wasted our money once more, critics say, and nobody will pay for it.",
]


def write_corpus(folder: Path, n: int, paragraphs: int = 1) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n".join(f"{LINES[(i + k) % 4]} It happened in town number {i + k}." for k in range(paragraphs))
        text = f"Report {i}.\n\n{body}\n{LINES[(i + 1) % 4]}\n"
        (folder / f"doc{i:03d}.txt").write_text(text, encoding="utf-8")
    return [f"doc{i:03d}" for i in range(n)]


def shard_ids(out: Path) -> list[str]:
    files = [str(p) for p in RunFolder(out).shard_files()]
    return [row[0] for row in duckdb.sql(f"SELECT id FROM read_parquet({files!r})").fetchall()] if files else []


def job(inputs, out, **kwargs) -> Job:
    return Job([str(i) for i in inputs], out, load_settings(env={}), **kwargs)


def test_a_run_writes_shards_markers_errors_and_a_manifest(tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "in", 11)
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "in" / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    summary = run_corpus(job([tmp_path / "in"], tmp_path / "out", only=["language", "segment"], shard_size=4))
    assert summary.documents == 11 and summary.rejected == 2 and summary.shards == 3
    assert sorted(shard_ids(tmp_path / "out")) == sorted(ids)
    errors = [json.loads(line) for p in (tmp_path / "out" / "errors").glob("*.jsonl") for line in p.open()]
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in errors) == ["broken.txt", "empty.html"]
    assert all(e["message"].startswith("[E4") for e in errors)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {"documents": 11, "rejected": 2, "shards": 3, "clusters": summary.clusters}
    assert manifest["job"]["components"] == ["language", "segment"] and "techniques.model" not in manifest["job"]
    assert manifest["models"]["encoder.model"]["files"] > 0 and manifest["invocations"][0]["documents"] == 11
    assert list(manifest["steps"]) == ["language", "segment"]  # each step's documents and seconds, in order
    assert manifest["steps"]["segment"]["documents"] == 11 and manifest["steps"]["segment"]["seconds"] >= 0
    markers = [json.loads(p.read_text()) for p in (tmp_path / "out" / "done").glob("shard-*.json")]
    assert sorted(m["steps"]["language"]["documents"] for m in markers) == [3, 4, 4]
    table = duckdb.sql(f"SELECT * FROM read_parquet('{tmp_path}/out/shards/*.parquet')")
    assert {"id", "text", "techniques", "claims", "meta"} <= set(table.columns)
    sentences = duckdb.sql(
        f"SELECT id, s.start, s.end, s.text, text FROM read_parquet('{tmp_path}/out/shards/*.parquet'), "
        "unnest(sentences) AS u(s)"
    ).fetchall()
    assert sentences and all(text[a:b] == t for _, a, b, t, text in sentences)


def test_duplicate_ids_are_kept_and_flagged_also_after_a_resume(tmp_path: Path) -> None:
    for name in ("a", "b"):
        write_corpus(tmp_path / name, 3)
    inputs = [tmp_path / "a", tmp_path / "b"]
    run_corpus(job(inputs, tmp_path / "out", only=["language"], shard_size=2))
    rows = duckdb.sql(f"SELECT id, meta FROM read_parquet('{tmp_path}/out/shards/*.parquet') ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["doc000", "doc000", "doc001", "doc001", "doc002", "doc002"]
    assert sum(json.loads(meta).get("duplicate_id", False) for _, meta in rows) == 3


def test_another_job_in_the_same_folder_is_refused(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 3)
    run_corpus(job([tmp_path / "in"], tmp_path / "out", only=["language"], shard_size=2))
    with pytest.raises(CorpusError, match=r"\[E903\].*shard_size"):
        run_corpus(job([tmp_path / "in"], tmp_path / "out", only=["language"], shard_size=3))
    again = run_corpus(job([tmp_path / "in"], tmp_path / "out", only=["language"], shard_size=2))
    assert again.documents == 0 and again.skipped_shards == 2


def test_an_unwritable_output_folder_is_one_coded_error(tmp_path: Path, monkeypatch, capsys) -> None:
    write_corpus(tmp_path / "in", 2)
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "run", str(tmp_path / "in"), "--out", str(tmp_path / "file"))
    assert code == 2 and "[E901]" in err and "Traceback" not in err


def test_two_workers_write_the_same_documents(tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "in", 9)
    summary = run_corpus(job([tmp_path / "in"], tmp_path / "out", only=["language"], shard_size=2, workers=2))
    assert summary.documents == 9 and sorted(shard_ids(tmp_path / "out")) == ids
    pids = {json.loads(p.read_text())["pid"] for p in (tmp_path / "out" / "done").glob("*.json")}
    assert os.getpid() not in pids


def test_sigkill_at_any_moment_then_the_same_command_finishes_exactly_once(tmp_path: Path) -> None:
    ids = write_corpus(tmp_path / "in", 60, paragraphs=12)  # ~0.1 s each: the kills land mid-run
    out = tmp_path / "out"
    command = [sys.executable, "-m", "spinscope", "corpus", "run", str(tmp_path / "in"), "--out", str(out)]
    command += ["--shard-size", "3", "--only", "techniques"]
    env = {**os.environ, "SPINSCOPE_HOME": str(tmp_path / "home")}
    for delay in (0.0, 0.7):  # right after the first marker, and a little later, inside a shard
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        before = len(RunFolder(out).completed())
        deadline = time.time() + 120
        while len(RunFolder(out).completed()) <= before and proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    killed = len(RunFolder(out).completed())
    assert 0 < killed < 20
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert f"{killed} shard(s) already done" in finished.stderr
    got = shard_ids(out)
    assert sorted(got) == ids and len(got) == len(set(got)) == 60
    assert json.loads((out / "manifest.json").read_text())["counts"]["documents"] == 60


def test_the_ray_executor_writes_the_same_shards(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    ids = write_corpus(tmp_path / "in", 7)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        summary = run_corpus(
            job([tmp_path / "in"], tmp_path / "out", only=["language"], shard_size=2, workers=2, executor="ray")
        )
    finally:
        ray.shutdown()
    assert summary.documents == 7 and sorted(shard_ids(tmp_path / "out")) == ids
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["invocations"][0]["executor"] == "ray"


def test_syndicated_copies_form_a_cluster_that_starts_at_the_earliest(tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    words = [
        "state",
        "army",
        "bridge",
        "council",
        "money",
        "report",
        "minister",
        "election",
        "border",
        "winter",
        "energy",
        "price",
        "court",
    ]
    article = " ".join(rng.choice(words) + ("." if k % 11 == 10 else "") for k in range(220))
    rows = [("orig", "first.example", "2022-11-09", article)]
    rows += [
        (f"copy{i}", f"copy{i}.example", f"2022-11-1{i}", f"Read more at copy{i}.example\n{article}") for i in (1, 2)
    ]
    rows += [
        (f"other{i}", "first.example", "2022-11-09", " ".join(rng.choice(words) for _ in range(200))) for i in range(3)
    ]
    with (tmp_path / "items.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, outlet, day, text in rows:
            fh.write(json.dumps({"id": doc_id, "outlet": outlet, "date": day, "text": text}) + "\n")
    summary = run_corpus(job([tmp_path / "items.jsonl"], tmp_path / "out", only=["language"], shard_size=2))
    assert summary.clusters == 1
    members = duckdb.sql(f"SELECT member, earliest, kind FROM '{tmp_path}/out/clusters.parquet' ORDER BY 1").fetchall()
    assert members == [(m, "orig", "near-duplicate") for m in ("copy1", "copy2", "orig")]


def test_broken_and_mixed_inputs_keep_what_is_readable_and_list_the_rest(tmp_path: Path, monkeypatch, capsys) -> None:
    import csv
    import gzip
    import io

    from tests.readers.conftest import two_pages, write_mixed_encodings

    expected = write_mixed_encodings(tmp_path / "pages")  # .txt and .html in six encodings
    one, two = (gzip.compress(record) for record in two_pages())
    crawl, items, table = tmp_path / "crawl.warc.gz", tmp_path / "items.jsonl", tmp_path / "rows.csv.gz"
    crawl.write_bytes(one + two[: len(two) // 2])  # cut inside the second record's gzip member
    lines = [json.dumps({"id": f"j{i}", "text": text}).encode() for i, text in enumerate(LINES)]
    lines[1] = lines[1].replace(b"Weapons", b"W\xe9apons")  # a cp1252 byte in a UTF-8 file
    items.write_bytes(b"\n".join(lines) + b"\n")
    rows = io.StringIO()
    csv.writer(rows).writerows([("id", "text"), *((f"c{i}", f"{LINES[i % 4]} Row {i}.") for i in range(300))])
    packed = gzip.compress(rows.getvalue().encode())
    table.write_bytes(packed[: len(packed) // 2])
    args = [str(tmp_path / "pages"), str(crawl), str(items), str(table), "--out", str(tmp_path / "out")]
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "run", *args, "--only", "language", "--no-dedup")
    assert code == 0 and "3 rejected" in err and "Traceback" not in err
    stored = dict(duckdb.sql(f"SELECT source, text FROM read_parquet('{tmp_path}/out/shards/*.parquet')").fetchall())
    assert {Path(s).name: t for s, t in stored.items() if "/pages/" in s} == expected
    assert "https://x.example/one" in stored and "https://x.example/two" not in stored
    assert sorted(s for s in stored if s.startswith(str(items))) == [f"{items}:{n}" for n in (1, 3, 4)]
    assert 0 < sum(s.startswith(str(table)) for s in stored) < 300
    errors = [json.loads(line)["message"] for p in (tmp_path / "out" / "errors").glob("*.jsonl") for line in p.open()]
    assert sorted(m.split(":")[0] for m in errors) == sorted(f"[E406] {p}" for p in (crawl, items, table))
    assert any(m.startswith(f"[E406] {items}:2: malformed utf-8 text: byte 0xe9") for m in errors)
    assert sum(": malformed gzip: compressed stream broken after" in m for m in errors) == 2


def test_a_folder_of_word_files_and_mails_runs_with_one_document_each(tmp_path: Path) -> None:
    """A corpus folder may hold the new input kinds: a Word file, and an e-mail whose attachments are
    documents of their own; a broken one is an error of the run like any other."""
    from email.message import EmailMessage

    from tests import inputs

    folder = tmp_path / "in"
    write_corpus(folder, 2)
    docx_data, _ = inputs.docx_file("de")
    (folder / "entwurf.docx").write_bytes(docx_data)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Draft"
    message["Date"] = "Mon, 07 Dec 2026 09:00:00 +0000"
    message.set_content("Please see the draft attached.\n")
    message.add_attachment(docx_data, maintype="application", subtype="octet-stream", filename="draft.docx")
    (folder / "tip.eml").write_bytes(bytes(message))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    summary = run_corpus(job([folder], tmp_path / "out", only=["language", "segment"]))
    assert sorted(shard_ids(tmp_path / "out")) == ["doc000", "doc001", "entwurf", "tip", "tip:draft.docx"]
    assert summary.rejected == 1
