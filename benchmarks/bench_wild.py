"""The wild set (benchmarks/wild/, articles we wrote): what a fact-checker reads first, per language.

    python benchmarks/bench_wild.py [--data ../shared/data] [--langs de,fr] [--show] [--set section.key=value]

Runs the default pipeline on every `benchmarks/wild/<lang>/*.txt` as a user would (the txt reader: title,
` date` header), with the EUvsDisinfo case bank imported from `--data` into a temporary folder, and prints per
language (issue #24; gold layout in benchmarks/wild/README.md):

- spans/1k: technique spans the reports show (`shown`) per 1,000 characters, propaganda pieces and wire
  reports apart (the span figures below count shown spans too);
- must: share of gold `[[spans]]` that a predicted span overlaps (any technique) / with the gold technique;
- junk: predicted spans whose whole text is a gold `[[absent]]` word, and lone-word spans in all;
- narr ok: propaganda pieces whose taxonomy narratives are all of the gold domain (and at least one), wire
  reports whose only narrative is Other; wrong-dom: articles listing a narrative of the other domain;
- cases: gold bank cases found (the restated sentence matched to that case or one the gold lists as stating the
  same claim) / false matches (a match that is not a gold case sentence) / repeats (a case listed twice in one
  article);
- speakers: gold speakers whose claim sentence is attributed to exactly that phrase / to an overlapping phrase
  (every sentence is listed as a claim here, `components.claims.all`, so attribution is judged apart from
  check-worthiness);
- claims AUC: how often a sentence the gold calls check-worthy (`[[checkworthy]]`: a checkable statement of
  fact, true or false) scores above one it calls an opinion, insult or slogan (`[[not_checkworthy]]`);
- actors P / R: listed actors that are a gold `[[actors]]` actor (one of their mentions is written as one of its
  mentions, an Arabic clitic aside) of all listed, and gold actors that a listed actor is, of all gold actors;
  junk: listed actors (other than those of the alias table, named by it: "mainstream media") named only by
  function words (spaCy's stop words of the language) or by a lower-case word ("nicht", "Oppure", "candelabro");
- title, date: exactly as the gold says (a missing title must be null); cut: sentences that end at a single
  line break without closing punctuation where the text goes on (a hard-wrapped line cut as a sentence; the
  title, or a row of share buttons, on a line of its own is none).
`--show` prints each article's spans (those the reports hide without the word "span"), narratives, matches and
speakers, to read them as a fact-checker would.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from spinscope.languages import stop_words
from spinscope.pipeline.entities import load_aliases
from spinscope.pipeline.places import CLITICS

ALIAS_NAMES = frozenset(a.name for a in load_aliases())  # alias actors are named by the table ("mainstream media")

WILD = Path(__file__).resolve().parent / "wild"
CLOSING = tuple(".!?…\"»”“')؟:;")


def wrapped_cut(text: str, start: int, end: int) -> bool:
    """A sentence cut at a hard-wrapped line: it ends at a single line break without closing punctuation and the
    text goes on there (the next line starts in lower case, or the sentence began inside a line). A title or a
    row of share buttons on a line of its own is no cut."""
    after = text[end : end + 2]
    if not after.startswith("\n") or after == "\n\n" or text[start:end].rstrip().endswith(CLOSING):
        return False
    began_inside = start > 0 and text[start - 1] != "\n"
    return began_inside or after[1:].islower()


@dataclass
class Tally:
    """Counts of one language."""

    chars: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    spans: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    must: int = 0
    must_any: int = 0
    must_label: int = 0
    junk: int = 0
    lone: int = 0
    articles: int = 0
    narr_ok: int = 0
    wrong_domain: int = 0
    cases: int = 0
    cases_found: int = 0
    false_matches: int = 0
    repeats: int = 0
    speakers: int = 0
    speakers_exact: int = 0
    speakers_overlap: int = 0
    actors: int = 0
    actors_right: int = 0  # listed actors that are gold actors
    gold_actors: int = 0
    gold_found: int = 0  # gold actors that a listed actor is
    junk_actors: int = 0  # actors named by function words or by a lower-case word (in a script with capitals)
    worthy: list[float] = field(default_factory=list)  # check-worthiness of gold check-worthy sentences
    unworthy: list[float] = field(default_factory=list)  # and of gold opinions, insults, slogans
    titles_ok: int = 0
    dates_ok: int = 0
    cut: int = 0


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def where(text: str, piece: str) -> tuple[int, int]:
    start = text.find(piece)
    if start < 0:
        raise SystemExit(f"gold text {piece!r} is not in the article")
    return start, start + len(piece)


def written_as(mention: str) -> set[str]:
    """A gold mention as a listed one may write it: one space for any white space, and in Arabic also without
    the clitic written on its first word ("وأذربيجان": and Azerbaijan; the actor is "أذربيجان")."""
    form = " ".join(mention.split())
    bare = form[1:] if form[:1] in CLITICS and len(form.split()[0]) > 3 else form
    return {form, bare}


def gold_actor_forms(gold: dict[str, Any]) -> list[set[str]]:
    """How each gold actor's mentions may be written."""
    return [{form for m in a["mentions"] for form in written_as(m)} for a in gold.get("actors", [])]


