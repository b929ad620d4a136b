"""Display cuts: precision curves from judged spans, the cut a reader's precision picks, held-out figures."""

from __future__ import annotations

from spinscope.pipeline.tagger import NOT_SHOWN, DecoderConfig
from spinscope.train.display import display_table, held_out_figures, lower_bound, read_audit, rescue_rates


def rows(lang: str, technique: str, scored: list[tuple[float, bool]], prefix: str = "a") -> list:
    return [(lang, technique, score, right, f"{prefix}{k}", 0, 5) for k, (score, right) in enumerate(scored)]


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


def test_spans_the_gold_does_not_confirm_count_by_the_share_the_audit_found_right() -> None:
    names = rows("de", "Name_Calling-Labeling", [(0.3, False)] * 12 + [(0.3, True)] * 3)
    audit = {("de", f"a{k}", "Name_Calling-Labeling", 0, 5): k < 9 for k in range(12)}  # 9 of 12 judged right
    rescue = rescue_rates(names, audit)
    assert rescue[("de", "Name_Calling-Labeling")] == rescue[("default", "Name_Calling-Labeling")]
    assert rescue[("de", "Name_Calling-Labeling")] == round(lower_bound(9, 12), 3) < 0.75  # cautious
    assert DecoderConfig(display=display_table(names)).display_cut("de", "Name_Calling-Labeling", 0.5) == NOT_SHOWN
    assert DecoderConfig(display=display_table(names, rescue)).display_cut("de", "Name_Calling-Labeling", 0.5) == 0.1
    figures = held_out_figures(names, rescue)["de"]
    assert figures["shown_precision_read"] > 0.5 > figures["shown_precision"]


def test_an_audited_span_the_gold_confirms_now_or_the_tagger_lost_is_not_counted() -> None:
    names = rows("pl", "Loaded_Language", [(0.5, True), (0.5, False)])
    audit = {("pl", "a0", "Loaded_Language", 0, 5): False, ("pl", "a9", "Loaded_Language", 0, 5): False}
    audit[("pl", "a1", "Loaded_Language", 0, 5)] = True
    assert rescue_rates(names, audit)[("pl", "Loaded_Language")] == round(lower_bound(1, 1), 3)


def test_the_shipped_audit_judges_both_word_level_techniques_in_every_language_with_validation_articles() -> None:
    audit = read_audit()
    judged = {(lang, technique) for lang, _, technique, _, _ in audit}
    assert judged == {
        (lang, t) for lang in ("de", "en", "fr", "it", "pl", "ru") for t in ("Loaded_Language", "Name_Calling-Labeling")
    }
    assert all(start < end for *_, start, end in audit) and 0 < sum(audit.values()) < len(audit)
