from __future__ import annotations

import pytest

from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.pipeline.language import LanguageComponent

SAMPLES = {
    "en": "The government promised cheaper energy, but prices kept rising all winter.",
    "fr": "Le gouvernement avait promis une énergie moins chère, mais les prix ont continué de grimper.",
    "de": "Die Regierung hatte billigere Energie versprochen, doch die Preise stiegen den ganzen Winter.",
    "it": "Il governo aveva promesso energia più economica, ma i prezzi hanno continuato a salire.",
    "pl": "Rząd obiecywał tańszą energię, ale ceny rosły przez całą zimę.",
    "ru": "Правительство обещало дешёвую энергию, но цены росли всю зиму.",
    "uk": "Уряд обіцяв дешевшу енергію, але ціни зростали всю зиму.",
}

DEFAULTS = load_settings(env={})["components"]["language"]


@pytest.mark.parametrize(("lang", "text"), sorted(SAMPLES.items()))
def test_identifies_supported_languages(lang: str, text: str) -> None:
    doc = LanguageComponent(DEFAULTS, {})(Document("d", text))
    assert doc.language == lang
    assert doc.meta["language_score"] > 0.5 and not doc.warnings


def test_header_is_ignored_and_force_wins() -> None:
    text = " date 2022-11-09\n" + SAMPLES["fr"]
    doc = LanguageComponent(DEFAULTS, {})(Document("d", text, meta={"header_end": 17}))
    assert doc.language == "fr"
    assert LanguageComponent({**DEFAULTS, "force": "uk"}, {})(Document("d", text)).language == "uk"


def test_low_confidence_warns() -> None:
    doc = LanguageComponent({**DEFAULTS, "min_confidence": 0.99}, {})(Document("d", "OK 123 !!"))
    assert doc.warnings and doc.warnings[0].startswith("[W003]")