def gold_hits(actor: dict[str, Any], gold_actors: list[set[str]]) -> set[int]:
    """The gold actors a listed actor is: one of its mentions is written as one of theirs."""
    written = {" ".join(m["text"].split()) for m in actor["mentions"]}
    return {k for k, forms in enumerate(gold_actors) if written & forms}


def said_by(record: dict[str, Any], claim_text: str) -> str:
    """The speaker the record gives the claim holding `claim_text` ("" when none), on one line."""
    at = where(record["text"], claim_text)
    claim = next((c for c in record["claims"] if overlaps(at, (c["start"], c["end"]))), None)
    return " ".join(((claim or {}).get("attribution", {}).get("speaker") or "").split())  # a wrapped line


def domains(record: dict[str, Any]) -> set[str]:
    names = [n["narrative"] for n in record["narratives"] if n["source"] == "semeval2025"]
    return {name.split(":")[0] for name in names if name != "Other"}


def score(record: dict[str, Any], gold: dict[str, Any], tally: Tally) -> None:
    text, kind = record["text"], gold["kind"]
    tally.articles += 1
    tally.chars[kind] += len(text)
    shown = [t for t in record["techniques"] if t.get("shown", True)]  # what the reports show
    tally.spans[kind] += len(shown)
    spans = [(t["start"], t["end"], t["technique"], t["text"]) for t in shown]
    for wanted in gold.get("spans", []):
        at = where(text, wanted["text"])
        tally.must += 1
        tally.must_any += any(overlaps(at, s[:2]) for s in spans)
        tally.must_label += any(overlaps(at, s[:2]) and s[2] == wanted["technique"] for s in spans)
    absent = {a["text"].casefold() for a in gold.get("absent", [])}
    tally.junk += sum(s[3].strip().casefold() in absent for s in spans)
    tally.lone += sum(len(s[3].split()) == 1 for s in spans)
    found = domains(record)
    if kind == "wire":
        ok = [n["narrative"] for n in record["narratives"] if n["source"] == "semeval2025"] in (["Other"], [])
    else:
        ok = found == {gold["domain"]}
    tally.narr_ok += ok
    tally.wrong_domain += bool(found - {gold["domain"]})
    gold_cases = [(where(text, c["text"]), {c["case"], *c.get("also", [])}) for c in gold.get("cases", [])]
    tally.cases += len(gold_cases)
    for at, cases in gold_cases:
        tally.cases_found += any(
            m["case_id"] in cases and overlaps(at, (m["start"], m["end"])) for m in record["matches"]
        )
    for m in record["matches"]:
        tally.false_matches += not any(overlaps(at, (m["start"], m["end"])) for at, _ in gold_cases)
    ids = [m["case_id"] for m in record["matches"]]
    tally.repeats += len(ids) - len(set(ids))
    for wanted in gold.get("speakers", []):
        tally.speakers += 1
        said = said_by(record, wanted["claim"])
        tally.speakers_exact += said == wanted["speaker"]
        tally.speakers_overlap += bool(said) and (said in wanted["speaker"] or wanted["speaker"] in said)
    for key, scores in (("checkworthy", tally.worthy), ("not_checkworthy", tally.unworthy)):
        for wanted in gold.get(key, []):
            at = where(text, wanted["text"])
            scores.extend([c["checkworthiness"] for c in record["claims"] if overlaps(at, (c["start"], c["end"]))][:1])
    stops = stop_words(record["language"])
    gold_actors = gold_actor_forms(gold)
    found_gold: set[int] = set()
    for actor in record["entities"]:
        words = actor["name"].split()
        tally.actors += 1
        junk = all(w.lower() in stops for w in words) or words[0][:1].islower()
        tally.junk_actors += junk and actor["name"] not in ALIAS_NAMES
        hits = gold_hits(actor, gold_actors)
        tally.actors_right += bool(hits)
        found_gold |= hits
    tally.gold_actors += len(gold_actors)
    tally.gold_found += len(found_gold)
    tally.titles_ok += (record["title"] or None) == gold.get("title") and record["title"] != ""
    tally.dates_ok += (record["date"] or None) == gold.get("date")
    for s in record["sentences"]:
        line = text[text.rfind("\n", 0, s["start"]) + 1 : s["end"]]
        tally.cut += wrapped_cut(text, s["start"], s["end"]) and line != record["title"]


