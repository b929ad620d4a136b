"""Actors: recognisers per language, the alias table, merging of name variants, targets and claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.errors import ConfigError
from spinscope.eval.sourcing import read_cases, target_scores
from spinscope.pipeline import Pipeline
from spinscope.pipeline.actors import actor_records, merge, same_actor
from spinscope.pipeline.entities import load_aliases
from spinscope.pipeline.names import name_parts, plausible
from spinscope.pipeline.token_ner import decode

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "sourcing_cases.toml"


def _actors(text: str, lang: str, settings: dict | None = None) -> tuple[Document, list[dict]]:
    settings = settings or load_settings()
    doc = Pipeline.from_settings(settings, only=["segment", "entities"])(Document("t", text, language=lang))
    return doc, actor_records(doc)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Zelensky", "Volodymyr Zelensky", True),
        ("Зеленского", "Владимир Зеленский", True),
        ("Киеве", "Киев", True),
        ("Berg", "Anna Berg", True),
        ("the Commission", "Commission", True),
        ("Iran", "Iraq", False),
        ("European Commission", "European Parliament", False),
        ("Anna Berg", "Tom Berg", False),
        ("وللناتو", "الناتو", True),  # Arabic clitics: "and for" + NATO
        ("بوتين", "لبوتين", True),  # a name that starts like a clitic keeps its own form
        ("بوتين", "الناتو", False),
    ],
)
def test_name_variants(a: str, b: str, same: bool) -> None:
    assert same_actor(a, b) is same


def test_english_mentions_merge_and_loaded_designations_join_their_actor() -> None:
    text = (
        "Interior Minister Anna Berg met Volodymyr Zelensky in Warsaw.\n"
        "Berg said the Kiev regime had asked for more. Zelensky denied it, and the MSM said nothing."
    )
    doc, actors = _actors(text, "en")
    names = {a["name"]: a for a in actors}
    assert len(names["Volodymyr Zelensky"]["mentions"]) == 2
    assert {m["text"] for m in names["Anna Berg"]["mentions"]} == {"Anna Berg", "Berg"}
    assert names["Government of Ukraine"]["aliases"] == ["Kiev regime"]
    assert "mainstream media" in names
    for actor in actors:
        for m in actor["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"]
    assert not doc.warnings


def test_a_lone_surname_typed_otherwise_joins_the_person_and_a_short_form_joins_its_alias_actor() -> None:
    text = "Naciones Unidas: Ramiro Estévez dijo a la Organización de las Naciones Unidas que Estévez no firmará."
    org = "Organización de las Naciones Unidas"

    def at(word: str, start: int = 0) -> tuple[int, int]:
        return text.index(word, start), text.index(word, start) + len(word)

    mentions = [
        (*at("Naciones Unidas"), "ORG", None),  # a short form of an alias actor, before the alias mention
        (*at("Ramiro Estévez"), "PER", None),
        (*at(org), "ORG", "United Nations"),
        (*at("Estévez", text.index("que")), "ORG", None),  # the surname alone, typed ORG
    ]
    actors = {(text[a:b], name) for a, b, _, name in merge(text, sorted(mentions))}
    assert actors == {
        ("Naciones Unidas", "United Nations"),
        (org, "United Nations"),
        ("Ramiro Estévez", "Ramiro Estévez"),
        ("Estévez", "Ramiro Estévez"),
    }
    person_and_place = merge("George Washington saw Washington.", [(0, 17, "PER", None), (22, 32, "LOC", None)])
    assert [name for *_, name in person_and_place] == ["George Washington", "Washington"]  # a known place stays


def test_a_name_hard_wrapped_across_a_line_is_one_mention() -> None:
    text = (
        "Rates to stay high\n\nLONDON, May 2 (Reuters) - The bank's chief economist Thomas\nWhitacre said on Tuesday "
        "that rates\nwould stay high for longer, and Whitacre added that wages rose.\n\nMarkets fell."
    )
    doc, actors = _actors(text, "en")
    person = next(a for a in actors if a["type"] == "PER")
    assert person["name"] == "Thomas Whitacre" and len(person["mentions"]) == 2
    assert all(doc.text[m.start : m.end] == m.text for m in doc.layer("entities"))


def test_an_alias_person_takes_the_whole_recognised_name_around_it() -> None:
    from spinscope.pipeline.entities import _whole_persons

    found = [(6, 14, "PER", "Maria Zakharova"), (20, 24, "ORG", "NATO")]
    recognised = [(0, 14, "PER", None), (16, 24, "ORG", None)]  # "María Zajárova" around "Zajárova"
    assert _whole_persons(found, recognised) == [(0, 14, "PER", "Maria Zakharova"), (20, 24, "ORG", "NATO")]


def test_a_french_portfolio_or_common_name_after_of_the_is_no_actor() -> None:
    text = "Le ministère russe de la Défense a indiqué que l'île des Serpents reste calme, selon Radio France."
    _, actors = _actors(text, "fr")
    names = {a["name"] for a in actors}
    assert not names & {"Défense", "Serpents"} and "Radio France" in names


def test_a_french_demonym_is_a_group_not_a_place() -> None:
    from spinscope.pipeline.names import _typed

    assert [_typed("LOC", w, "fr") for w in ("Français", "Ukrainiens", "Paris")] == ["GROUP", "GROUP", "LOC"]
    assert _typed("LOC", "Ukrainiens", "en") == "LOC"


def test_a_sea_is_cast_in_no_role() -> None:
    from spinscope.pipeline.names import names_sea

    assert names_sea("Black Sea", "en") and names_sea("Чорне море", "uk") and names_sea("Black Sea", "de")
    assert not names_sea("Sea Shepherd", "en") and not names_sea("Ukraine", "en")


def test_russian_mentions_merge_across_cases() -> None:
    text = "Владимир Зеленский прибыл в Брюссель. Встреча Зеленского с главой ЕС длилась час."
    _, actors = _actors(text, "ru")
    names = {a["name"]: a for a in actors}
    assert len(names["Volodymyr Zelensky"]["mentions"]) == 2
    assert len(names["European Union"]["mentions"]) == 2


def test_the_capitalised_fallback_finds_runs_of_names_marked_best_effort() -> None:
    settings = load_settings(overrides=["components.entities.ner.de=capitalised"], env={})
    text = "Die Lügenpresse verschweigt, was Bundeskanzler Olaf Scholz in Kiew sagte."
    doc, actors = _actors(text, "de", settings)
    names = [a["name"] for a in actors]
    assert "mainstream media" in names and "Olaf Scholz" in names  # the title is no part of the name
    assert "Lügenpresse" not in names  # the alias mention wins over the capitalised run
    assert any(w.startswith("[W009]") for w in doc.warnings)


def test_technique_spans_and_claims_link_to_their_actors() -> None:
    text = "The corrupt Kiev regime lies. Experts agree. According to Anna Berg, prices rose."
    doc = Pipeline.from_settings(load_settings(), only=["segment", "entities"])(Document("t", text, language="en"))
    doc.add_span("techniques", 4, 23, "Name_Calling-Labeling")
    at = {"kind": "reported", "speaker": "Anna Berg", "speaker_start": 58, "speaker_end": 67, "cue": "According to"}
    doc.add_span("claims", 45, len(text), "claim", attribution=at, hedges=[])
    names = {a["name"]: a for a in actor_records(doc)}
    assert names["Government of Ukraine"]["targeted_by"] == [
        {"technique": "Name_Calling-Labeling", "start": 4, "end": 23}
    ]
    assert names["Anna Berg"]["claims"] == [0]


def test_hand_written_target_cases_hold_their_floor() -> None:
    scores = target_scores(read_cases(CASES)["target"], load_settings())
    assert scores["n"] >= 10 and scores["accuracy"] >= 0.9, scores["misses"]


def test_a_user_alias_file_adds_actors_and_patterns(tmp_path: Path) -> None:
    extra = tmp_path / "aliases.toml"
    extra.write_text(
        '[[actor]]\nname = "Acme Holdings"\ntype = "ORG"\npatterns = ["the conglomerate", "Acme"]\n'
        '[[actor]]\nname = "European Union"\npatterns = ["the bloc"]\n',
        encoding="utf-8",
    )
    settings = load_settings(overrides=[f"components.entities.aliases={extra}"])
    _, actors = _actors("The conglomerate bought the bloc a gift, and Brussels thanked Acme.", "en", settings)
    names = {a["name"]: len(a["mentions"]) for a in actors}
    assert names["Acme Holdings"] == 2 and names["European Union"] == 2


@pytest.mark.parametrize(
    "content",
    ["[[actor]]\nname = 3\npatterns = ['x']\n", "[[actor]]\nname = 'X'\ntype = 'THING'\npatterns = ['x']\n", "= bad"],
)
def test_a_bad_alias_file_is_a_coded_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E506\]"):
        load_aliases(str(bad))


def test_a_bad_recogniser_setting_is_a_coded_error() -> None:
    settings = load_settings(overrides=["components.entities.ner.en=whatever"])
    with pytest.raises(ConfigError, match=r"\[E505\]"):
        Pipeline.from_settings(settings, only=["entities"])


def test_no_sentences_no_entities() -> None:
    doc, actors = _actors("   \n\n  ", "en")
    assert actors == [] and doc.layer("entities") == []


def test_languages_without_a_model_use_the_token_head_on_the_shared_encoder() -> None:
    text = "Bundeskanzler Olaf Scholz traf am Montag in Berlin den Präsidenten Emmanuel Macron."
    settings = load_settings(env={})
    doc = Pipeline.from_settings(settings, only=["entities"])(Document("t", text, language="de"))
    found = {(m.text, m.label) for m in doc.layer("entities")}
    assert ("Berlin", "LOC") in found  # the head is best effort (gold F1 0.74 in German): names within mentions
    assert any("Olaf Scholz" in text for text, _ in found) and any("Emmanuel Macron" in text for text, _ in found)
    assert any(w.startswith("[W009]") for w in doc.warnings)


def test_without_the_token_head_the_capitalised_fallback_steps_in(tmp_path: Path) -> None:
    settings = load_settings(overrides=[f"components.entities.model={tmp_path / 'none'}"], env={})
    doc = Pipeline.from_settings(settings, only=["entities"])(
        Document("t", "Gestern sprach Olaf Scholz.", language="de")
    )
    assert [m.text for m in doc.layer("entities")] == ["Olaf Scholz"]
    assert any(w.startswith("[W006]") for w in doc.warnings)


@pytest.mark.parametrize(
    ("lang", "mention", "kept"),
    [
        ("de", "nicht", False),
        ("it", "Oppure", False),
        ("it", "candelabro", False),
        ("it", "ucraino", False),
        ("en", "2024", False),
        ("de", "NATO", True),
        ("ar", "الناتو", True),  # no capitals to go by in Arabic
        ("ar", "في", False),
        ("de", "Donnerstag", False),  # calendar words
        ("ar", "الخميس", False),
        ("de", "Regierungssprecher", False),  # a title alone
        ("ar", "الرئيس الأوكراني", False),
        ("ar", "حزيران", False),  # a month of the Levant
        ("ar", "حكوماتنا", False),  # "our governments": a pronoun on a noun
        ("ar", "وغازنا", False),  # "and our gas"
        ("ar", "كاتارينا", True),  # a name after all
        ("ar", "أستانا", True),
        ("ar", "ف ب", False),  # letters of "أ ف ب" (AFP, an alias), or a clitic cut off
    ],
)
def test_function_words_and_lower_case_words_are_no_actors(lang: str, mention: str, kept: bool) -> None:
    assert plausible(mention, 0, len(mention), lang) is kept


@pytest.mark.parametrize(
    ("lang", "mention", "names"),
    [
        ("it", "il portavoce Dmitry Peskov, Vladimir Putin", ["Dmitry Peskov", "Vladimir Putin"]),
        ("it", "agli ordini di Washington", ["Washington"]),
        ("it", "Maidan non", ["Maidan"]),
        ("it", "Commissione europea", ["Commissione europea"]),
        ("es", "Ursula von der Leyen", ["Ursula von der Leyen"]),
        ("de", "ukrainische Präsident Wolodymyr Selenskyj", ["Wolodymyr Selenskyj"]),  # titles: lexicons/names.toml
        ("de", "Bundeskanzler Olaf Scholz", ["Olaf Scholz"]),
        ("de", "der USA", ["USA"]),
        ("de", "In Genf", ["Genf"]),  # a preposition at the start of a sentence (sourcing lexicon)
        ("it", "Di Maio", ["Di Maio"]),  # ... but not a particle that begins a surname
        ("de", "Deutsche Bank", ["Deutsche Bank"]),
        ("en", "President Joe Biden", ["Joe Biden"]),
        ("ar", "الرئيس الفرنسي إيمانويل ماكرون", ["إيمانويل ماكرون"]),
        ("ar", "وزارة الدفاع الروسية", ["وزارة الدفاع الروسية"]),  # only words before the name go
        ("de", "Sachsen und Brandenburg", ["Sachsen", "Brandenburg"]),  # one-word names listed
        ("es", "Letonia y Lituania", ["Letonia", "Lituania"]),
        ("ar", "القاهرة أو بيروت أو دبي", ["القاهرة", "بيروت", "دبي"]),  # "or" written apart
        *(
            (lang, name, [name])
            for lang, name in (  # longer names keep their conjunction
                ("pl", "Instytutu Meteorologii i Gospodarki Wodnej"),
                ("de", "Bundesministerium für Wirtschaft und Klimaschutz"),
            )
        ),
    ],
)
def test_a_mention_is_cut_to_the_names_it_holds(lang: str, mention: str, names: list[str]) -> None:
    assert [mention[a:b] for a, b in name_parts(mention, 0, len(mention), lang)] == names


def test_the_token_head_decodes_whole_words_and_joins_names_split_by_type_or_particle() -> None:
    import numpy as np

    pieces = [("La", "O"), (" Europäische", "I-ORG"), ("n", "O"), (" ", "O"), ("Kommission", "I-ORG"), (" y", "O"),
              (" Casa", "B-PER"), (" Blanca", "I-ORG"), (" y", "O"), (" Ur", "B-PER"), ("sula", "B-PER"),
              (" von", "O"), (" der", "I-PER"), (" Ley", "I-PER"), ("en", "O"), (".", "O")]  # fmt: skip
    text = "".join(piece for piece, _ in pieces)
    ends = np.cumsum([len(piece) for piece, _ in pieces])
    offsets = np.stack([ends - [len(piece) for piece, _ in pieces], ends], axis=1)
    labels = [label for _, label in pieces]
    found = [(text[a:b], t) for a, b, t in decode(text, offsets, labels, "es")]
    assert found == [("Europäischen Kommission", "ORG"), ("Casa Blanca", "ORG"), ("Ursula von der Leyen", "PER")]
    german = [text[a:b] for a, b, _ in decode(text, offsets, labels, "de")]  # no joins over particles there
    assert "Ursula von der Leyen" not in german and "Europäischen Kommission" in german


def test_the_token_head_keeps_only_the_mentions_it_is_sure_enough_of() -> None:
    import numpy as np

    from spinscope.pipeline.encoder import Encoding
    from spinscope.pipeline.linear_head import LinearHead
    from spinscope.pipeline.token_ner import head_mentions

    text = "Scholz lobt Kohlekraftwerke in Berlin"
    words = [(0, 6), (6, 11), (11, 27), (27, 30), (30, 37)]
    # the last states carry the head's logits of B-PER and B-LOC against O (0); Berlin is a known place
    logits = np.array([[3.0, 0.0], [-3.0, -3.0], [0.3, -3.0], [-3.0, -3.0], [-3.0, 0.3]], np.float16)
    encoding = Encoding(np.array(words), np.zeros((5, 1)), None, logits, np.zeros((5, 2), np.float16))
    weights = np.zeros((4, 3), np.float32)
    weights[0, 1], weights[1, 2] = 1.0, 1.0
    head = LinearHead(["O", "B-PER", "B-LOC"], "multiclass", np.zeros(4), np.ones(4), weights, np.zeros(3))
    everything = [text[a:b] for a, b, _ in head_mentions(text, encoding, head, "de")]
    assert everything == ["Scholz", "Kohlekraftwerke", "Berlin"]
    sure = [text[a:b] for a, b, _ in head_mentions(text, encoding, head, "de", floor=0.6)]
    assert sure == ["Scholz", "Berlin"]  # Kohlekraftwerke and Berlin at 0.58 each


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Die Kiewer Junta lügt.", "Government of Ukraine"),
        ("Truppen des Kiewer Regimes rücken vor.", "Government of Ukraine"),
        ("El régimen de Kiev miente.", "Government of Ukraine"),
        ("Wladimir Zelenskij reiste ab.", "Volodymyr Zelensky"),
        ("وصل زيلينسكي إلى لندن.", "Volodymyr Zelensky"),
        ("Il governo ucraino tace.", "Government of Ukraine"),
        ("Die Klimasekte will uns das Auto verbieten.", "climate movement"),
        ("إنها أكاذيب الإعلام المأجور وطائفة المناخ.", "climate movement"),  # a clitic on the designation
        ("Los eurócratas deciden por nosotros.", "Eurocrats"),
        ("Глобалисты из Давоса снова решают за нас.", "globalists"),
    ],
)
def test_loaded_designations_and_name_variants_resolve_in_more_languages(text: str, actor: str) -> None:
    assert any(a.pattern.search(text) and a.name == actor for a in load_aliases())


def test_an_adjective_is_no_mention_of_its_country_in_the_alias_table() -> None:
    text = "Російські дрони атакували українців; the Ukrainian army and российские войска; Росія і Україна."
    found = sorted(text[a:b] for alias in load_aliases() for a, b in alias.mentions(text, text.lower()))
    assert found == ["Росія", "Україна"]


# Typed mention precision / recall floors (span and type exact, aliases left out) on our actor sentences: `actors`
# (32 a language, the rules were written looking at their errors) and `actors_heldout` (16 a language, written
# after the rules and scored once), `actors_blind` (20 a language, written blind to the rules) and `actors_blind2`
# (20 a language in ar, de, es, pl, written blind to the rules on 2026-12-07 and scored before and after the two
# Arabic rules of that day, which came from the wild set) and `actors_blind3` (20 a language, written blind on
# 2026-12-08, scored before and after the known-place rule, then read: the dateline, particle and English adjective
# rules of that day were written after); the floors are what was measured (benchmarks/RESULTS.md).
ACTOR_FLOORS = {  # "actors" trains the token head (train.entities), "actors_heldout" chooses its settings
    "actors": {"ar": (0.93, 0.82), "de": (0.93, 0.83), "en": (0.92, 0.90), "es": (1.00, 0.88), "fr": (0.91, 0.91),
              "it": (1.00, 0.89), "pl": (0.93, 0.91), "ru": (0.89, 0.89), "uk": (0.96, 0.89)},
    "actors_heldout": {"ar": (0.81, 0.75), "de": (1.00, 0.81), "en": (0.94, 0.85), "es": (0.97, 0.90),
                      "fr": (0.97, 0.97), "it": (1.00, 0.87), "pl": (0.96, 0.77), "ru": (0.97, 1.00),
                      "uk": (0.96, 0.78)},
    "actors_blind": {"ar": (0.92, 0.80), "de": (0.91, 0.76), "en": (0.92, 0.83), "es": (0.88, 0.84),
                    "fr": (0.84, 0.90), "it": (0.97, 0.77), "pl": (0.93, 0.81), "ru": (0.90, 0.96),
                    "uk": (0.93, 0.85)},
    "actors_blind2": {"ar": (0.80, 0.63), "de": (0.97, 0.73), "es": (0.87, 0.83), "pl": (0.90, 0.83)},
    "actors_blind3": {"ar": (0.84, 0.69), "de": (0.94, 0.76), "en": (0.89, 0.91), "es": (0.89, 0.89),
                     "fr": (0.89, 0.89), "it": (0.86, 0.75), "pl": (0.95, 0.91), "ru": (0.96, 0.98),
                     "uk": (0.92, 0.83)},
}  # fmt: skip


@pytest.mark.parametrize("folder", sorted(ACTOR_FLOORS))
def test_actor_mentions_hold_their_floors_in_nine_languages(folder: str) -> None:
    from spinscope.eval.entities import entity_scores, gold_cases

    cases = [c for path in sorted((CASES.parent / folder).glob("*.toml")) for c in gold_cases(path)]
    scores = entity_scores(cases, load_settings(env={}))
    assert set(scores) == set(ACTOR_FLOORS[folder])
    for lang, (precision, recall) in ACTOR_FLOORS[folder].items():
        assert scores[lang]["typed_p"] >= precision and scores[lang]["typed_r"] >= recall, lang


def test_an_office_holders_country_or_organisation_is_apart_from_the_name() -> None:
    from spinscope.pipeline.names import owner_apart

    text = "прем'єр-міністр Угорщини Віктор Орбан і генсек NATO Jens Stoltenberg"
    a = text.index("Угорщини")
    assert owner_apart(text, a, text.index(" і"), "PER") == [
        (a, a + len("Угорщини"), "LOC"),
        (text.index("Віктор"), text.index(" і"), "PER"),
    ]
    b = text.index("NATO")
    assert owner_apart(text, b, len(text), "PER")[0] == (b, b + 4, "ORG")
    assert owner_apart(text, text.index("Віктор"), text.index(" і"), "PER") == [
        (text.index("Віктор"), text.index(" і"), "PER")
    ]


def test_a_name_takes_in_the_capitalised_words_just_before_it() -> None:
    from spinscope.pipeline.names import named_from

    text = "Ganó en el Santiago Bernabéu. Marcó Kylian Mbappé; la Casa Blanca calla."
    assert named_from(text, text.index("Bernabéu"), "es") == text.index("Santiago")
    assert named_from(text, text.index("Mbappé"), "es") == text.index("Kylian")  # not "Marcó", a sentence's first
    assert named_from(text, text.index("Blanca"), "es") == text.index("Casa")  # not over "la"
    assert named_from(text, text.index("Blanca"), "es", floor=text.index("Blanca")) == text.index("Blanca")
    german = "Der Verein Borussia Dortmund"
    assert named_from(german, german.index("Dortmund"), "de") == german.index("Dortmund")


def test_german_nouns_after_an_article_are_no_people_or_places() -> None:
    from spinscope.pipeline.names import common_noun

    text = "Die EZB hob den Leitzins, im Osten wächst die Wut, und die Ukraine wartet auf Scholz."
    at = {w: (text.index(w), text.index(w) + len(w)) for w in ("Leitzins", "Osten", "Ukraine", "Scholz")}
    assert common_noun(text, *at["Leitzins"], "PER", "de") and common_noun(text, *at["Osten"], "LOC", "de")
    assert not common_noun(text, *at["Ukraine"], "LOC", "de")  # a known place
    assert not common_noun(text, *at["Scholz"], "PER", "de")  # no article
    assert not common_noun(text, *at["Leitzins"], "PER", "en")
    russe = "dort der böse Russe, hier Scholz"
    assert common_noun(russe, russe.index("Russe"), russe.index(","), "LOC", "de")
    orgs = "die Panzerbrigade, der Bundestag und die AfD"
    at = {w: (orgs.index(w), orgs.index(w) + len(w)) for w in ("Panzerbrigade", "Bundestag", "AfD")}
    assert common_noun(orgs, *at["Panzerbrigade"], "ORG", "de")  # an organisation by its type only
    assert not common_noun(orgs, *at["Bundestag"], "ORG", "de") and not common_noun(orgs, *at["AfD"], "ORG", "de")
    arabic = "قالت الرئاسة إن العراق والمدن"
    at = {w: (arabic.index(w), arabic.index(w) + len(w)) for w in ("الرئاسة", "العراق", "والمدن")}
    assert common_noun(arabic, *at["الرئاسة"], "LOC", "ar") and common_noun(arabic, *at["والمدن"], "LOC", "ar")
    assert not common_noun(arabic, *at["العراق"], "LOC", "ar")  # a known place


def test_arabic_clitics_before_places_start_a_name() -> None:
    from spinscope.pipeline.names import name_parts

    text = "زار مصر وتونس والمغرب"
    parts = [text[a:b] for a, b in name_parts(text, text.index("مصر"), len(text), "ar")]
    assert parts == ["مصر", "تونس", "المغرب"]


def test_the_shipped_places_are_cldrs() -> None:
    from spinscope.pipeline.places import PLACES, cldr_places

    shipped = set(PLACES.read_text(encoding="utf-8").split())
    current = cldr_places()  # babel's CLDR may have moved on since the file was written: nearly all agree
    assert len(shipped) > 2500 and sum(name in shipped for name in current) >= 0.95 * len(current)


def test_known_places_are_places_in_every_served_language_and_case() -> None:
    from spinscope.pipeline.places import is_place

    for name in ("Kiew", "Київ", "Kijów", "Kijowa", "Kijowie", "Польщі", "Bruselas", "Брюсселі", "كييف", "Warschau"):
        assert is_place(name), name
    for name in ("Scholz", "Zelensky", "Sputnik", "Biały Dom", "NATO"):
        assert not is_place(name), name


def test_a_known_place_the_head_left_out_is_a_place_in_its_listed_form_only() -> None:
    from spinscope.pipeline.token_ner import places_left_out

    text = "وصل إلى موسكو ثم وباريس. Die Ukrainer und Deutschland; ganz Europa; in deutschland; Rosjan w Kijowie."
    found = [text[a:b] for a, b, kind in places_left_out(text, [(text.index("Die"), text.index("Die") + 3, "ORG")])]
    assert found == ["موسكو", "باريس", "Deutschland", "Europa"]  # no demonym, case form or lower-case word
    assert places_left_out("Berlin", [(0, 6, "PER")]) == []  # inside a mention it stays what the head said
    treaty = "el Acuerdo de París; اتفاق باريس; هجوما روسيا (a Russian attack); ضد روسيا"
    assert [treaty[a:b] for a, b, _ in places_left_out(treaty, [])] == ["روسيا"]
    assert places_left_out(treaty, [])[0][0] == treaty.rindex("روسيا")  # against Russia: the place


def test_a_wire_reports_dateline_is_a_place_and_name_particles_join_the_name() -> None:
    from spinscope.eval.entities import recognised

    pipeline = Pipeline.from_settings(load_settings(env={}), only=["entities"])
    pipeline.step("entities").aliases = ()
    for lang, text, want in (
        ("en", "SEATTLE (Reuters) - Crown Prince Mohammed bin Salman met Ahmed al-Sharaa.",
         {("SEATTLE", "LOC"), ("Reuters", "ORG"), ("Mohammed bin Salman", "PER"), ("Ahmed al-Sharaa", "PER")}),
        ("it", "TORINO, 5 dicembre - L'emiro Tamim bin Hamad al-Thani è arrivato.",
         {("TORINO", "LOC"), ("Tamim bin Hamad al-Thani", "PER")}),
        ("en", "NATO, the EU and the US said so - and more.", {("NATO", "ORG"), ("EU", "ORG")}),
        ("en", "Iranian drones and Nepali workers; the Iranians left Ukraine.",
         {("Iranians", "GROUP"), ("Ukraine", "LOC")}),
    ):  # fmt: skip
        found = {(text[a:b], kind) for a, b, kind in recognised(pipeline, {"text": text, "lang": lang})}
        assert found == want, text


class _Typer:
    """A stand-in for MentionTyper: fixed answers per name."""

    def __init__(self, answers: dict[str, str | None]) -> None:
        self.answers = answers

    def types(self, names: list[str]) -> dict[str, str | None]:
        return {name: self.answers.get(name) for name in names}


def test_the_mention_typer_retypes_and_drops_only_one_word_non_names() -> None:
    from spinscope.pipeline.mention_types import retyped

    text = "ONU Hintermänner Vox Polska ZDF Anna Berg Leitzins"
    answers = {"ONU": "ORG", "Hintermänner": "NONE", "Vox": None, "Polska": "PER", "ZDF": "NONE",
               "Anna Berg": "NONE", "Leitzins": "NONE"}  # fmt: skip
    spans = [(m.start(), m.end()) for m in __import__("re").finditer(r"Anna Berg|\S+", text)]
    mentions = [(a, b, "LOC", None) for a, b in spans]
    out = {text[a:b]: kind for a, b, kind, _ in retyped(mentions, text, _Typer(answers))}
    assert out == {
        "ONU": "ORG",  # retyped
        "Vox": "LOC",  # no label reached its cut: the recogniser's type stays
        "Polska": "LOC",  # a known place stays a place
        "ZDF": "LOC",  # an acronym is a name whatever the typer says
        "Anna Berg": "LOC",  # so are several words
    }  # "Hintermänner" and "Leitzins" dropped
    arabic = "غوتيريش الموانئ"  # Guterres (the typer: a place), the ports (no name)
    said = {"غوتيريش": "LOC", "الموانئ": "NONE"}
    found = retyped([(0, 7, "PER", None), (8, 15, "ORG", None)], arabic, _Typer(said))
    assert found == [(0, 7, "PER", None)]  # not retyped outside the scripts of its names; dropped in any


@pytest.mark.parametrize(
    ("lang", "text", "found"),
    [
        ("de", "Die Russische Föderation hat nie jemanden bedroht, doch die Kriegstreiber in Brüssel wollen davon "
         "nichts wissen.", [("Russische Föderation", "LOC"), ("Brüssel", "ORG")]),  # the token head: an ORG
        ("pl", "Trybunał Konstytucyjny odrzucił skargę posłów Prawa i Sprawiedliwości na ustawę o mediach publicznych.",
         [("Trybunał Konstytucyjny", "ORG")]),  # head: "Sprawiedliwości" ORG, a fragment of the party's name
    ],
)  # fmt: skip
def test_the_shipped_mention_typer_corrects_the_token_heads_types(lang: str, text: str, found: list) -> None:
    doc = _actors(text, lang, load_settings(env={}))[0]
    assert [(m.text, m.label) for m in doc.layer("entities")] == found
    off = load_settings(overrides=["components.entities.types="], env={})
    assert [(m.text, m.label) for m in _actors(text, lang, off)[0].layer("entities")] != found


def test_a_recognised_mention_ends_where_a_sentence_starts() -> None:
    from spinscope.pipeline.entities import _within_sentences

    text = "كان الأسوأ. بايدن قال ذلك."  # "It was the worst. Biden said so.": the head ran the two together
    start = text.index("بايدن")
    found = _within_sentences([(4, start + 5, "PER")], [0, start])
    assert [text[a:b] for a, b, _ in found] == ["الأسوأ. ", "بايدن"]


def test_a_headline_fragment_the_article_never_uses_again_is_no_actor() -> None:
    from spinscope.api import analyze
    from spinscope.writers.record import to_record

    text = (
        "The Truth They Will Not Print: Who Pays for Zelensky's War?\n\n"
        "Volodymyr Zelensky asked for more money again on Monday, and Brussels said yes within the hour.\n"
    )
    actors = {
        e["name"]: len(e["mentions"]) for e in to_record(analyze(text, settings=load_settings(env={})))["entities"]
    }
    assert "The Truth They Will Not Print" not in actors  # spaCy: ORG, from the headline's capitals
    assert actors["Volodymyr Zelensky"] == 2  # a name in the headline that the article uses again stays


def test_a_word_in_capitals_longer_than_an_acronym_is_asked_as_running_text() -> None:
    from spinscope.pipeline.mention_types import retyped

    text = "PERUGIA NATO"  # a dateline's city (no gazetteer place), an acronym
    typer = _Typer({"Perugia": "LOC", "PERUGIA": "ORG", "NATO": "ORG"})
    assert retyped([(0, 7, "PER", None), (8, 12, "LOC", None)], text, typer) == [
        (0, 7, "LOC", None),
        (8, 12, "ORG", None),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "mention", "names"),
    [
        ("de", "Ein Wrack liegt in der Ostsee vor Rügen.", "Ostsee vor Rügen", ["Ostsee", "Rügen"]),  # cut there
        ("de", "Das Bundesamt für Verfassungsschutz warnt.", "Bundesamt für Verfassungsschutz", None),  # "für" stays
        ("en", "The European Union agreed.", "The European Union", ["European Union"]),  # an article goes
        ("en", "The Hague agreed.", "The Hague", None),  # ... not before a name of one word
        ("es", "La ONU lo dice.", "La ONU", ["ONU"]),  # ... unless it is an acronym
        ("uk", "Біля узбережжя Криму", "Біля узбережжя Криму", ["Криму"]),  # a preposition, lower-case words
        ("ar", "صوّت مجلس الأمن الدولي", "صوّت مجلس الأمن الدولي", ["مجلس الأمن الدولي"]),  # a verb (with shadda)
        ("ar", "وصلت الوفود إلى دافوس", "إلى دافوس", ["دافوس"]),  # a preposition
    ],
)
def test_name_parts_cut_at_words_outside_names_and_leave_articles(lang, text, mention, names) -> None:
    from spinscope.pipeline.names import name_parts

    a = text.index(mention)
    assert [text[x:y] for x, y in name_parts(text, a, a + len(mention), lang)] == (names or [mention])


@pytest.mark.parametrize(
    ("lang", "text", "mention", "plausible"),
    [
        ("en", "Russian forces shelled the town.", "Russian", False),  # qualifies the noun after it
        ("en", "German Chancellor Olaf Scholz spoke.", "German", False),  # ... or the title after it
        ("en", "Nobody trusts the Russians here.", "Russians", True),  # a group named by a noun
        ("uk", "Російський лідер погрожує.", "Російський", False),  # a sentence's capital only
        ("uk", "Російська Федерація погрожує.", "Російська Федерація", True),  # part of a name
        ("pl", "Ukraińscy żołnierze walczą.", "Ukraińscy", False),
        ("it", "C'era una volta la Cina.", "C", False),  # a letter elided before an apostrophe
        ("pl", "Wpis na platformie X zniknął.", "X", True),
    ],
)
def test_an_adjective_of_nationality_before_a_noun_is_no_actor(lang: str, text: str, mention: str, plausible) -> None:
    from spinscope.pipeline.names import plausible as is_plausible

    a = text.index(mention)
    assert is_plausible(text, a, a + len(mention), lang) is plausible


@pytest.mark.parametrize(
    ("lang", "text", "mention", "place"),
    [
        ("it", "Navi russe nel Mar Nero.", "Nero", "Mar Nero"),  # the word for sea leads
        ("de", "Drohnen über dem Schwarzes Meer.", "Schwarzes", "Schwarzes Meer"),  # ... or ends the name
        ("uk", "Кораблі у Чорному морі.", "Чорному", "Чорному морі"),
        ("ar", "السفن في البحر الأسود.", "الأسود", "البحر الأسود"),
        ("ar", "السفن في البَحْر الأسود.", "الأسود", "البَحْر الأسود"),  # with its vowel signs
        ("it", "Navi russe nel Mar Nero.", "Mar Nero", "Mar Nero"),  # recognised whole
        ("fr", "Des navires dans l’océan Atlantique.", "Atlantique", "océan Atlantique"),  # without its article
        ("it", "Navi nell'oceano Atlantico.", "Atlantico", "oceano Atlantico"),
        ("en", "Crude rose in Texas.", "Texas", None),
    ],
)
def test_a_sea_is_named_with_its_word_for_sea(lang: str, text: str, mention: str, place: str | None) -> None:
    from spinscope.pipeline.names import at_sea

    a = text.index(mention)
    found = at_sea(text, a, a + len(mention), lang)
    assert (text[slice(*found)] if found else None) == place


def test_a_persons_name_ends_in_a_capital_and_an_elided_article_is_no_part_of_a_name() -> None:
    from spinscope.pipeline.names import names_in

    text = "Світлана Гринчук повідомила"
    assert [text[a:b] for a, b, _ in names_in(text, 0, len(text), "PER", "uk")] == ["Світлана Гринчук"]
    text = "L'OTAN et l'ONU"
    assert [text[a:b] for a, b, _ in names_in(text, 0, 6, "ORG", "fr")] == ["OTAN"]
    assert [(text[a:b], t) for a, b, t in names_in("Kherson", 0, 7, "PER", "en") for text in ["Kherson"]] == [
        ("Kherson", "LOC")
    ]  # a city of the war news (lexicons/places_news.txt) is a place
    assert [t for _, _, t in names_in("PARIS", 0, 5, "MISC", "fr")] == ["LOC"]  # a dateline's city, MISC to spaCy


def test_a_place_or_organisation_alias_inside_a_recognised_organisation_leaves_it_the_actor() -> None:
    from spinscope.pipeline.entities import _not_inside_organisations

    text = "La Misión de Observación de la ONU y la ONU"
    mission, inner, alone = (0, 34, "ORG", None), (31, 34, "ORG", "United Nations"), (40, 43, "ORG", "United Nations")
    yielding = frozenset({"United Nations"})
    assert text[31:34] == text[40:43] == "ONU"
    assert _not_inside_organisations([inner, alone], [mission], yielding) == [alone]
    assert _not_inside_organisations([inner, alone], [mission], frozenset()) == [inner, alone]  # a person's alias


def test_name_variants_in_other_scripts_are_one_actor() -> None:
    from spinscope.api import analyze_all

    pipeline = Pipeline.from_settings(load_settings(env={}), only=["entities"])
    text = "Lawrow traf Peskow. Лавров и Песков молчат. لافروف"
    (doc,) = analyze_all([Document("t", text, language="de")], pipeline, "test")
    assert {m.attrs["actor"] for m in doc.layer("entities")} == {"Dmitry Peskov", "Sergey Lavrov"}


@pytest.mark.parametrize(
    ("lang", "text", "mention", "label", "names"),
    [
        ("de", "Bundesfinanzminister Lars Klingbeil sprach.", "Bundesfinanzminister Lars Klingbeil", "PER",
         [("Lars Klingbeil", "PER")]),  # a compound of a title leads the name
        ("pl", "Bramkę strzelił Rafał Augustyniak.", "Rafał", "PER", [("Rafał Augustyniak", "PER")]),  # a surname
        ("it", "Lo ha detto Andriy a Roma.", "Andriy", "PER", [("Andriy", "PER")]),  # ... not a function word
        ("es", "Lo dijo la Organización Mundial de la Salud.", "Organización Mundial", "ORG",
         [("Organización Mundial de la Salud", "ORG")]),  # the "of" part of a Romance name
        ("es", "El Ministerio de España habló.", "Ministerio", "ORG", [("Ministerio", "ORG")]),  # not over a place
        ("de", "Der FC Bayern München gewann.", "Bayern München", "LOC", [("FC Bayern München", "ORG")]),  # a club
        ("pl", "W Jastrzębiu-Zdroju pada.", "Jastrzębiu", "LOC", [("Jastrzębiu-Zdroju", "LOC")]),  # hyphenated
    ],
)  # fmt: skip
def test_a_recognised_name_is_completed(lang: str, text: str, mention: str, label: str, names) -> None:
    from spinscope.pipeline.names import names_in

    a = text.index(mention)
    assert [(text[x:y], t) for x, y, t in names_in(text, a, a + len(mention), label, lang)] == names


def test_an_article_in_capitals_inside_a_sentence_starts_the_name_and_one_before_a_place_goes() -> None:
    from spinscope.pipeline.names import name_parts, named_from

    text = "Según El País, la guerra sigue."
    assert named_from(text, text.index("País"), "es") == text.index("El País")
    text = "La Russia attacca."
    assert [text[a:b] for a, b in name_parts(text, 0, len("La Russia"), "it")] == ["Russia"]
    text = "La Stampa scrive."
    assert [text[a:b] for a, b in name_parts(text, 0, len("La Stampa"), "it")] == ["La Stampa"]


def test_a_share_button_is_no_actor() -> None:
    from spinscope.pipeline.entities import _off_page_furniture

    text = "Teilen | Twittern | E-Mail\nRainer Vollmer schreibt aus Berlin."
    found = [(text.index(w), text.index(w) + len(w), "PER", None) for w in ("Twittern", "Rainer Vollmer")]
    assert _off_page_furniture(text, found) == found[1:]


def test_weapons_diseases_conferences_and_designations_are_no_actors() -> None:
    from spinscope.pipeline.names import thing

    text = "Patriots, IRIS-T, Covid, COP28, Ch-101 and El Niño; Stacey Abrams and the Taurus Group"
    things = [w for w in ("Patriots", "IRIS-T", "Covid", "COP28", "Ch", "El Niño") if thing(text, *_at(text, w))]
    assert len(things) == 6
    assert not thing(text, *_at(text, "Stacey Abrams")) and not thing(text, *_at(text, "Taurus Group"))


def test_sea_ice_is_no_sea_and_initials_keep_their_full_stop() -> None:
    pipeline = Pipeline.from_settings(load_settings(env={}), only=["segment", "entities"])
    text = "Antarctic sea ice shrank, the U.N. said, while the Black Sea fleet left."
    doc = pipeline(Document("x", text, language="en"))
    names = {(e.text, e.attrs["actor"]) for e in doc.layer("entities")}
    assert ("U.N.", "United Nations") in names and ("Black Sea", "Black Sea") in names
    assert not any("sea ice" in n or n == "Antarctic sea" for n, _ in names)


def _at(text: str, piece: str) -> tuple[int, int]:
    return text.index(piece), text.index(piece) + len(piece)


def test_an_office_before_its_acronym_and_a_place_before_a_conjunction_stand_apart() -> None:
    from spinscope.pipeline.names import name_parts, owner_apart

    text = "Повітряних сил ЗСУ Юрій Ігнат"
    assert [(text[a:b], k) for a, b, k in owner_apart(text, 0, len(text), "PER")] == [
        ("Повітряних сил ЗСУ", "ORG"),
        ("Юрій Ігнат", "PER"),
    ]
    text = "Londynie i Nowym Jorku; Instytutu Meteorologii i Gospodarki Wodnej"
    parts = [text[a:b] for a, b in name_parts(text, 0, text.index(";"), "pl")]
    parts += [text[a:b] for a, b in name_parts(text, text.index("Inst"), len(text), "pl")]
    assert parts == ["Londynie", "Nowym Jorku", "Instytutu Meteorologii i Gospodarki Wodnej"]
