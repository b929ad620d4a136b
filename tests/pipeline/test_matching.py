"""Matching against a case bank of invented cases: exact repeats, cross-lingual paraphrases, no false match,
and analysis without a bank."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope.casebank import Case, CaseBank
from spinscope.casebank.index import SHINGLE
from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.embedder import density
from spinscope.minhash import normalise, signature
from spinscope.models import model_path
from spinscope.pipeline import Pipeline
from spinscope.pipeline.matching import (
    LanguageMeans,
    Verifier,
    across,
    candidate_features,
    figures_differ,
    number_agreement,
    numbers,
)
from spinscope.schema import validate
from spinscope.writers.record import to_record
from tests.conftest import needs_data

CASES = [
    Case("t-1", "ours", "The moon landing was filmed in a studio in Nevada.",
         "The moon landing was filmed in a studio in Nevada.", rebuttal="Hundreds of scientists checked the rocks."),
    Case("t-2", "ours", "Wind turbines cause the fog over Prague.", "Wind turbines cause the fog over Prague.",
         rebuttal="Fog is weather."),
    Case("t-3", "ours", "The city council sold the river to a foreign bank for 3 euros.",
         "The city council sold the river to a foreign bank for 3 euros.", rebuttal="Rivers cannot be sold."),
    Case("t-4", "ours", "Mayor Ilse Brandvold sold the city harbour to a casino company.",
         "Mayor Ilse Brandvold sold the city harbour to a casino company.", rebuttal="No sale took place."),
]  # fmt: skip


@pytest.fixture(scope="module")
def bank_settings(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("bank") / "casebank.sqlite"
    with CaseBank(path, create=True) as bank:
        bank.upsert(CASES)
    return load_settings(overrides=[f"casebank.path={path}", "components.claims.all=true"], env={})


def run(settings: dict, text: str) -> dict:
    record = to_record(Pipeline.from_settings(settings)(Document(id="m", text=text, language=None)))
    validate(record)
    return record


def test_a_verbatim_repeat_is_matched_without_the_embedder(bank_settings: dict) -> None:
    record = run(bank_settings, "Local news.\n\nThe moon landing was filmed in a studio in Nevada!\n\nThat is all.")
    [match] = record["matches"]
    assert (match["case_id"], match["via"], match["rebuttal"]) == (
        "t-1",
        "exact",
        "Hundreds of scientists checked the rocks.",
    )
    assert record["text"][match["start"] : match["end"]] == match["text"]


def test_a_title_repeated_as_the_first_line_matches_once(bank_settings: dict) -> None:
    line = "The moon landing was filmed in a studio in Nevada"
    record = run(bank_settings, f"{line}\n\n{line}. Everyone knows it.\n\nThat is all.")
    assert [m["case_id"] for m in record["matches"]] == ["t-1"]


def test_a_translated_claim_is_matched_and_an_unrelated_text_is_not(bank_settings: dict) -> None:
    record = run(bank_settings, "Actualités.\n\nLes éoliennes provoquent le brouillard au-dessus de Prague.\n\nFin.")
    assert [m["case_id"] for m in record["matches"]] == ["t-2"]
    assert record["matches"][0]["via"] == "embedding"
    record = run(bank_settings, "Recipes.\n\nBake the bread for forty minutes at two hundred degrees.\n\nEnjoy.")
    assert record["matches"] == []


def test_a_case_about_a_named_person_needs_a_sentence_naming_that_person(bank_settings: dict) -> None:
    sold = "a vendu le port de la ville à une société de casinos."
    named = run(bank_settings, f"Nouvelles.\n\nLa maire Ilse Brandvold {sold}")
    assert [m["case_id"] for m in named["matches"]] == ["t-4"]
    unnamed = run(bank_settings, f"Nouvelles.\n\nLa maire {sold}\n\nFin.")
    assert unnamed["matches"] == []


def test_without_a_bank_analysis_runs_and_says_how_to_import(tmp_path: Path) -> None:
    settings = load_settings(overrides=[f"casebank.path={tmp_path / 'none.sqlite'}"], env={})
    record = run(settings, "The moon landing was filmed in a studio in Nevada.")
    assert record["matches"] == []
    assert any(w.startswith("[W010]") and "spinscope casebank import" in w for w in record["warnings"])
    assert record["claims"] is not None


def test_features_see_numbers_margins_and_density() -> None:
    assert number_agreement("sold for 3 euros", "for 3 euros") == 1.0
    assert number_agreement("sold for 3 euros", "for 5 euros") == 0.0
    assert number_agreement("no numbers", "none here") == 1.0
    feats = candidate_features("a 3 b", [0.9, 0.8], ["a 3 b", "c"], 0.7)
    assert feats.shape == (2, 5)
    assert feats[0, 1] == pytest.approx(0.1) and feats[1, 1] == pytest.approx(-0.1)
    assert density(__import__("numpy").array([0.9, 0.1, 0.5])) == pytest.approx(0.5)


def test_a_translation_gets_the_cut_for_cases_in_another_language() -> None:
    case = "Ukraine is governed by a puppet regime installed by Washington."
    assert across("de", case) and not across("en", case) and not across(None, case)
    verifier = Verifier(np.zeros(5, np.float32), 0.0, 0.98, 0.8, 5, threshold_across=0.95)
    assert verifier.cut(True) == 0.95 and verifier.cut(False) == 0.98
    assert Verifier(np.zeros(5, np.float32), 0.0, 0.93, 0.8, 5).cut(True) == 0.93  # a verifier with one cut


def test_a_translation_is_scored_by_the_weights_for_translations_where_trained_so(tmp_path) -> None:
    features = np.array([[0.9, 0.1, 0, 0, 0.8], [0.9, 0.1, 0, 0, 0.8]], np.float32)
    one = Verifier(np.ones(5, np.float32), -1.0, 0.9, 0.8, 5)
    assert np.allclose(one.scores(features, np.array([False, True])), one.scores(features))  # one set of weights
    two = Verifier(np.ones(5, np.float32), -1.0, 0.9, 0.8, 5, 0.8, np.full(5, 3.0, np.float32), -4.0)
    same, other = two.scores(features, np.array([False, True]))
    assert same == pytest.approx(one.scores(features)[0]) and other == pytest.approx(1 / (1 + np.exp(-1.4)))
    two.save(tmp_path, {})
    Verifier.load.cache_clear()
    loaded = Verifier.load(tmp_path)
    assert np.allclose(loaded.scores(features, np.array([False, True])), [same, other]) and loaded.cut(True) == 0.8


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("30.000 soldiers", {"30000"}),
        ("30 000 soldats", {"30000"}),
        ("30 тысяч сирийцев", {"30000"}),
        ("30 ألف مهاجر", {"30000"}),
        ("1,500 dollars", {"1500"}),
        ("2,5 Millionen Euro", {"2500000"}),
        ("in 2014 and 2022", {"2014", "2022"}),
    ],
)
def test_figures_are_read_as_values_in_every_language(text: str, values: set[str]) -> None:
    assert numbers(text) == values


def test_a_case_whose_figures_all_differ_is_another_claim() -> None:
    assert figures_differ("Plus de 3.000 Ukrainiens ont été libérés.", "More than 30 Ukrainian soldiers deserted.")
    assert not figures_differ("Sandu will 30.000 Syrer aufnehmen.", "Sandu will accept 30 000 Syrian immigrants.")
    assert not figures_differ("Sandu will Syrer aufnehmen.", "Sandu will accept 30 000 Syrian immigrants.")


def test_a_sentence_moves_to_the_bank_language_and_only_where_both_means_are_known() -> None:
    shipped = LanguageMeans.load(model_path("matching"))
    assert set(shipped.means) >= {"en", "fr", "de", "it", "es", "pl", "uk", "ru", "ar"}
    means = LanguageMeans({"en": np.array([0.0, 0.1], np.float32), "de": np.array([0.3, 0.0], np.float32)})
    vectors = np.array([[0.6, 0.8]], np.float32)
    moved = means.towards(vectors, "de", "en")
    assert np.allclose(moved, [[0.3, 0.9] / np.linalg.norm([0.3, 0.9])])
    assert means.towards(vectors, "en", "en") is vectors and means.towards(vectors, "ar", "en") is vectors
    assert means.towards(vectors, None, "en") is vectors and LanguageMeans({}).towards(vectors, "de", "en") is vectors


def test_normalised_text_and_minhash_ignore_punctuation_and_case() -> None:
    assert normalise("The MOON, landing!") == "the moon landing"
    a = signature("the moon landing was filmed in a studio in nevada", SHINGLE)
    b = signature("The moon landing was filmed in a studio in Nevada, they say.", SHINGLE)
    other = signature("the moon is made of cheese, a farmer in nevada says", SHINGLE)
    assert (a == b).mean() > 0.5 and (a == other).mean() < 0.2


class CountingEmbedder:
    """Texts to fixed vectors, counting what it is asked to embed."""

    dim, fingerprint = 4, "counting"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded += texts
        return np.ones((len(texts), self.dim), np.float32) / 2


def test_a_cached_index_is_reused_and_older_signatures_are_redrawn_without_embedding(tmp_path: Path) -> None:
    from spinscope.casebank.index import CaseIndex
    from spinscope.minhash import PERMUTATIONS

    cache = tmp_path / "bank.index.npz"
    with CaseBank(tmp_path / "bank.sqlite", create=True) as bank:
        bank.upsert(CASES)
        first = CountingEmbedder()
        CaseIndex.build(bank, first, cache)
        with np.load(cache) as z:  # as a cache of the 64-permutation signatures of before left it
            np.savez(cache, **{k: z[k] for k in z.files if k != "signatures"}, signatures=z["signatures"][:, :64])
        again = CountingEmbedder()
        index = CaseIndex.build(bank, again, cache)
    assert len(first.embedded) == len(CASES) and again.embedded == []  # the vectors are reused
    assert index.signatures.shape == (len(CASES), PERMUTATIONS)
    assert index.repeats("The moon landing was filmed in a studio in Nevada, as they say.") == (0, "minhash")
    with np.load(cache) as z:
        assert z["signatures"].shape == (len(CASES), PERMUTATIONS)  # written back


@needs_data
def test_a_german_article_repeating_a_euvsdisinfo_case_shows_it_with_its_rebuttal(tmp_path: Path) -> None:
    from spinscope.casebank import read_cases
    from tests.conftest import DATA, REPO

    settings = load_settings(overrides=[f"casebank.path={tmp_path / 'bank.sqlite'}"], env={})
    with CaseBank(tmp_path / "bank.sqlite", create=True) as bank:
        bank.upsert(read_cases(DATA / "euvsdisinfo", settings))
    record = run(settings, (REPO / "examples" / "article_de.txt").read_text(encoding="utf-8"))
    [match] = record["matches"]
    assert "Facebook" in match["text"] and match["bank"] == "euvsdisinfo" and match["rebuttal"]


def test_a_sentence_is_embedded_without_the_dash_and_quotation_marks_at_its_edges() -> None:
    from spinscope.pipeline.matching import edges_off

    assert edges_off("– Жодної анексії Криму не було.»") == "Жодної анексії Криму не було."
    assert edges_off("«Kiev lies.»") == "Kiev lies." and edges_off("«»") == "«»"
