"""The claims component on texts we wrote: scores, threshold, --all-claims, attribution, hedges, bad input."""

from __future__ import annotations

import json

import pytest

from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.pipeline import Pipeline
from spinscope.schema import validate
from spinscope.writers.record import to_record

ARTICLE = (
    "Minister Says Grain Exports Fell\n\n"
    "Grain exports fell by 40 percent in the first quarter, the agriculture minister said on Monday.\n"
    "What a wonderful spring morning it is!\n"
    "Experts say the port of Odessa was allegedly mined by the army in March.\n"
    "\u201cWe shipped two million tonnes last year,\u201d said Olena Marchenko, the head of the exporters' union.\n"
    "Let us hope for the best."
)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_settings(load_settings(env={}))


@pytest.fixture(scope="module")
def every_sentence() -> Pipeline:
    return Pipeline.from_settings(load_settings(overrides=["components.claims.all=true"], env={}))


def _record(pipeline: Pipeline, text: str, lang: str | None = None) -> dict:
    record = to_record(pipeline(Document("t", text, language=lang)))
    validate(record)
    json.dumps(record)
    return record


def test_all_claims_lists_every_sentence_in_order_with_scores(every_sentence: Pipeline) -> None:
    record = _record(every_sentence, ARTICLE)
    assert [c["text"] for c in record["claims"]] == [s["text"] for s in record["sentences"]]
    assert all(0.0 <= c["checkworthiness"] <= 1.0 for c in record["claims"])
    scores = {c["text"]: c["checkworthiness"] for c in record["claims"]}
    factual = scores[record["sentences"][1]["text"]]
    assert factual > scores["What a wonderful spring morning it is!"]
    assert factual > scores["Let us hope for the best."]


def test_default_lists_the_sentences_past_the_threshold(pipeline: Pipeline, every_sentence: Pipeline) -> None:
    listed = _record(pipeline, ARTICLE)["claims"]
    everything = _record(every_sentence, ARTICLE)["claims"]
    step = pipeline.step("claims")
    cut = step.head.thresholds_for("en")[0]
    best = sorted(everything, key=lambda c: -c["checkworthiness"])[: step.min_claims]
    expected = [
        c["start"]
        for c in everything
        if c["checkworthiness"] >= round(cut, 4) or (c in best and c["checkworthiness"] >= step.floor)
    ]
    assert [c["start"] for c in listed] == expected and len(listed) >= 1


def test_attribution_hedges_and_speakers_come_with_each_claim(every_sentence: Pipeline) -> None:
    record = _record(every_sentence, ARTICLE)
    by_text = {c["text"][:12]: c for c in record["claims"]}
    reported = by_text["Grain export"]["attribution"]
    assert (reported["kind"], reported["speaker"], reported["cue"]) == ("reported", "the agriculture minister", "said")
    vague = by_text["Experts say "]
    assert vague["attribution"]["kind"] == "vague" and [h["text"] for h in vague["hedges"]] == ["allegedly"]
    quoted = by_text["\u201cWe shipped "]["attribution"]
    assert quoted["kind"] == "quote" and quoted["speaker"].startswith("Olena Marchenko")
    assert quoted["name"] == "Olena Marchenko"
    assert record["quotes"][0]["text"] == "We shipped two million tonnes last year,"
    actor = next(a for a in record["entities"] if a["name"] == "Olena Marchenko")
    assert actor["claims"] == [record["claims"].index(by_text["\u201cWe shipped "])]
    assert record["meta"]["sourcing"] == "full"


def test_languages_get_their_sourcing_coverage_marked(every_sentence: Pipeline) -> None:
    german = _record(every_sentence, "Der Minister sagte, die Exporte seien angeblich gefallen.", "de")
    assert german["meta"]["sourcing"] == "cues" and any(w.startswith("[W008]") for w in german["warnings"])
    assert [h["text"] for h in german["claims"][0]["hedges"]] == ["angeblich"]
    greek = _record(every_sentence, "«Δεν θα υποχωρήσουμε ποτέ», είπε ο υπουργός.", "el")
    assert greek["meta"]["sourcing"] == "quotes" and greek["quotes"][0]["attribution"]["kind"] == "quote"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "!!! ??? ...",
        " ".join(["«quote» \u201cnested \u201eagain\u201c\u201d"] * 300),
        "\u00ab open \u201c never \u201e closed " * 200,
        "\n".join(f'"Line {i} is a quote of many words," said speaker {i}.' for i in range(300)),
        "He said \u201cyes. And \u00abno\u201d more\u00bb 'single' \u2018curly\u2019 \"straight\" quotes.",
    ],
)
def test_bad_input_gives_valid_records(every_sentence: Pipeline, text: str) -> None:
    record = _record(every_sentence, text, "en")
    assert len(record["claims"]) == len(record["sentences"])


def test_a_long_article_keeps_offsets_valid(every_sentence: Pipeline) -> None:
    paragraph = (
        "The minister said that grain exports fell by 40 percent, according to the ministry. "
        "\u201cWe will not give up,\u201d said Anna Berg. Experts say the port was allegedly mined. "
    )
    text = "\n\n".join([paragraph] * 400)  # ~10k words: the same code paths as a 100k-word article, faster
    record = _record(every_sentence, text, "en")
    assert len(record["quotes"]) == 400 and len(record["claims"]) == 1200


def test_small_talk_lists_no_claims(pipeline: Pipeline) -> None:
    record = _record(pipeline, "What a wonderful spring morning it is! Let us hope for the best. Good night.", "en")
    assert record["claims"] == []


def test_outside_english_a_figure_outranks_name_calling(every_sentence: Pipeline) -> None:
    """The surface head scores German: the reported figure first, the insult and the slogan last."""
    text = (
        "Die Kriegstreiber in Brüssel haben endgültig den Verstand verloren!\n"
        "Nach Angaben des Ministeriums sanken die Exporte im März um 12 Prozent auf 3,1 Millionen Tonnen.\n"
        "Wacht endlich auf!"
    )
    claims = {c["text"][:12]: c["checkworthiness"] for c in _record(every_sentence, text, "de")["claims"]}
    figure, insult, slogan = claims["Nach Angaben"], claims["Die Kriegstr"], claims["Wacht endlic"]
    assert figure > max(insult, slogan) and figure >= 0.74 > max(insult, slogan)


def test_the_surface_head_is_off_when_set_so_or_fitted_on_other_features(tmp_path) -> None:
    from spinscope.models import model_path
    from spinscope.pipeline.verifiable import FEATURES, FILE, VerifiableHead

    shipped = json.loads((model_path("claims") / FILE).read_text(encoding="utf-8"))
    assert shipped["features"] == list(FEATURES) and VerifiableHead.load(model_path("claims")) is not None
    (tmp_path / FILE).write_text(json.dumps({**shipped, "features": ["numbers"]}), encoding="utf-8")
    assert VerifiableHead.load(tmp_path) is None
    off = Pipeline.from_settings(load_settings(overrides=["components.claims.surface=false"], env={}))
    assert off.step("claims").on_surface("de") is False
