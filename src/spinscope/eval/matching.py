"""Our matching test set (`tests/fixtures/matching_cases.toml`), the candidates and decisions of the matching
step on it, their figures, and the eval gate's: the shipped verifier on the test half."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..casebank import Case, read_cases
from ..casebank.index import nearest_cases
from ..embedder import SentenceEmbedder
from ..models import model_path
from ..pipeline.matching import LanguageMeans, across, candidate_features, case_text, edges_off, figures_differ
from ..pipeline.name_sounds import persons_missing

TEST_SET = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "matching_cases.toml"
LANGS = ("en", "fr", "de", "ru", "uk", "pl", "it", "es", "ar")
TOP_K = 5  # nearest cases verified per sentence
BANK_LANGUAGE = "en"  # EUvsDisinfo writes its cases in English
RETRIEVE = 0.80  # a sentence whose nearest case is further than this cosine is not verified


@dataclass
class Probe:
    text: str
    lang: str
    split: str
    case: str | None  # the case it states, None for a sentence that must match nothing
    kind: str  # "paraphrase" (English), "translation", "topic", "offtopic"


def read_test_set(path: Path = TEST_SET) -> list[Probe]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    probes = [
        Probe(m[lang], lang, m["split"], m["case"], "paraphrase" if lang == "en" else "translation")
        for m in data["match"]
        for lang in LANGS
    ]
    probes += [Probe(n["text"], n["lang"], n["split"], None, n["kind"]) for n in data["nomatch"]]
    return probes


@dataclass
class Bank:
    """The cases with one embedding per wording (title, claim), as the index holds them."""

    cases: list[Case]
    case_of: np.ndarray
    wording: list[str]
    vectors: np.ndarray

    @classmethod
    def embed(cls, cases: list[Case], embedder: SentenceEmbedder) -> Bank:
        case_of, wording = [], []
        for k, c in enumerate(cases):
            for text in dict.fromkeys(t for t in (c.title, c.claim) if t.strip()):
                case_of.append(k)
                wording.append(text)
        return cls(cases, np.array(case_of), wording, embedder.embed(wording).astype(np.float16).astype(np.float32))

    def nearest(self, queries: np.ndarray, k: int):
        return nearest_cases(queries, self.vectors, self.case_of, k)


def moved(probes: list[Probe], vectors: np.ndarray, means: LanguageMeans) -> np.ndarray:
    """Each probe's vector moved from its language to the bank's (English), as the matching step does."""
    out = vectors.copy()
    for lang in {p.lang for p in probes}:
        rows = [i for i, p in enumerate(probes) if p.lang == lang]
        out[rows] = means.towards(vectors[rows], lang, BANK_LANGUAGE)
    return out


def candidates(bank: Bank, probes: list[Probe], vectors: np.ndarray, means: LanguageMeans) -> list[Candidates]:
    """Per probe: its TOP_K nearest cases, their features (`candidate_features`) and which is right."""
    out = []
    for p, (near, dense) in zip(probes, bank.nearest(moved(probes, vectors, means), TOP_K), strict=True):
        texts = [case_text(bank.cases[c]) for c, _, _ in near]
        feats = candidate_features(p.text, [cos for _, _, cos in near], texts, dense)
        ids = [bank.cases[c].id for c, _, _ in near]
        other = np.array([across(p.lang, t) for t in texts], bool)
        differ = np.array([figures_differ(p.text, t) or persons_missing(p.text, t) for t in texts], bool)
        out.append(Candidates(ids, np.array([cos for _, _, cos in near]), feats, other, differ))
    return out


@dataclass
class Candidates:
    ids: list[str]
    cosines: np.ndarray
    features: np.ndarray
    across: np.ndarray  # [k] bool: the case is written in another language than the probe
    differ: np.ndarray  # [k] bool: the case's figures all differ from the probe's, or it names persons the probe
    # does not (never matched)


def decide(cands: list[Candidates], scorer, cut: float, across: float | None = None) -> list[str | None]:
    """The case id each probe is matched to (None: no match): its best-scored candidate, if that reaches the cut
    (`across` for a case in another language than the probe's, when given)."""
    out = []
    for c in cands:
        if not c.ids or c.cosines[0] < RETRIEVE:
            out.append(None)
            continue
        scores = np.where(c.differ, 0.0, scorer(c))
        best = int(np.argmax(scores))
        need = across if across is not None and c.across[best] else cut
        out.append(c.ids[best] if scores[best] >= need and c.cosines[best] >= RETRIEVE else None)
    return out


def prf(probes: list[Probe], predicted: list[str | None]) -> dict[str, float]:
    made = sum(p is not None for p in predicted)
    right = sum(p is not None and p == g.case for g, p in zip(probes, predicted, strict=True))
    positives = sum(g.case is not None for g in probes)
    negatives = len(probes) - positives
    false = sum(p is not None and g.case is None for g, p in zip(probes, predicted, strict=True))
    precision = right / made if made else 1.0
    recall = right / positives if positives else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 4),
        "false_match_rate": round(false / negatives, 4) if negatives else 0.0,
        "n": len(probes),
    }


def by_language(probes: list[Probe], predicted: list[str | None]) -> dict[str, dict]:
    return {
        lang: prf(*zip(*[(p, q) for p, q in zip(probes, predicted, strict=True) if p.lang == lang], strict=True))
        for lang in LANGS
    }


def read_bank(data_root: Path) -> list[Case]:
    from ..config import load_settings

    items = read_cases(data_root / "euvsdisinfo", load_settings(), fmt="euvsdisinfo")
    found = [c for c in items if isinstance(c, Case)]
    return list({c.id: c for c in found}.values())


def matching_gate_scores(data_root: Path) -> dict[str, float]:
    from ..embedder import load_embedder
    from ..pipeline.matching import Verifier

    embedder = load_embedder()
    verifier = Verifier.load(model_path("matching"))
    bank = Bank.embed(read_bank(data_root), embedder)
    probes = [p for p in read_test_set() if p.split == "test"]
    means = LanguageMeans.load(model_path("matching"))
    cands = candidates(bank, probes, embedder.embed([edges_off(p.text) for p in probes]), means)
    scorer = lambda c: verifier.scores(c.features, c.across)  # noqa: E731
    got = prf(probes, decide(cands, scorer, verifier.threshold, verifier.threshold_across))
    return {"matching.precision.test_half": got["precision"], "matching.recall.test_half": got["recall"]}
