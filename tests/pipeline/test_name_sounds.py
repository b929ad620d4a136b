"""Names recognised across scripts by their consonant skeletons, and the persons a case names."""

from __future__ import annotations

import pytest

from spinscope.pipeline.name_sounds import persons_missing, persons_named, skeleton, sounds_in


@pytest.mark.parametrize(
    "spellings",
    [
        ("Poroshenko", "Порошенко", "Poroszenko", "Porochenko", "Poroschenko", "بوروشينكو"),
        ("Zelensky", "Зеленський", "Зеленский", "زيلينسكي"),
        ("Soros", "Сорос", "سوروس"),
        ("Trump", "Трамп", "ترامب"),
        ("Merkel", "Меркель", "ميركل"),
    ],
)
def test_one_name_in_every_script_has_one_skeleton(spellings: tuple[str, ...]) -> None:
    assert len({skeleton(s) for s in spellings}) == 1


def test_a_name_sounds_in_inflected_and_prefixed_words_and_only_there() -> None:
    assert sounds_in("Turchynov", "Заявление Турчинова вызвало споры.")
    assert sounds_in("Poroshenko", "وقال بوروشينكو إن الانتخابات ستجرى في موعدها.")
    assert sounds_in("Selenskyj", "Zelensky visited Kherson.")
    assert not sounds_in("Turchynov", "وكانت المتحدثة باسم الخارجية الروسية ماريا زاخاروفا قد حذرت")
    assert sounds_in("Pen", "Nobody voted.")  # a skeleton too short to tell: taken as named


def test_a_case_naming_a_person_is_not_stated_by_a_sentence_that_names_nobody() -> None:
    case = "Petro Poroshenko became president of Ukraine illegally, after a coup in Kiev."
    assert persons_named(case) == ("Poroshenko",)
    assert persons_missing("En 2014, Kiev a connu un coup d'État qui a chassé un président élu.", case)
    assert not persons_missing("Порошенко стал президентом незаконно, после переворота в Киеве.", case)
    assert not persons_missing("Wind turbines cause fog.", "Wind turbines cause the fog over Prague.")
    assert persons_named("Petro Poroschenko wurde nach einem Putsch illegal Präsident der Ukraine.") == ()
