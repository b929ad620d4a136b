"""corpus query: the documented views over the finished shards, three output formats, coded errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from spinscope.config import load_settings
from spinscope.corpus.query import run_query, views
from spinscope.corpus.run import Job, run_corpus
from tests.conftest import run_cli

from .test_run import write_corpus


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "in", 6, paragraphs=2)
    (root / "in" / "page.html").write_text(
        "<html><head><meta property='og:site_name' content='Daily Invented'></head><body><article><h1>Bridge opens"
        "</h1><p>The minister opened a new bridge on Monday; traffic is expected to ease by spring, officials said."
        " Critics called the project a waste of public money and a gift to friends of the mayor.</p></article>"
        "</body></html>",
        encoding="utf-8",
    )
    settings = load_settings(env={})
    run_corpus(Job([str(root / "in")], root / "out", settings, skip=["matching"], shard_size=3))
    return root / "out"


def test_every_view_answers_and_item_views_carry_document_columns(run_dir: Path) -> None:
    for view in [*views(), "clusters"]:
        columns, _ = run_query(run_dir, f"SELECT * FROM {view} LIMIT 1")
        if view not in ("base", "documents", "clusters"):
            assert columns[:4] == ["id", "outlet", "language", "day"], view
    _, rows = run_query(run_dir, "SELECT count(*), count(DISTINCT id) FROM documents")
    assert rows == [(7, 7)]
    _, rows = run_query(run_dir, "SELECT outlet FROM documents WHERE id = 'page'")
    assert rows == [("Daily Invented",)]
    _, rows = run_query(run_dir, "SELECT count(*) FROM claims WHERE checkworthiness BETWEEN 0 AND 1")
    assert rows[0][0] > 0
    _, rows = run_query(
        run_dir, 'SELECT d.text[t.start + 1 : t."end"] = t.text FROM techniques t JOIN base d USING (id)'
    )
    assert all(ok for (ok,) in rows)


def test_the_roles_view_lists_how_each_actor_is_cast(run_dir: Path) -> None:
    _, rows = run_query(run_dir, "SELECT actor, main_role, fine_role, fine_roles FROM roles")
    assert rows and all(main in ("Protagonist", "Antagonist", "Innocent") for _, main, _, _ in rows)
    assert all(fine == roles[0] for _, _, fine, roles in rows)
    _, joined = run_query(run_dir, "SELECT count(*) FROM roles r JOIN entities e ON e.id = r.id AND e.name = r.actor")
    assert joined[0][0] == len(rows)


def test_the_cli_prints_table_csv_and_json_and_refuses_bad_sql(run_dir: Path, monkeypatch, capsys) -> None:
    sql = "SELECT id, n_claims FROM documents ORDER BY id"
    code, out, _ = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), sql, "-f", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)][:2] == ["doc000", "doc001"]
    code, out, _ = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), sql, "-f", "csv")
    assert code == 0 and out.splitlines()[0] == "id,n_claims" and len(out.splitlines()) == 8
    code, out, _ = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), sql)
    assert code == 0 and "doc000" in out
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir), "SELEC 1")
    assert code == 2 and "[E905]" in err and "Traceback" not in err
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "query", str(run_dir.parent), "SELECT 1")
    assert code == 2 and "[E906]" in err


def test_a_sandboxed_query_reads_the_views_and_nothing_else(run_dir: Path, tmp_path: Path) -> None:
    from spinscope.errors import CorpusError

    _, rows = run_query(run_dir, "SELECT count(*) FROM documents")
    assert rows == [(7,)]
    outside = tmp_path / "secret.csv"
    outside.write_text("a\n1\n", encoding="utf-8")
    for sql in (
        f"SELECT * FROM read_csv('{outside}')",
        f"COPY (SELECT 1) TO '{run_dir / 'x.csv'}'",
        "SELECT 1; SELECT 2",
        "SET enable_external_access = true",
    ):
        with pytest.raises(CorpusError, match=r"^\[E905\]"):
            run_query(run_dir, sql)
    assert not (run_dir / "x.csv").exists()


def test_shards_from_before_roles_give_an_empty_roles_view(run_dir: Path, tmp_path: Path) -> None:
    """A run whose shards were written before schema 1.6 (actors without `roles`) still opens: `roles` is empty."""
    import duckdb

    old = tmp_path / "old"
    shutil.copytree(run_dir, old)
    fields = ", ".join(f"{k} := e.{k}" for k in ("name", "type", "aliases", "mentions", "targeted_by", "claims"))
    for shard in old.rglob("*.parquet"):
        if "entities" not in [r[0] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{shard}')").fetchall()]:
            continue
        duckdb.sql(
            f"COPY (SELECT * REPLACE (list_transform(entities, lambda e: struct_pack({fields})) AS entities) "
            f"FROM read_parquet('{shard}')) TO '{shard}.new' (FORMAT parquet)"
        )
        Path(f"{shard}.new").replace(shard)
    columns, rows = run_query(old, "SELECT * FROM roles")
    assert rows == [] and columns[:5] == ["id", "outlet", "language", "day", "actor"]
    assert run_query(old, "SELECT count(*) FROM entities")[1][0][0] > 0


def test_export_writes_the_run_or_the_documents_a_condition_picks(run_dir: Path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "all.jsonl"
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "export", str(run_dir), "-f", "jsonl", "-o", str(out))
    assert code == 0, err
    exported = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    _, rows = run_query(run_dir, "SELECT id, n_techniques FROM documents ORDER BY id")
    assert [(r["id"], len(r["techniques"])) for r in sorted(exported, key=lambda r: r["id"])] == rows
    assert all(r["text"][t["start"] : t["end"]] == t["text"] for r in exported for t in r["techniques"])
    assert all(isinstance(r["meta"], dict) for r in exported)  # stored as JSON strings, read back as objects
    pytest.importorskip("stix2validator")
    from stix2validator import validate_string

    stix = tmp_path / "page.stix.json"
    where = ["--where", "id = 'page'"]
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "export", str(run_dir), "-f", "stix", "-o", str(stix), *where)
    assert code == 0, err
    bundle = json.loads(stix.read_text(encoding="utf-8"))
    assert [o["x_spinscope_id"] for o in bundle["objects"] if o["type"] == "report"] == ["page"]
    assert validate_string(json.dumps(bundle)).is_valid
    code, _, err = run_cli(monkeypatch, capsys, "corpus", "export", str(run_dir), "-f", "html")
    assert code == 2 and "[E602]" in err
