"""Reading and writing the official span and paragraph formats, on small invented files."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import FormatError
from spinscope.eval.formats import (
    ParagraphRecord,
    SpanRecord,
    article_id_from_name,
    read_paragraphs,
    read_spans,
    to_dataset_lang,
    to_iso,
    write_paragraphs,
    write_spans,
)
from spinscope.eval.labels import read_label_list


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_read_spans_four_columns_with_commas_and_crlf(tmp_path):
    f = write(tmp_path / "g.txt", "7\tExaggeration,Minimisation\t3\t9\r\n\r\n7\tDoubt\t10\t12\r\n")
    assert read_spans(f) == [
        SpanRecord("7", "Exaggeration,Minimisation", 3, 9),
        SpanRecord("7", "Doubt", 10, 12),
    ]


def test_read_spans_technique_agnostic(tmp_path):
    f = write(tmp_path / "article7.task-si.labels", "7\t3\t9\n")
    assert read_spans(f) == [SpanRecord("7", None, 3, 9)]


def test_read_spans_from_a_folder_of_article_files(tmp_path):
    write(tmp_path / "article2-labels-subtask-3.txt", "2\tDoubt\t0\t4\n")
    write(tmp_path / "article1-labels-subtask-3.txt", "1\tSlogans\t5\t8\n")
    write(tmp_path / "article3-labels-subtask-3.txt", "")  # an article without spans
    write(tmp_path / "notes.md", "not a label file\n")
    assert [r.article_id for r in read_spans(tmp_path)] == ["1", "2"]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("1\tDoubt\t0\t4\n1\t0\n", "found 2"),
        ("1\tDoubt\tzero\t4\n", "start 'zero'"),
        ("1\tDoubt\t-1\t4\n", "start '-1'"),
        ("1\tDoubt\t4\t4\n", "not before end"),
        ("1\tDoubt\t0\t4\n1\t0\t4\n", "columns where earlier rows had 4 (3- and 4-column rows mix)"),
        ("1\t\t0\t4\n", "empty technique"),
    ],
)
def test_malformed_span_lines_raise_format_error(tmp_path, text, detail):
    f = write(tmp_path / "bad.txt", text)
    with pytest.raises(FormatError, match=r"\[E601\]") as info:
        read_spans(f)
    assert detail in str(info.value)
    assert str(f) in str(info.value)


def test_span_line_numbers_count_blank_lines(tmp_path):
    f = write(tmp_path / "bad.txt", "1\tDoubt\t0\t4\n\n1\tDoubt\tx\t4\n")
    with pytest.raises(FormatError, match="line 3"):
        read_spans(f)


def test_unknown_label_is_an_error_with_a_label_list(tmp_path):
    f = write(tmp_path / "p.txt", "1\tDoubt\t0\t4\n1\tMadeUp\t5\t9\n")
    with pytest.raises(FormatError, match=r"line 2.*MadeUp"):
        read_spans(f, labels=["Doubt"])


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(FormatError, match=r"\[E401\]"):
        read_spans(tmp_path / "nope.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FormatError, match="no label files"):
        read_paragraphs(tmp_path / "empty")


def test_spans_round_trip(tmp_path):
    records = [SpanRecord("1", "Name_Calling,Labeling", 0, 4), SpanRecord("2", "Doubt", 3, 7)]
    write_spans(tmp_path / "out.txt", records)
    assert read_spans(tmp_path / "out.txt") == records
    si = [SpanRecord("1", None, 0, 4)]
    write_spans(tmp_path / "si.labels", si)
    assert (tmp_path / "si.labels").read_text(encoding="utf-8") == "1\t0\t4\n"


def test_read_paragraphs_empty_and_missing_third_column(tmp_path):
    f = write(tmp_path / "p.txt", "5\t1\t\n5\t3\tDoubt,Slogans\n5\t4\n5\t6\tDoubt, Doubt,\n")
    assert read_paragraphs(f) == [
        ParagraphRecord("5", 1, ()),
        ParagraphRecord("5", 3, ("Doubt", "Slogans")),
        ParagraphRecord("5", 4, ()),
        ParagraphRecord("5", 6, ("Doubt",)),
    ]


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("5\n", "found 1"),
        ("5\t1\tDoubt\textra\n", "found 4"),
        ("5\tone\tDoubt\n", "paragraph line 'one'"),
        ("5\t0\tDoubt\n", "count from 1"),
        ("5\t2\tDoubt\n5\t2\t\n", "repeats"),
    ],
)
def test_malformed_paragraph_lines_raise_format_error(tmp_path, text, detail):
    f = write(tmp_path / "p.txt", text)
    with pytest.raises(FormatError, match=r"\[E601\]") as info:
        read_paragraphs(f)
    assert detail in str(info.value)


def test_paragraphs_round_trip(tmp_path):
    records = [ParagraphRecord("5", 1, ()), ParagraphRecord("5", 3, ("Doubt", "Slogans"))]
    write_paragraphs(tmp_path / "p.txt", records)
    assert (tmp_path / "p.txt").read_text(encoding="utf-8") == "5\t1\t\n5\t3\tDoubt,Slogans\n"
    assert read_paragraphs(tmp_path / "p.txt") == records


def test_language_codes():
    assert (to_iso("ge"), to_iso("po"), to_iso("en"), to_iso("de")) == ("de", "pl", "en", "de")
    assert (to_dataset_lang("de"), to_dataset_lang("pl"), to_dataset_lang("ru")) == ("ge", "po", "ru")
    with pytest.raises(FormatError):
        to_iso("xx")


def test_article_id_from_name():
    assert article_id_from_name("article111111111-labels-subtask-3.txt") == "111111111"
    assert article_id_from_name("article7.task-si.labels") == "7"
    assert article_id_from_name("readme.txt") is None


def test_read_label_list(tmp_path):
    assert read_label_list(write(tmp_path / "l.txt", "A\r\nB\n\n")) == ["A", "B"]
    with pytest.raises(FormatError, match="twice"):
        read_label_list(write(tmp_path / "d.txt", "A\nA\n"))
