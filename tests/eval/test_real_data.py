"""Sanity checks on ../shared/data (skipped on a laptop without it, never in CI)."""

from __future__ import annotations

import pytest

from spinscope.eval.formats import SEMEVAL_LANGS, load_ptc2020, load_semeval2023, paragraph_rows
from spinscope.eval.labels import PTC_TECHNIQUES, SUBTASK3_TECHNIQUES, subtask3_techniques
from spinscope.eval.scorers import paragraph_scores, si_scores, span_scores, tc_scores
from tests.conftest import DATA, needs_data

# CI always has ../shared/data, so there a missing folder is a failure, not a skip.

pytestmark = needs_data

# the table in shared/data/README.md
ROWS = {"en": 9498, "fr": 2259, "ge": 1555, "it": 2623, "po": 2310, "ru": 1962}
ARTICLES = {"en": 446, "fr": 158, "ge": 132, "it": 227, "po": 145, "ru": 143}
SPANS = {"en": 7201, "fr": 5595, "ge": 4501, "it": 6027, "po": 2839, "ru": 3399}


@pytest.mark.parametrize("lang", SEMEVAL_LANGS)
def test_loader_reads_every_language(lang):
    data = load_semeval2023(lang, DATA)
    assert len(data.paragraphs) == ROWS[lang]
    assert len(data.articles) == ARTICLES[lang]
    assert len(data.spans) == SPANS[lang]
    assert {r.article_id for r in data.paragraphs} <= set(data.articles)
    assert {s.technique for s in data.spans} <= set(SUBTASK3_TECHNIQUES)


def test_loader_accepts_iso_codes_and_folders():
    by_iso = load_semeval2023("de", DATA)
    assert (by_iso.lang, by_iso.iso) == ("ge", "de")
    by_folder = load_semeval2023(DATA / "semeval2023-task3" / "po")
    assert (by_folder.lang, by_folder.iso, len(by_folder.paragraphs)) == ("po", "pl", ROWS["po"])


def test_technique_file_matches_the_built_in_list():
    assert subtask3_techniques(DATA) == list(SUBTASK3_TECHNIQUES)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_gold_against_itself_scores_one(lang):
    data = load_semeval2023(lang, DATA)
    few = set(data.article_ids[:5])
    spans = [s for s in data.spans if s.article_id in few]
    paras = [p for p in data.paragraphs if p.article_id in few]
    assert spans and paras
    assert si_scores(spans, spans).f1 == pytest.approx(1.0)
    aware = span_scores(spans, spans, SUBTASK3_TECHNIQUES)
    assert aware.micro.f1 == pytest.approx(1.0)
    assert tc_scores(spans, spans).micro.f1 == pytest.approx(1.0)
    assert paragraph_scores(paras, paras).micro.f1 == pytest.approx(1.0)


def test_span_offsets_fit_their_articles():
    data = load_semeval2023("fr", DATA)
    for s in data.spans[:200]:
        assert s.end <= len(data.text(s.article_id))


def test_paragraph_rows_join_text():
    data = load_semeval2023("ru", DATA)
    first = data.article_ids[0]
    rows = paragraph_rows(data, [first])
    assert rows and all(r.article_id == first and r.text.strip() for r in rows)


def test_ptc_loader_counts_and_self_score():
    train, dev = load_ptc2020("train", DATA), load_ptc2020("dev", DATA)
    assert (len(train.articles), len(train.si), len(train.flc)) == (371, 5468, 6128)
    assert (len(dev.articles), len(dev.si), len(dev.flc)) == (75, 940, 1063)
    assert {s.technique for s in dev.flc} <= set(PTC_TECHNIQUES)
    assert si_scores(dev.si, dev.si).f1 == pytest.approx(1.0)
    assert span_scores(dev.flc, dev.flc, PTC_TECHNIQUES).micro.f1 == pytest.approx(1.0)
