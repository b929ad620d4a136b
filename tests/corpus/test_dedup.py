"""Syndication clusters: variants of invented articles cluster, same-topic articles do not, translations do."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import numpy as np
import pytest

from spinscope.corpus import dedup
from spinscope.corpus.dedup import Deduper, containment, domain, sentences
from spinscope.embedder import load_embedder
from spinscope.errors import SpinscopeError
from spinscope.minhash import normalise, shingles
from tests.conftest import run_cli


def article(*paragraphs: str) -> str:
    """Paragraphs separated by blank lines, as most articles are."""
    return "\n\n".join(paragraphs) + "\n"


# Every article below was written for these tests.
FLOOD = article(
    "River Alder bursts its banks, hundreds evacuated in Kelton",
    "Emergency crews evacuated more than four hundred residents from low-lying streets in Kelton on Tuesday "
    "night after the River Alder burst its banks following three days of heavy rain.",
    "The water rose by nearly two metres in six hours, according to the regional flood agency, which said the"
    " level had not been that high since the winter of 1998. Sandbags were handed out at the town hall until "
    "the supply ran out shortly after midnight.",
    '"We watched the water come up the garden and into the kitchen in less than an hour," said Maria Holt, a '
    "retired teacher who spent the night in a school gym with her two dogs. Volunteers served soup and "
    "blankets while firefighters used boats to reach elderly people trapped on upper floors.",
    "The mayor, Tom Berridge, said the council would ask the national government for emergency funds to "
    "repair two damaged bridges and the water treatment plant. Schools will remain closed until Friday and "
    "residents have been told to boil tap water before drinking it.",
)

FARMS = article(
    "Farmers count the cost as floods swamp fields near Dunmore",
    "Farmers around Dunmore say this year's harvest is lost after floodwater covered thousands of hectares of"
    " wheat and potatoes for more than a week.",
    "The agriculture ministry estimates the damage at around twelve million euros and has promised "
    "compensation, but growers complain that payments after the last flood took almost two years to arrive.",
    '"The soil needs months to recover, and the insurers no longer cover us for this," said Peter Quinn, '
    "whose family has farmed the same land for four generations. Several dairy farms had to move their herds "
    "to higher ground with the help of neighbours.",
    "Environmental groups argue that drained wetlands upstream once held back much of the water and are "
    "calling for them to be restored. The ministry said a study of the whole river basin would be published "
    "in the spring.",
)

ELECTION = article(
    "Opposition takes Harwick council for the first time in twenty years",
    "The Civic Alliance won nineteen of the thirty-five seats on Harwick city council on Sunday, ending two "
    "decades of rule by the Progress Party, which lost eight seats.",
    "Turnout reached 61 percent, the highest since the council was created, with long queues outside polling "
    "stations in the northern districts until the doors closed at ten in the evening.",
    "Alliance leader Nadia Okafor promised to freeze bus fares, publish every council contract online and "
    "review the sale of the old harbour warehouses to a private developer, a deal her party called rushed and"
    " secretive.",
    "The outgoing leader, Graham Pike, conceded defeat shortly after midnight and said his party would hold a"
    " review of its campaign. Counting in two wards was delayed after a ballot box arrived with a broken "
    "seal, but officials said the result was not affected.",
)

BUDGET = article(
    "Harwick council approves a budget that cuts library hours",
    "Harwick council voted on Wednesday for a budget that closes three branch libraries on Mondays and raises"
    " parking charges in the city centre by a fifth.",
    "Councillors said rising energy bills and the cost of care for older residents left them with a gap of "
    "nine million pounds. Reading groups and parents staged a silent protest in the public gallery during the"
    " three-hour debate.",
    "The finance chief, Olivia Grant, told members that no library would close altogether and that mobile "
    "book vans would visit the outlying villages twice a month instead of once.",
    "The budget passed by twenty votes to fifteen. Opposition members said they would try to reverse the "
    "library cuts next year by selling unused council offices.",
)

STRIKE = article(
    "Rail workers walk out over new rosters, stranding commuters",
    "Thousands of commuters were stranded on Monday as train drivers and conductors on the Northern Line "
    "network began a 48-hour strike over changes to their working hours.",
    "The union says the new rosters would force staff to work up to six night shifts in a row and cut rest "
    "breaks on the longest routes. The operator insists the plan only brings the timetable in line with those"
    " of neighbouring networks.",
    "Only one train in five ran during the morning rush, and replacement buses were packed long before eight "
    "o'clock. Several schools allowed pupils to arrive late.",
    "Talks between the union and the operator are due to resume on Thursday under the supervision of a "
    "mediator appointed by the transport ministry.",
)

FLOOD_FR = article(
    "La rivière Alder sort de son lit, des centaines d'habitants évacués à Kelton",
    "Les secours ont évacué mardi soir plus de quatre cents habitants des rues basses de Kelton, après que la"
    " rivière Alder est sortie de son lit à la suite de trois jours de fortes pluies.",
    "L'eau est montée de près de deux mètres en six heures, selon l'agence régionale des crues, qui précise "
    "que le niveau n'avait pas été aussi élevé depuis l'hiver 1998. Des sacs de sable ont été distribués à la"
    " mairie jusqu'à épuisement du stock, peu après minuit.",
    "« Nous avons vu l'eau monter dans le jardin puis entrer dans la cuisine en moins d'une heure », raconte "
    "Maria Holt, une enseignante à la retraite qui a passé la nuit dans le gymnase d'une école avec ses deux "
    "chiens. Des bénévoles ont servi de la soupe et distribué des couvertures, tandis que les pompiers "
    "utilisaient des bateaux pour rejoindre les personnes âgées bloquées dans les étages.",
    "Le maire, Tom Berridge, a indiqué que la commune demanderait au gouvernement des fonds d'urgence pour "
    "réparer deux ponts endommagés et la station de traitement des eaux. Les écoles resteront fermées jusqu'à"
    " vendredi et les habitants doivent faire bouillir l'eau du robinet avant de la boire.",
)

FLOOD_DE = article(
    "Fluss Alder tritt über die Ufer, Hunderte Menschen in Kelton evakuiert",
    "Rettungskräfte haben am Dienstagabend mehr als vierhundert Bewohner aus tief gelegenen Straßen in Kelton"
    " in Sicherheit gebracht, nachdem der Fluss Alder nach drei Tagen Starkregen über die Ufer getreten war.",
    "Das Wasser stieg nach Angaben der regionalen Hochwasserbehörde innerhalb von sechs Stunden um fast zwei "
    "Meter; so hoch sei der Pegel seit dem Winter 1998 nicht mehr gewesen. Im Rathaus wurden Sandsäcke "
    "verteilt, bis der Vorrat kurz nach Mitternacht erschöpft war.",
    "„Wir haben zugesehen, wie das Wasser durch den Garten bis in die Küche stieg, in weniger als einer "
    'Stunde", sagte Maria Holt, eine pensionierte Lehrerin, die die Nacht mit ihren zwei Hunden in einer '
    "Schulturnhalle verbrachte. Freiwillige verteilten Suppe und Decken, während die Feuerwehr mit Booten "
    "ältere Menschen erreichte, die in den oberen Stockwerken festsaßen.",
    "Bürgermeister Tom Berridge kündigte an, die Stadt werde bei der Regierung Notmittel beantragen, um zwei "
    "beschädigte Brücken und das Wasserwerk zu reparieren. Die Schulen bleiben bis Freitag geschlossen, und "
    "die Bewohner sollen Leitungswasser vor dem Trinken abkochen.",
)

FLOOD_RU = article(
    "Река Алдер вышла из берегов, в Келтоне эвакуированы сотни жителей",
    "Спасатели во вторник вечером эвакуировали более четырёхсот жителей с низменных улиц Келтона после того, "
    "как река Алдер вышла из берегов в результате трёхдневных сильных дождей.",
    "По данным региональной службы по наводнениям, за шесть часов вода поднялась почти на два метра; такого "
    "уровня не было с зимы 1998 года. Мешки с песком раздавали у здания мэрии, пока запас не закончился "
    "вскоре после полуночи.",
    "«Мы смотрели, как вода поднимается по саду и меньше чем за час заходит на кухню», рассказала Мария Холт,"
    " учительница на пенсии, которая провела ночь в школьном спортзале вместе с двумя собаками. Волонтёры "
    "раздавали суп и одеяла, а пожарные на лодках добирались до пожилых людей, оказавшихся запертыми на "
    "верхних этажах.",
    "Мэр Том Берридж заявил, что город попросит у правительства экстренные средства на ремонт двух "
    "повреждённых мостов и очистной станции. Школы будут закрыты до пятницы, а жителям рекомендовано кипятить"
    " водопроводную воду перед употреблением.",
)

STRIKE_DE = article(
    "Bahnbeschäftigte streiken wegen neuer Dienstpläne, Pendler sitzen fest",
    "Tausende Pendler saßen am Montag fest, als Lokführer und Zugbegleiter im Netz der Northern Line einen "
    "48-stündigen Streik gegen Änderungen ihrer Arbeitszeiten begannen.",
    "Nach Angaben der Gewerkschaft müssten die Beschäftigten mit den neuen Dienstplänen bis zu sechs "
    "Nachtschichten hintereinander arbeiten, und auf den längsten Strecken würden Ruhepausen gekürzt. Der "
    "Betreiber besteht darauf, dass der Plan den Fahrplan nur an den der benachbarten Netze angleiche.",
    "Im morgendlichen Berufsverkehr fuhr nur jeder fünfte Zug, und die Ersatzbusse waren lange vor acht Uhr "
    "überfüllt. Mehrere Schulen erlaubten ihren Schülern, später zu kommen.",
    "Die Gespräche zwischen Gewerkschaft und Betreiber sollen am Donnerstag unter Aufsicht eines vom "
    "Verkehrsministerium ernannten Schlichters fortgesetzt werden.",
)

FARMS_FR = article(
    "Après les inondations, les agriculteurs de la vallée de la Brême font leurs comptes",
    "Dans la vallée de la Brême, les éleveurs de vaches laitières craignent de manquer de fourrage cet hiver "
    ": les prairies sont restées sous l'eau pendant dix jours et l'herbe a pourri sur place.",
    "La chambre d'agriculture recense plus de deux cents exploitations touchées et réclame une aide rapide de"
    " l'État, car beaucoup de jeunes agriculteurs sont déjà lourdement endettés après la sécheresse de l'an "
    "dernier.",
    "« On a sorti les bêtes en pleine nuit, avec de l'eau jusqu'aux genoux », témoigne Claire Dumont, qui "
    "élève une soixantaine de vaches près de Saint-Aubin. Ses voisins lui prêtent une grange pour stocker ce "
    "qui reste du foin.",
    "Le préfet a promis de réunir les assureurs la semaine prochaine et d'accélérer la reconnaissance de "
    "l'état de catastrophe naturelle pour les communes de la vallée.",
)

ELECTION_DE = article(
    "Wahl in Lindau: Bürgermeisterin Keller knapp im Amt bestätigt",
    "Die parteilose Bürgermeisterin Sabine Keller hat die Stichwahl in Lindau mit 50,8 Prozent der Stimmen "
    "gewonnen und bleibt damit weitere acht Jahre im Amt.",
    "Ihr Herausforderer, der Unternehmer Jonas Brandt, hatte im Wahlkampf vor allem auf den Bau einer neuen "
    "Umgehungsstraße gesetzt, die Keller aus Kostengründen ablehnt. Die Wahlbeteiligung lag bei nur 38 "
    "Prozent.",
    "Keller kündigte an, in ihrer zweiten Amtszeit den Ausbau der Kindertagesstätten und eine neue "
    "Fährverbindung über den See voranzutreiben. Brandt gratulierte ihr noch am Abend im Rathaus.",
    "Der Gemeinderat wird erst im kommenden Frühjahr neu gewählt; bis dahin bleibt die bisherige Mehrheit bestehen.",
)

HEADER = "Home | World | Politics | Business | Opinion | Video\nListen to this article: 4 minutes\n"
FOOTER = (
    "\nSubscribe to our newsletter and get the most important stories of the day in your inbox every morning."
    "\nCopyright 2025 Harbour Media Group. All rights reserved. This material may not be republished."
    "\nShare this article with your friends and follow us on social media for more news like this."
)
SWAPS = {"night": "evening", "residents": "people", "heavy": "strong", "seats": "places", "Monday": "Tuesday"}


def edited(text: str) -> str:
    return " ".join(SWAPS.get(w, w) for w in text.split(" "))


def truncated(text: str) -> str:
    return text[: text.rfind(" ", 0, int(len(text) * 0.6))]


def boilerplated(text: str) -> str:
    return HEADER + text + FOOTER


def shuffled(text: str) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    random.Random(3).shuffle(paras)
    return "\n\n".join(paras)


def resegmented(text: str) -> str:
    """One line per sentence, no blank lines."""
    return "\n".join(s.strip() for p in text.split("\n") for s in p.replace(". ", ".\n").split("\n") if s.strip())


VARIANTS = {
    "edit": edited,
    "cut": truncated,
    "boiler": boilerplated,
    "shuffle": shuffled,
    "reseg": resegmented,
    "all": lambda t: boilerplated(edited(resegmented(truncated(shuffled(t))))),
}
ENGLISH = {"flood": FLOOD, "farms": FARMS, "election": ELECTION, "budget": BUDGET, "strike": STRIKE}


def clusters_of(docs: list[tuple[str, str]], **kwargs) -> list[dict]:
    deduper = Deduper(**kwargs)
    for doc_id, text in docs:
        deduper.add(doc_id, text)
    return deduper.clusters()


def test_variants_cluster_with_their_original_and_same_topic_articles_stay_apart() -> None:
    docs = [(name, text) for name, text in ENGLISH.items()]
    for kind, make in VARIANTS.items():
        docs += [(f"{name}~{kind}", make(text)) for name, text in ENGLISH.items() if name != "farms"]
    random.Random(0).shuffle(docs)
    found = {frozenset(c["members"]) for c in clusters_of(docs)}
    expected = {frozenset([name, *(f"{name}~{kind}" for kind in VARIANTS)]) for name in ENGLISH if name != "farms"}
    assert found == expected


def test_shared_boilerplate_alone_makes_no_cluster() -> None:
    docs = [(name, boilerplated(text)) for name, text in ENGLISH.items()]
    assert clusters_of(docs) == []


def test_a_cluster_names_its_earliest_member_and_the_members_domains_and_dates() -> None:
    deduper = Deduper()
    deduper.add("copy", boilerplated(FLOOD), date="2025-03-02T08:00:00+01:00", source="https://www.example.org/a/1")
    deduper.add("undated", edited(FLOOD), source="feeds/local.xml")
    deduper.add("first", FLOOD, date="2025-03-01", source="https://news.example.com/flood")
    deduper.add("same-day", truncated(FLOOD), date="2025-03-01")
    deduper.add("other", ELECTION, date="2024-01-01")
    (cluster,) = deduper.clusters()
    assert cluster["kind"] == "near-duplicate" and cluster["earliest"] == "first"
    assert cluster["members"] == ["first", "same-day", "copy", "undated"]
    assert cluster["dates"] == ["2025-03-01", "2025-03-01", "2025-03-02T08:00:00+01:00", None]
    assert cluster["domains"] == ["news.example.com", None, "example.org", None]
    assert cluster["sources"][3] == "feeds/local.xml"
    assert 0.5 <= cluster["similarity"] <= 1.0


def test_cluster_ids_do_not_depend_on_the_input_order() -> None:
    docs = [("a", FLOOD), ("b", edited(FLOOD)), ("c", truncated(FLOOD)), ("d", STRIKE)]
    forward, backward = clusters_of(docs), clusters_of(docs[::-1])
    assert [c["cluster"] for c in forward] == [c["cluster"] for c in backward]
    assert sorted(forward[0]["members"]) == ["a", "b", "c"]


def test_the_threshold_decides_how_much_must_be_shared() -> None:
    half = "\n".join(FLOOD.split("\n")[:5]) + "\n" + "\n".join(STRIKE.split("\n")[4:])
    assert clusters_of([("flood", FLOOD), ("half", half)], threshold=0.9) == []
    assert len(clusters_of([("flood", FLOOD), ("half", half)], threshold=0.3)) == 1


def test_text_helpers() -> None:
    assert normalise("The  River,\nAlder!") == "the river alder"
    assert shingles("a b c d e", 4) == {b"a b c d", b"b c d e"} and shingles("Hi there", 4) == {b"hi there"}
    text = 'Title\n\nOne two three four five six. Short one. "Seven words are in this one here." Next line\n'
    assert sentences(text + "w " * 8, k=5) == [
        "One two three four five six.",
        '"Seven words are in this one here."',
        "w w w w w w w w",
    ]
    assert sentences("यह एक छोटा सा वाक्य है। यह दूसरा वाक्य भी काफी लंबा है।", min_words=3) == [
        "यह एक छोटा सा वाक्य है।",
        "यह दूसरा वाक्य भी काफी लंबा है।",
    ]
    assert domain("https://www.example.org/x") == "example.org" and domain("notes/a.txt") is None
    a = Deduper()
    a.add("x", FLOOD)
    assert containment(a.signatures[0], 10, a.signatures[0], 40) == 1.0
    assert Deduper().clusters() == []


@pytest.mark.parametrize("value", [0.0, 1.5, -1])
def test_a_threshold_outside_0_1_is_a_coded_error(value: float) -> None:
    with pytest.raises(SpinscopeError, match=r"\[E802\]"):
        Deduper(value)


def test_translations_without_the_model_are_a_coded_error(monkeypatch) -> None:
    monkeypatch.setattr("spinscope.embedder.load_embedder", lambda name="retrieval": None)
    with pytest.raises(SpinscopeError, match=r"\[E803\].*--no-translations"):
        Deduper(translations=True)


needs_model = pytest.mark.skipif(load_embedder() is None, reason="sentence embedder not installed")


@needs_model
def test_translations_cluster_and_same_topic_articles_in_other_languages_do_not() -> None:
    docs = [
        ("flood-en", FLOOD, "en"),
        ("flood-fr", FLOOD_FR, "fr"),
        ("flood-de", FLOOD_DE, "de"),
        ("flood-ru", FLOOD_RU, None),  # identified from the text
        ("strike-en", STRIKE, "en"),
        ("strike-de", STRIKE_DE, "de"),
        ("farms-en", FARMS, "en"),
        ("farms-fr", FARMS_FR, "fr"),
        ("election-en", ELECTION, "en"),
        ("election-de", ELECTION_DE, "de"),
        ("budget-en", BUDGET, "en"),
        ("flood-en-copy", boilerplated(FLOOD), "en"),
    ]
    deduper = Deduper(translations=True)
    for doc_id, text, lang in docs:
        deduper.add(doc_id, text, language=lang)
    found = {frozenset(c["members"]): c for c in deduper.clusters()}
    assert set(found) == {
        frozenset({"flood-en", "flood-fr", "flood-de", "flood-ru", "flood-en-copy"}),
        frozenset({"strike-en", "strike-de"}),
    }
    assert all(c["kind"] == "translation" for c in found.values())
    flood = found[frozenset({"flood-en", "flood-fr", "flood-de", "flood-ru", "flood-en-copy"})]
    assert flood["languages"][3] == "ru" and flood["similarity"] >= dedup.TRANSLATION_THRESHOLD


@needs_model
def test_translation_scores_clear_the_threshold_and_same_topic_ones_do_not() -> None:
    embedder = load_embedder()

    def score(a: str, b: str) -> float:
        return dedup.alignment(embedder.embed(sentences(a)), embedder.embed(sentences(b)))

    for text in (FLOOD_FR, FLOOD_DE, FLOOD_RU):
        assert score(FLOOD, text) >= dedup.TRANSLATION_THRESHOLD + 0.02  # measured 0.906-0.911
    assert score(STRIKE, STRIKE_DE) >= dedup.TRANSLATION_THRESHOLD  # 0.886
    for a, b in ((FLOOD, FARMS_FR), (FARMS, FARMS_FR), (ELECTION, ELECTION_DE), (FLOOD_RU, FARMS_FR)):
        assert score(a, b) < dedup.TRANSLATION_THRESHOLD - 0.01  # the closest, FARMS and FARMS_FR: 0.858


def write_folder(folder: Path) -> None:
    folder.mkdir()
    files = {
        "flood": " date 2025-03-02\n" + FLOOD,
        "flood-copy": " date 2025-03-01\n" + boilerplated(edited(FLOOD)),
        "flood-cut": truncated(FLOOD),
        "election": ELECTION,
        "election-lines": resegmented(ELECTION),
        "budget": BUDGET,
        "strike": STRIKE,
    }
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def test_cli_prints_one_json_line_per_cluster(tmp_path: Path, monkeypatch, capsys) -> None:
    write_folder(tmp_path / "in")
    code, out, err = run_cli(monkeypatch, capsys, "dedup", str(tmp_path / "in"), "--no-translations")
    assert code == 0, err
    clusters = [json.loads(line) for line in out.splitlines()]
    assert {frozenset(c["members"]) for c in clusters} == {
        frozenset({"flood", "flood-copy", "flood-cut"}),
        frozenset({"election", "election-lines"}),
    }
    flood = next(c for c in clusters if "flood" in c["members"])
    assert flood["earliest"] == "flood-copy" and flood["dates"][:2] == ["2025-03-01", "2025-03-02"]
    assert flood["sources"][0].endswith("flood-copy.txt") and flood["kind"] == "near-duplicate"


def test_cli_csv_to_a_file_and_bad_inputs_reported(tmp_path: Path, monkeypatch, capsys) -> None:
    write_folder(tmp_path / "in")
    target = tmp_path / "out.csv"
    missing = str(tmp_path / "missing.txt")
    code, out, err = run_cli(
        monkeypatch,
        capsys,
        "dedup",
        str(tmp_path / "in"),
        missing,
        "-f",
        "csv",
        "-o",
        str(target),
        "--threshold",
        "0.6",
    )
    assert code == 1 and out == ""
    assert "[E401]" in err and "1 input(s) skipped, 7 analysed" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ["cluster", "member", "kind", "similarity", "earliest", "date", "source", "domain"]
    assert sorted(r["member"] for r in rows) == ["election", "election-lines", "flood", "flood-copy", "flood-cut"]
    assert {r["earliest"] for r in rows if r["member"].startswith("flood")} == {"flood-copy"}
    assert all(r["source"].endswith(r["member"] + ".txt") for r in rows)


@pytest.mark.parametrize(
    ("args", "code"), [(["-f", "xml"], "E801"), (["--threshold", "2"], "E802"), (["--threshold", "0"], "E802")]
)
def test_cli_bad_options_are_one_coded_line(tmp_path: Path, monkeypatch, capsys, args, code) -> None:
    write_folder(tmp_path / "in")
    status, out, err = run_cli(monkeypatch, capsys, "dedup", str(tmp_path / "in"), "--no-translations", *args)
    assert status == 2 and out == "" and f"[{code}]" in err and len(err.strip().splitlines()) == 1


@needs_model
def test_cli_finds_translations_by_default(tmp_path: Path, monkeypatch, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"flood": FLOOD, "flood-de": FLOOD_DE, "strike": STRIKE, "farms-fr": FARMS_FR}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    code, out, err = run_cli(monkeypatch, capsys, "dedup", str(folder))
    assert code == 0, err
    (cluster,) = [json.loads(line) for line in out.splitlines()]
    assert sorted(cluster["members"]) == ["flood", "flood-de"] and cluster["kind"] == "translation"
    assert sorted(cluster["languages"]) == ["de", "en"]


def test_the_banding_is_datasketchs_optimum_and_the_index_finds_every_shared_band() -> None:
    from datasketch import MinHashLSH

    from spinscope.corpus.dedup import BANDS, LSH_THRESHOLD, PERMUTATIONS, ROWS, BandIndex, band_keys

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS)
    assert (lsh.b, lsh.r) == (BANDS, ROWS)
    rng = np.random.default_rng(7)
    signatures = rng.integers(0, 50, size=(3000, PERMUTATIONS), dtype=np.uint32)  # few values: many shared bands
    index = BandIndex(capacity=8)  # grows many times on the way
    keys = [band_keys(s) for s in signatures]
    for n, k in enumerate(keys):
        index.add(n, k)
    bands = signatures[:, : BANDS * ROWS].reshape(len(signatures), BANDS, ROWS)
    for n in rng.choice(len(signatures), 40, replace=False):
        shared = {int(m) for m in np.flatnonzero((bands == bands[n]).all(axis=2).any(axis=1))}
        assert shared <= set(index.query(keys[n]).tolist()), n  # every document sharing a band is a candidate
