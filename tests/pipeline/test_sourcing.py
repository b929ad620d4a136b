"""Sourcing: quotation marks, attribution, hedges and the user lexicon, on sentences we wrote."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope.errors import ConfigError
from spinscope.eval.sourcing import read_cases, sourcing_scores
from spinscope.pipeline.sourcing import (
    attribute,
    direct_quotes,
    hedges,
    load_lexicon,
    quote_marks,
    quotes,
    sentence_attribution,
)

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "sourcing_cases.toml"


def _quoted(text: str) -> list[str]:
    return [text[a:b] for a, b in quotes(text, 0, len(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"The border is closed," she said.', ["The border is closed,"]),
        ("« Nous ne céderons rien », a-t-il dit.", ["Nous ne céderons rien"]),
        ("„Wir bleiben“, sagte er.", ["Wir bleiben"]),
        ("«Он сказал: „нет“ и ушёл», — пишет газета.", ["Он сказал: „нет“ и ушёл"]),
        ("He didn’t say ‘never again’ at all.", ["never again"]),
        ("An opening “ that never closes, then “a real one” here.", ["a real one"]),
        ('“one” and “two” and "three"', ["one", "two", "three"]),
        ("No quotes at all.", []),
    ],
)
def test_quotation_marks_of_every_style_pair_up(text: str, expected: list[str]) -> None:
    assert _quoted(text) == expected


def test_thousands_of_unbalanced_marks_are_ignored_quickly() -> None:
    text = "«" * 5000 + " then “a quote” and " + "”" * 5000
    assert _quoted(text) == ["a quote"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab «»„“”"‘’\n.')), max_size=200))
def test_quote_offsets_always_fit_and_never_overlap(text: str) -> None:
    pairs = quote_marks(text, 0, len(text))
    assert all(0 <= a < b < len(text) for a, b in pairs)
    assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(pairs))


def test_scare_quotes_are_not_direct_quotes() -> None:
    text = 'We are told that every rifle is "carefully tracked". "We have no money left," he said.'
    found = direct_quotes(text, [(0, len(text))], [(0, 51), (52, len(text))], "en", load_lexicon())
    assert [text[a:b] for a, b, _ in found] == ["We have no money left,"]
    assert found[0][2]["speaker"] == "he"


def test_a_lead_in_sentence_ending_in_a_colon_names_the_speaker() -> None:
    text = "The mayor told reporters:\n“We have no money left for the bridge.”"
    sentences = [(0, 25), (26, len(text))]
    found = direct_quotes(text, [(0, 25), (26, len(text))], sentences, "en", load_lexicon())
    assert found[0][2]["kind"] == "quote" and found[0][2]["speaker"] == "The mayor"


def test_hand_written_sourcing_cases_hold_their_floors() -> None:
    scores = sourcing_scores(read_cases(CASES)["case"])
    overall = scores["all"]
    assert overall["n"] >= 30
    assert {lang for lang in scores if lang not in ("all", "misses")} >= {"en", "ru", "fr", "de"}
    assert overall["kind_accuracy"] >= 0.95
    assert overall["speaker_exact"] >= 0.9
    assert overall["hedge_precision"] >= 0.9 and overall["hedge_recall"] >= 0.9
    assert scores["en"]["speaker_exact"] == 1.0 and scores["ru"]["speaker_exact"] == 1.0


def test_speaker_offsets_point_into_the_text() -> None:
    text = "Meanwhile, according to the Ministry of Finance, inflation fell."
    at = attribute(text, 0, len(text), "en", load_lexicon()).record(text)
    assert text[at["speaker_start"] : at["speaker_end"]] == at["speaker"] == "the Ministry of Finance"


def test_a_user_lexicon_adds_cues(tmp_path: Path) -> None:
    extra = tmp_path / "mine.toml"
    extra.write_text('[en]\nhedges = ["if the rumours are true"]\nvague = ["[the grapevine] says"]\n', encoding="utf-8")
    lexicon = load_lexicon(str(extra))
    text = "The grapevine says the mine will close, if the rumours are true."
    assert [text[a:b] for a, b in hedges(text, 0, len(text), "en", lexicon)] == ["if the rumours are true"]
    at = attribute(text, 0, len(text), "en", lexicon).record(text)
    assert (at["kind"], at["speaker"]) == ("vague", "The grapevine")
    assert hedges(text, 0, len(text), "en", load_lexicon()) == []  # the packaged lexicon is unchanged


@pytest.mark.parametrize(
    "content", ['[en]\nhedges = "not a list"\n', "[en]\nunknown = []\n", "not toml ==", '[en]\nhedges = [""]\n']
)
def test_a_bad_lexicon_file_is_a_coded_error(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[E506\]"):
        load_lexicon(str(bad))


def test_multilingual_held_out_sourcing_cases_hold_their_floors() -> None:
    """72 wire and opinion sentences in nine languages, written blind to the rules and scored once (RESULTS):
    floors at what that first score measured."""
    overall = sourcing_scores(read_cases(CASES.with_name("sourcing_multilingual.toml"))["case"])["all"]
    assert overall["n"] == 72 and overall["kind_accuracy"] >= 0.88 and overall["speaker_exact"] >= 0.70


def test_held_out_sourcing_cases_hold_their_floors() -> None:
    """A second set, written after the rules were frozen (see RESULTS): floors at what it measured."""
    overall = sourcing_scores(read_cases(CASES.with_name("sourcing_heldout.toml"))["case"])["all"]
    assert overall["n"] >= 20 and overall["kind_accuracy"] >= 0.95 and overall["speaker_exact"] >= 0.95


@pytest.mark.parametrize(
    ("lang", "text", "speaker"),
    [
        ("fr", "Le ministre Jean Dupont a estimé que des soldats restaient détenus.", "Le ministre Jean Dupont"),
        (
            "es",
            "El portavoz del Kremlin, Dmitri Peskov, dijo que no habrá tregua.",
            "El portavoz del Kremlin, Dmitri Peskov",
        ),
        (
            "en",
            "Anna Berg, head of the port authority, told reporters the ships had left.",
            "Anna Berg, head of the port authority",
        ),
        (
            "it",
            "Lo ha detto da Roma il ministro degli Esteri Giulio Neri, a margine del vertice.",
            "il ministro degli Esteri Giulio Neri",
        ),
        ("uk", "У Києві речник міністерства Олег Бойко заявив, що мости відкриті.", "речник міністерства Олег Бойко"),
        ("es", "La luz volvió al barrio, según el alcalde, Pedro Ruiz, que visitó la zona.", "el alcalde, Pedro Ruiz"),
        (
            "de",
            "Der Verband der Stahlindustrie (VDS) warnte vor höheren Preisen.",
            "Der Verband der Stahlindustrie (VDS)",
        ),
        ("de", "Die Lage sei ernst, sagte der Historiker Dr. Jan Wolf am Montag.", "der Historiker Dr. Jan Wolf"),
        ("it", "Lo ha reso noto il prefetto Marco Riva, secondo cui i danni sono lievi.", "il prefetto Marco Riva"),
        ("pl", "Dwie osoby zginęły - poinformował we wtorek wojewoda Jan Nowak.", "wojewoda Jan Nowak"),
        ("es", "«Volveremos», explica Estévez en conversación con este medio.", "Estévez"),
        ("es", "«No habrá tregua», afirmó el ministro Luis Gómez.", "el ministro Luis Gómez"),
        ("ar", "وقال وزير الخارجية دميترو كوليبا إن الهجوم فشل.", "وزير الخارجية دميترو كوليبا"),
        (
            "de",
            "Energieminister Herman Haluschtschenko teilte mit, die Netze seien stabil.",
            "Energieminister Herman Haluschtschenko",
        ),
        (
            "it",
            "Il ministro Antonio Tajani ha ribadito che l'Italia resta al fianco di Kiev.",
            "Il ministro Antonio Tajani",
        ),
        ("ru", "Руслан Эдельгериев в комментарии ТАСС заявил, что квоты не нужны.", "Руслан Эдельгериев"),
        ("it", "Il sindaco della città ha aggiunto che la luce è tornata.", "Il sindaco della città"),
        ("it", "Come spiega il professor Alberto Ferri, la guerra era evitabile.", "il professor Alberto Ferri"),
        (
            "fr",
            "« Cent soldats sont rentrés », a annoncé le\nprésident ukrainien Volodymyr Zelensky.",
            "le\nprésident ukrainien Volodymyr Zelensky",
        ),
        ("en", '"We have no money left," he said.', "he"),
        # words that open a clause or stress what follows are no part of the speaker (lexicon `openers`)
        ("en", "As former NATO commander James Holloway told the BBC, the front has stalled.",
         "former NATO commander James Holloway"),
        ("it", "Persino il ministro Carlo Bianchi ha ammesso che il piano è fallito.", "il ministro Carlo Bianchi"),
        ("ar", "وكانت وزيرة الصحة منى الخطيب قد حذرت من انتشار الوباء.", "وزيرة الصحة منى الخطيب"),
        # a participle clause between the speaker and the cue is no apposition
        ("en", "EU foreign policy chief Josep Borrell, speaking in Brussels, said the talks would resume.",
         "EU foreign policy chief Josep Borrell"),
        ("es", "El ministro Luis Gómez, hablando desde Bruselas, dijo que habrá acuerdo.", "El ministro Luis Gómez"),
        # after "according to", the source ends where the statement starts
        ("pl", "Według danych Ministerstwa Zdrowia liczba zakażeń spadła o połowę.", "danych Ministerstwa Zdrowia"),
        ("de", "Nach Angaben der Bundesnetzagentur sind die Speicher fast gefüllt.", "der Bundesnetzagentur"),
        ("es", "Según la Oficina de Derechos Humanos de la ONU murieron doce civiles.",
         "la Oficina de Derechos Humanos de la ONU"),
        # a source named inside the cue; a pronoun before the cue, not the object after it
        ("ru", "По его словам, переговоры продолжатся в среду.", "его"),
        ("uk", "За її словами, мости відкриті для вантажівок.", "її"),
        ("en", "It said the harvest was the largest in a decade.", "It"),
        ("fr", "Elle a appelé les maires à présenter de nouveaux plans d'ici mars.", "Elle"),
        # "... and told ...": the subject that opens the sentence, after its dateline
        ("en", "KYIV, March 3 (Reuters) - Prime Minister Olena Koval visited the plant on Monday and told workers "
         "the repairs would take weeks.", "Prime Minister Olena Koval"),
    ],
)  # fmt: skip
def test_speakers_are_noun_phrases_never_the_reported_clause_nor_an_adjunct(lang: str, text: str, speaker: str) -> None:
    whole, lexicon = [(0, len(text))], load_lexicon()
    found = sentence_attribution(text, 0, len(text), direct_quotes(text, whole, whole, lang, lexicon), lang, lexicon)
    assert found["kind"] in ("reported", "quote") and found["speaker"] == speaker


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "For years we have been told that coal is finished."),  # a passive: who told it is not said
        ("en", "Any student of history knows that wars are rarely about what the newspapers say."),  # inside a clause
        ("en", "That is what they are paid to say."),  # an infinitive
        ("de", "Was der Minister im Interview erklärt, hört man in keiner Talkshow."),
        ("ru", "Мы попросили его объяснить, почему растут цены."),
        ("en", "Critics would say the plan is far too expensive."),  # a modal: nobody said it
        ("de", "Man muss es inzwischen laut sagen: Die Energiepolitik ist gescheitert."),
    ],
)
def test_a_reporting_verb_that_is_no_act_of_the_sentences_source_attributes_nothing(lang: str, text: str) -> None:
    whole, lexicon = [(0, len(text))], load_lexicon()
    found = sentence_attribution(text, 0, len(text), direct_quotes(text, whole, whole, lang, lexicon), lang, lexicon)
    assert found["kind"] == "unattributed" and found["speaker"] is None


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("وقال وزير الزراعة المغربي خلال مؤتمر صحافي إن المحصول سيتضاعف.", "وزير الزراعة المغربي"),
        ("وأكد المتحدث باسم الحكومة، يوسف العلمي، صباح الأحد أن الطرق مفتوحة.", "المتحدث باسم الحكومة، يوسف العلمي"),
        ("وقالت مساء الأربعاء مديرة المستشفى للصحافيين إن المصابين بخير.", "مديرة المستشفى"),
        ("وقال المدير العام للأمم المتحدة كريم سالم في بيان إن الاتفاق صامد.", "المدير العام للأمم المتحدة كريم سالم"),
        ("وأشاد الرئيس المصري كريم حسن بالاتفاق، وقال إن الحدود ستفتح.", "الرئيس المصري كريم حسن"),
    ],
)
def test_arabic_speakers_end_where_time_and_place_begin(text: str, speaker: str) -> None:
    """Arabic has no capitals to find a name by: the time phrase before a speaker and the phrase of time or
    place after it go, and a name in apposition joins it (sentences written for this test)."""
    at = sentence_attribution(text, 0, len(text), [], "ar", load_lexicon())
    assert at["speaker"] == speaker


def test_a_name_goes_on_over_its_particles() -> None:
    """ "de la" inside an organisation's name is no phrase of place after it; "a Mosca" after a person is."""
    lexicon = load_lexicon()
    text = "Según la Organización Mundial de la Salud, los casos aumentaron un 20 %."
    at = sentence_attribution(text, 0, len(text), [], "es", lexicon)
    assert at["speaker"] == "la Organización Mundial de la Salud"
    text = "Lo ha detto Dmitri Peskov a Mosca, secondo cui i colloqui continuano."
    assert sentence_attribution(text, 0, len(text), [], "it", lexicon)["speaker"] == "Dmitri Peskov"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Kremlin spokesman Dmitry Peskov declined to comment on the visit, telling reporters that talks were over.",
         "Kremlin spokesman Dmitry Peskov"),
        ("EU envoy Anna Berg left Kyiv on Friday, saying the aid would come.", "EU envoy Anna Berg"),
        ("Prices rose sharply, saying a lot about the market.", None),  # no name opens the sentence
        ("Russian troops shelled Kharkiv, saying it was a military target.", None),  # two words between: no name
    ],
)  # fmt: skip
def test_a_participle_cue_after_the_main_clause_gives_the_sentences_opening_name(text: str, speaker: str) -> None:
    assert sentence_attribution(text, 0, len(text), [], "en", load_lexicon())["speaker"] == speaker
