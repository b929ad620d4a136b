"""Hostile but valid input through the whole default pipeline: no crash, valid records, valid offsets."""

from __future__ import annotations

import pytest

from spinscope import analyze, load_pipeline
from spinscope.schema import validate
from spinscope.writers.record import to_record


@pytest.fixture(scope="module")
def pipeline():
    from spinscope.config import load_settings

    return load_pipeline(load_settings(env={}))


def run(text: str, pipeline) -> dict:
    doc = analyze(text, pipeline=pipeline)
    assert doc.text == text
    doc.check_offsets()
    record = to_record(doc)
    validate(record)
    return record


def codes(record: dict) -> set[str]:
    return {w[1:5] for w in record["warnings"]}


def test_only_punctuation_warns_that_nothing_is_usable(pipeline) -> None:
    record = run("?!... --- !!! ,,, ;;; ???", pipeline)
    assert codes(record) & {"W001", "W004"}


def test_text_without_sentence_ends(pipeline) -> None:
    run("the regime lies and lies and lies " * 30, pipeline)


def test_mixed_scripts(pipeline) -> None:
    text = "Киевский режим lies again. Le régime ment. 基辅政权 撒谎。 Reżim kłamie! " * 5
    run(text, pipeline)


def test_unknown_language_is_marked_zero_shot(pipeline) -> None:
    text = "Режим у Києві знову бреше своїм громадянам, а західні медіа мовчать про це. " * 4
    record = run(text, pipeline)
    assert record["language"] == "uk"
    assert record["meta"]["zero_shot"] is True and "W002" in codes(record)  # the shipped model, not W001


def test_very_long_article(pipeline) -> None:
    sentence = "The corrupt elites in the capital lie to every honest citizen, again and again. "
    record = run(sentence * 7_200, pipeline)  # ~100k words
    assert len(record["paragraphs"]) == 1


@pytest.mark.parametrize("length", [520, 10_000])
def test_a_very_long_word_gives_each_span_once(pipeline, length: int) -> None:
    word = "".join(chr(ord("a") + (i * 7) % 26) for i in range(length))
    for text in (f"The corrupt elites lie. {'a' * length} they always lie.", f"The elites lie. {word} they lie."):
        keys = [(s["technique"], s["start"], s["end"]) for s in run(text, pipeline)["techniques"]]
        assert len(keys) == len(set(keys))


def test_headline_gets_every_frame_and_a_genre_with_a_short_text_warning(pipeline) -> None:
    record = run("Kiev regime hides Western weapons, insiders say", pipeline)
    assert "W005" in codes(record)
    assert len(record["frames"]) == 14 and record["genre"]["label"] in {"opinion", "reporting", "satire"}
    assert sum(record["genre"]["scores"].values()) == pytest.approx(1.0, abs=1e-3)


def test_text_with_no_paragraph_breaks_or_known_language_still_gets_frames(pipeline) -> None:
    text = "Режим у Києві бреше, а the MSM stays silent; le régime ment encore et encore " * 12
    record = run(text, pipeline)
    assert len(record["paragraphs"]) == 1 and len(record["frames"]) == 14 and record["genre"] is not None
    assert record["language"] == "uk" and record["meta"]["zero_shot"] is True  # Cyrillic with і/ї: Ukrainian


def test_zero_shot_languages_follow_the_models_own_config(pipeline) -> None:
    """The languages a model was trained on come from its config.json (dataset codes mapped to ISO)."""
    model = pipeline.step("encoder").model
    if model is None:
        pytest.skip("no technique model installed")
    assert model.languages == {"en", "fr", "de", "it", "pl", "ru"}
    german = "Die Regierung hatte billigere Energie versprochen, doch die Preise stiegen den ganzen Winter. " * 3
    assert "W002" not in codes(run(german, pipeline))