def show(path: Path, record: dict[str, Any], gold: dict[str, Any]) -> None:
    print(f"\n== {path.relative_to(WILD)}  title={record['title']!r} date={record['date']!r}")
    for t in record["techniques"]:
        mark = "span" if t.get("shown", True) else "    "  # spans under their display cut: not in the reports
        print(f"   {mark} {t['technique']:<32} {t['score']:.2f}  {t['text'][:70]!r}")
    for n in record["narratives"]:
        print(f"   narrative {n['score']:.2f}  {n['subnarrative'] or n['narrative']}")
    for m in record["matches"]:
        print(f"   match {m['score']:.2f} {m['case_id']}  {m['text'][:60]!r} -> {m['title'][:60]!r}")
    forms = gold_actor_forms(gold)  # an actor no gold actor is gets a "✗"
    actors = [f"{a['name']} ({a['type']}){'' if gold_hits(a, forms) else ' ✗'}" for a in record["entities"]]
    print("   actors " + "; ".join(actors))
    for wanted in gold.get("speakers", []):
        if (said := said_by(record, wanted["claim"])) != wanted["speaker"]:
            print(f"   speaker ✗ {said!r} for {wanted['speaker']!r}")
    for c in record["claims"][:6]:
        a = c["attribution"]
        print(f"   claim {c['checkworthiness']:.2f} {a['kind']:<12} speaker={a['speaker']!r} cue={a['cue']!r}")


def casebank(data: Path, home: Path) -> Path:
    bank = home / "casebank.sqlite"
    command = ["spinscope", "casebank", "import", str(data / "euvsdisinfo"), "--set", f"casebank.path={bank}"]
    subprocess.run(command, check=True, capture_output=True)
    return bank


def auc(positive: list[float], negative: list[float]) -> str:
    """How often a check-worthy sentence outscores an opinion (ties count half)."""
    if not positive or not negative:
        return "-"
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return f"{wins / (len(positive) * len(negative)):.2f}"


def row(lang: str, t: Tally) -> str:
    def per_k(kind: str) -> str:
        return f"{1000 * t.spans[kind] / t.chars[kind]:.1f}" if t.chars[kind] else "-"

    def share(a: int, b: int) -> str:
        return f"{a}/{b}" if b else "-"

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.2f}" if b else "-"

    return (
        f"| {lang} | {t.articles} | {per_k('propaganda')} | {per_k('wire')} | {share(t.must_any, t.must)} / "
        f"{share(t.must_label, t.must)} | {t.junk} / {t.lone} | {share(t.narr_ok, t.articles)} | {t.wrong_domain} | "
        f"{share(t.cases_found, t.cases)} / {t.false_matches} / {t.repeats} | "
        f"{share(t.speakers_exact, t.speakers)} / {share(t.speakers_overlap, t.speakers)} | "
        f"{auc(t.worthy, t.unworthy)} | {ratio(t.actors_right, t.actors)} / {ratio(t.gold_found, t.gold_actors)} "
        f"({t.junk_actors}) | "
        f"{share(t.titles_ok, t.articles)} | {share(t.dates_ok, t.articles)} | {t.cut} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")))
    ap.add_argument("--langs", default="", help="comma-separated languages (default: every folder)")
    ap.add_argument("--show", action="store_true", help="print what each article shows")
    ap.add_argument("--set", action="append", default=[], help="a setting for the run, section.key=value")
    args = ap.parse_args()
    from spinscope.api import load_pipeline
    from spinscope.config import load_settings
    from spinscope.runner import process
    from spinscope.writers._common import records

    langs = [x for x in args.langs.split(",") if x] or sorted(p.name for p in WILD.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="spinscope-wild-") as home:
        bank = casebank(args.data, Path(home))
        overrides = [f"casebank.path={bank}", "components.claims.all=true", *args.set]
        settings = load_settings(env={}, overrides=overrides)
        pipeline = load_pipeline(settings)
        paths = [path for lang in langs for path in sorted((WILD / lang).glob("*.txt"))]
        out: list[dict[str, Any]] = []
        stats = process(
            [str(p) for p in paths], pipeline, lambda docs: out.extend(records(docs, settings)), settings=settings
        )
        for item in stats.rejected:
            print(f"rejected: {item.message}", file=sys.stderr)
    tallies = {lang: Tally() for lang in langs}
    for record in out:
        path = Path(record["source"])
        gold = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
        if args.show:
            show(path, record, gold)
        score(record, gold, tallies[path.parent.name])
    print(f"\nbench_wild.py, {date.today()}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(
        "| lang | articles | spans/1k prop | spans/1k wire | must (any / label) | junk / lone-word | narr ok | "
        "wrong-dom | cases found / false / repeats | speakers exact / overlap | claims AUC | actors P / R (junk) | "
        "title | date | cut |"
    )
    print("|" + "---|" * 15)
    total = Tally()
    for lang, t in tallies.items():
        print(row(lang, t))
        for name, value in vars(t).items():
            if isinstance(value, dict):
                for k, v in value.items():
                    getattr(total, name)[k] += v
            elif isinstance(value, list):
                getattr(total, name).extend(value)
            else:
                setattr(total, name, getattr(total, name) + value)
    print(row("all", total))


if __name__ == "__main__":
    main()
