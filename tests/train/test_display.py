"""Display cuts: precision curves from judged spans, the cut a reader's precision picks, held-out figures."""

from __future__ import annotations

from spinscope.pipeline.tagger import NOT_SHOWN, DecoderConfig
from spinscope.train.display import display_table, held_out_figures


def rows(lang: str, technique: str, scored: list[tuple[float, bool]], prefix: str = "a") -> list:
    return [(lang, technique, score, right, f"{prefix}{k}") for k, (score, right) in enumerate(scored)]


def test_the_cut_is_the_lowest_score_whose_spans_are_right_often_enough() -> None:
    doubt = [(0.2, False)] * 6 + [(0.6, True)] * 4 + [(0.6, False)] * 2 + [(0.9, True)] * 3
    config = DecoderConfig(display=display_table(rows("fr", "Doubt", doubt)))
    assert config.display_cut("fr", "Doubt", 0.5) == 0.25  # the spans at 0.6 and 0.9: 7 right of 9
    assert config.display_cut("fr", "Doubt", 0.8) == NOT_SHOWN  # the three at 0.9 are too few to judge
    assert config.display_cut("fr", "Doubt", 0.0) == 0.0
    assert config.display_cut("de", "Doubt", 0.5) == 0.25  # a language without its own curve: all languages'


def test_a_technique_never_right_often_enough_is_never_shown() -> None:
    popularity = [(0.3, False)] * 20 + [(0.35, True)] * 2
    config = DecoderConfig(display=display_table(rows("fr", "Appeal_to_Popularity", popularity)))
    assert config.display_cut("fr", "Appeal_to_Popularity", 0.5) == NOT_SHOWN
    assert DecoderConfig().display_cut("fr", "Appeal_to_Popularity", 0.5) == 0.0  # no table: every span


def test_held_out_figures_judge_each_half_with_the_other_halfs_cuts() -> None:
    judged = rows("it", "Slogans", [(0.8, True)] * 40 + [(0.2, False)] * 80)
    figures = held_out_figures(judged)
    assert figures["all"]["spans"] == 120 and figures["it"]["precision"] == round(40 / 120, 3)
    assert figures["all"]["shown_precision"] == 1.0 and figures["all"]["right_kept"] == 1.0
