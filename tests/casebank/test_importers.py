"""Importers: field mapping per format, format detection, and coded errors for malformed input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from spinscope.casebank import Case, Skipped, detect_format, euvsdisinfo_id, import_plan, parse_mapping, read_cases
from spinscope.casebank.fields import iso_date, language_code
from spinscope.config import load_settings
from spinscope.errors import InputError

from .conftest import EUVS_ROWS, claim_review, data_feed, euvs_csv, graph_document, write_json


def cases(path: Path, cfg: dict[str, Any], **options: Any) -> list[Case | Skipped]:
    return list(read_cases(path, cfg, **options))


def test_euvsdisinfo_rows_map_onto_cases(euvs_file: Path, cfg: dict) -> None:
    first, second, third = cases(euvs_file, cfg)
    digest = hashlib.sha1("\x1f".join(["03/14/18", "Example Daily", "Penguins run the moon base"]).encode()).hexdigest()
    assert first == Case(
        id=f"euvsdisinfo-{digest[:12]}", bank="euvsdisinfo", title="Penguins run the moon base",
        claim="A committee of penguins secretly runs a lunar base.", rebuttal="There is no lunar base.",
        date="2018-03-14", language="ru", countries=["Ukraine", "US"], outlet="Example Daily",
        url="https://example.org/a", author="EUvsDisinfo", keywords=["Moon", "NATO"],
    )  # fmt: skip
    assert first.id == euvsdisinfo_id("03/14/18", "Example Daily", "Penguins run the moon base")
    assert (second.language, second.date) == ("cs", "2017-12-01")
    assert (third.language, third.countries, third.url) == (None, [], None)
    assert '"made of cheese"' in third.claim


def test_euvsdisinfo_folder_reads_the_formatted_csv_only(tmp_path: Path, cfg: dict) -> None:
    (tmp_path / "full_dataset_formatted.csv").write_text(euvs_csv(), encoding="utf-8")
    (tmp_path / "full_dataset.csv").write_text("other;layout\n1;2\n", encoding="utf-8")
    assert import_plan(tmp_path) == [(tmp_path / "full_dataset_formatted.csv", "euvsdisinfo")]
    assert len(cases(tmp_path, cfg)) == 3


def test_euvsdisinfo_semicolon_copy_gets_the_same_ids(tmp_path: Path, euvs_file: Path, cfg: dict) -> None:
    rows = [[row[0], f"{row[1][3:5]}.{row[1][:2]}.20{row[1][6:]}", *row[2:]] for row in EUVS_ROWS]
    copy = tmp_path / "full_dataset.csv"
    copy.write_text(euvs_csv(rows).replace('","', '";"').replace(',"', ';"'), encoding="utf-8")
    assert detect_format(copy) == "euvsdisinfo"
    assert [c.id for c in cases(copy, cfg)] == [c.id for c in cases(euvs_file, cfg)]


@pytest.mark.parametrize(
    ("cut", "pattern"),
    [
        (lambda text: text[: text.rindex("made of") + 3], r"\[E406\] .*euvs.csv:4: malformed CSV"),  # open quote
        (lambda text: text[: text.rindex('"Bridges are cheese"')], r"\[E406\] .*euvs.csv:4: .*fields"),  # short row
    ],
)
def test_truncated_csv_is_an_error(euvs_file: Path, cfg: dict, cut: Any, pattern: str) -> None:
    euvs_file.write_text(cut(euvs_csv()), encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        cases(euvs_file, cfg)


def test_euvsdisinfo_bad_date_and_missing_column(euvs_file: Path, cfg: dict) -> None:
    euvs_file.write_text(euvs_csv().replace("12/01/17", "someday"), encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E710\] .*euvs.csv:3: date 'someday'"):
        cases(euvs_file, cfg)
    euvs_file.write_text("title,summary\na,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E411\] .*'date' is missing in record header"):
        cases(euvs_file, cfg, fmt="euvsdisinfo")


def test_claimreview_graph_feed_list_and_lines(tmp_path: Path, cfg: dict) -> None:
    graph = cases(write_json(tmp_path / "page.jsonld", graph_document()), cfg)
    assert [type(item).__name__ for item in graph] == ["Case", "Skipped", "Case"]
    first = graph[0]
    assert isinstance(first, Case) and isinstance(graph[1], Skipped)
    assert (first.bank, first.rating, first.rebuttal, first.date) == ("claimreview", "False", "False", "2021-05-01")
    assert (first.language, first.author, first.outlet) == ("en", "Example Fact Check", "Speaker 1")
    assert first.title == first.claim and first.url == "https://factcheck.example/review/1"
    digest = hashlib.sha1(f"{first.url}\x1f{first.claim}".encode()).hexdigest()[:12]
    assert first.id == f"claimreview-{digest}" and graph[2].title == "Frog water?"
    assert "Organization, not ClaimReview" in graph[1].reason
    feed = cases(write_json(tmp_path / "feed.json", data_feed()), cfg)
    assert [c.outlet for c in feed] == ["Speaker 3", "Speaker 4"]
    listed = cases(
        write_json(tmp_path / "list.json", [claim_review(5, **{"@id": "urn:x"}, reviewBody="Frogs no.")]), cfg
    )
    assert (listed[0].id, listed[0].rebuttal) == ("urn:x", "False: Frogs no.")
    lines = tmp_path / "reviews.jsonl"
    lines.write_text("\n".join(json.dumps(claim_review(n)) for n in (6, 7)) + "\n\n", encoding="utf-8")
    assert [c.date for c in cases(lines, cfg)] == ["2021-05-06", "2021-05-07"]


def test_claimreview_loose_values(tmp_path: Path, cfg: dict) -> None:
    review = claim_review(1, datePublished="May 2021", inLanguage={"@type": "Language", "name": "German"})
    review["@type"] = ["schema:ClaimReview"]
    review["claimReviewed"] = ""
    review["headline"] = "Only a headline"
    (case,) = cases(write_json(tmp_path / "r.json", review), cfg)
    assert (case.date, case.language, case.title, case.claim) == (None, "de", "Only a headline", "")
    review.pop("headline")
    (skipped,) = cases(write_json(tmp_path / "r.json", review), cfg)
    assert isinstance(skipped, Skipped) and skipped.reason == "neither title nor claim"


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b'{"@type": "ClaimReview", "claimReviewed": "cut', r"\[E406\] .*r.json: malformed JSON"),
        (b"42", r"\[E406\] .*not an object or a list"),
        (b'["\xff\xfe"]', r"\[E403\] .*r.json: is not text"),
    ],
)
def test_corrupt_json_is_an_error(tmp_path: Path, cfg: dict, data: bytes, pattern: str) -> None:
    (tmp_path / "r.json").write_bytes(data)
    with pytest.raises(InputError, match=pattern):
        cases(tmp_path / "r.json", cfg, fmt="claimreview")


def test_bad_json_line_names_its_line(tmp_path: Path, cfg: dict) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(claim_review(1)) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E406\] .*r.jsonl:2: malformed JSON"):
        cases(path, cfg)


def test_csv_with_a_mapping(tmp_path: Path, cfg: dict) -> None:
    path = tmp_path / "Mine.csv"
    path.write_text(
        "ref;headline;text;when;lang;tags\n"
        "m1;Salt cures colds;Eating salt cures every cold.;2022-02-03;en-GB;health, salt\n"
        ";No id here;A claim without an id.;;;\n",
        encoding="utf-8",
    )
    mapping = parse_mapping(["id=ref", "title=headline", "claim=text", "date=when", "language=lang", "keywords=tags"])
    first, second = cases(path, cfg, mapping=mapping)
    assert (first.id, first.bank, first.date, first.language, first.keywords) == (
        "m1", "Mine", "2022-02-03", "en", ["health", "salt"],
    )  # fmt: skip
    assert second.id == "Mine-" + hashlib.sha1(b"No id here\x1fA claim without an id.\x1f").hexdigest()[:12]
    (named,) = cases(path, cfg, mapping={**mapping, "date": ""}, bank="user")[:1]
    assert named.bank == "user" and named.date is None


def test_csv_mapping_errors(tmp_path: Path, cfg: dict) -> None:
    with pytest.raises(InputError, match=r"\[E706\] Unknown case field 'claimz'.*Known fields: id, title, claim"):
        parse_mapping(["claimz=text"])
    with pytest.raises(InputError, match=r"\[E707\]"):
        parse_mapping(["claim"])
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E708\] .*no column 'text' for the case field 'claim'; columns: a, b"):
        cases(path, cfg, mapping={"claim": "text"})
    with pytest.raises(InputError, match=r"\[E713\]"):
        cases(path, cfg)
    path.write_text("claim,date\nx,3 May\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E710\] .*t.csv:2: date '3 May'.*--map date="):
        cases(path, cfg)


def test_jsonl_table_and_its_mapping(tmp_path: Path, cfg: dict) -> None:
    path = tmp_path / "claims.jsonl"
    records = [{"text": "Invented claim one.", "countries": ["FR", "BE"], "n": 1}, {"text": "Two.", "title": "T"}]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    one, two = cases(path, cfg, mapping={"claim": "text"})
    assert (one.claim, one.countries, one.bank, two.title) == ("Invented claim one.", ["FR", "BE"], "claims", "T")
    with pytest.raises(InputError, match=r"\[E708\] .*'source'"):
        cases(path, cfg, mapping={"claim": "text", "url": "source"})
    path.write_text('{"claim": {"nested": 1}}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[E406\] .*claims.jsonl:1: .*holds a dict"):
        cases(path, cfg)


def test_detect_format(tmp_path: Path, euvs_file: Path) -> None:
    assert detect_format(euvs_file) == "euvsdisinfo"
    assert detect_format(write_json(tmp_path / "a.json", graph_document())) == "claimreview"
    assert detect_format(write_json(tmp_path / "b.json", [{"claim": "x"}])) == "jsonl"
    (tmp_path / "c.tsv").write_text("claim\ttitle\n", encoding="utf-8")
    assert detect_format(tmp_path / "c.tsv") == "csv"


def test_plan_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\[E401\]"):
        import_plan(tmp_path / "missing.csv")
    with pytest.raises(InputError, match=r"\[E402\]"):
        import_plan(tmp_path)
    with pytest.raises(InputError, match=r"\[E410\] .*Known formats: auto, euvsdisinfo"):
        import_plan(tmp_path, "xml")


def test_max_cases_stops_the_import(euvs_file: Path) -> None:
    cfg = load_settings(overrides=["casebank.max_cases=2"], env={})
    with pytest.raises(InputError, match=r"\[E709\] .*more than 2 cases"):
        cases(euvs_file, cfg)


@pytest.mark.parametrize(
    ("value", "code"), [("Russian", "ru"), (" english ", "en"), ("pt-BR", "pt"), ("Klingon", None), ("", None)]
)
def test_language_code(value: str, code: str | None) -> None:
    assert language_code(value) == code


def test_iso_date() -> None:
    assert iso_date("2021-03-04T10:00:00Z") == iso_date("2021-03-04") == "2021-03-04"
    assert iso_date(" ") is None
    with pytest.raises(ValueError):
        iso_date("2021-02-30")
