"""`spinscope classify-spans` end to end: every given span is labelled; unreadable articles are reported."""

from __future__ import annotations

from spinscope.labels import PTC14, TECHNIQUES
from tests.cli.test_analyze import run

ARTICLE = "A headline\n\nThe corrupt regime lies again. Who can still believe a word they say?\n"


def _articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "article1.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "article2.txt").write_bytes(b"\x00\x01\x02binary, not an article\xff\xfe")
    spans = tmp_path / "spans.txt"
    start = ARTICLE.index("corrupt regime")
    question = ARTICLE.index("Who")
    spans.write_text(f"1\t{start}\t{start + 14}\n1\t{question}\t{len(ARTICLE) - 1}\n2\t0\t5\n", encoding="utf-8")
    return folder, spans


def test_spans_are_labelled_in_input_order(monkeypatch, capsys, tmp_path) -> None:
    folder, spans = _articles(tmp_path)
    code, out, err = run(monkeypatch, capsys, "classify-spans", str(folder), str(spans), "--labels", "ptc14")
    rows = [line.split("\t") for line in out.splitlines()]
    start, question = ARTICLE.index("corrupt regime"), ARTICLE.index("Who")
    assert [(r[0], int(r[2]), int(r[3])) for r in rows] == [("1", start, start + 14), ("1", question, len(ARTICLE) - 1)]
    assert all(r[1] in PTC14 for r in rows)
    assert code == 1 and "article2.txt" in err and "[E403]" in err  # reported and skipped, not dropped silently


def test_semeval23_labels_by_default(monkeypatch, capsys, tmp_path) -> None:
    folder, spans = _articles(tmp_path)
    (folder / "article2.txt").unlink()
    code, out, _ = run(monkeypatch, capsys, "classify-spans", str(folder), str(spans))
    assert code == 0 and all(line.split("\t")[1] in TECHNIQUES for line in out.splitlines())
