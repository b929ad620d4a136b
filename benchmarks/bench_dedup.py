"""Syndication clusters: pairwise precision/recall of near-duplicates and translations, and throughput.

    python benchmarks/bench_dedup.py [--originals 300] [--docs 100000] [--translation-docs 1000]

Near-duplicates: PTC-2020 train articles (read from ../shared/data at run time, never stored) and 1-3 variants
of each (word substitutions, first 60%, site boilerplate, paragraph shuffle, re-segmentation, combined at
random); the other articles stay single. Real re-segmentation: PTC train+dev against SemEval-2023 English,
the same articles re-segmented by the organisers (same ids). Translations: SemEval-2025 narratives documents
that have both the original text and the English machine translation, among all the others (same two topics,
five languages). Throughput: synthetic articles of shuffled, edited PTC sentences, one in five followed by a
variant, streamed into `Deduper.add`; peak RSS from `resource.getrusage`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from itertools import combinations

from datasketch import MinHashLSH

from spinscope.corpus import dedup
from spinscope.corpus.dedup import CANDIDATES, Deduper, _Translations, sentences
from spinscope.embedder import load_embedder
from spinscope.eval.formats import load_ptc2020, load_semeval2023, resolve_data_root
from spinscope.minhash import shingles
from spinscope.pipeline.language import identify

HEADERS = [
    "Home | World | Politics | Business | Opinion | Video",
    "Breaking: stay with us for live updates throughout the day",
    "Sign in to save articles and comment on the stories you follow",
]
FOOTERS = [
    "Subscribe to our newsletter and get the most important stories of the day in your inbox every morning.",
    "Copyright 2025 by the publisher. All rights reserved. This material may not be republished without consent.",
    "Share this article with your friends and follow us on social media for more news and analysis like this.",
    "The views expressed by contributors are their own and do not necessarily reflect those of the editors.",
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def edit(text: str, rng: random.Random, vocab: list[str], rate: float = 0.03) -> str:
    """Substitute about `rate` of the words, keeping line breaks."""
    lines = [[w if rng.random() > rate else rng.choice(vocab) for w in line.split(" ")] for line in text.split("\n")]
    return "\n".join(" ".join(words) for words in lines)


def truncate(text: str, rng: random.Random, share: float = 0.6) -> str:
    cut = text.rfind(" ", 0, int(len(text) * share))
    return text[: cut if cut > 0 else len(text)]


def boilerplate(text: str, rng: random.Random) -> str:
    return "\n".join([*rng.sample(HEADERS, 2), text, *rng.sample(FOOTERS, 3)])


def shuffle(text: str, rng: random.Random) -> str:
    paras = [p for p in text.split("\n") if p.strip()]
    rng.shuffle(paras)
    return "\n\n".join(paras)


def resegment(text: str, rng: random.Random) -> str:
    """Either one line per sentence or paragraphs joined in twos."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    if rng.random() < 0.5:
        return "\n".join(s for p in paras for s in _SENTENCE.split(p))
    return "\n\n".join(" ".join(paras[i : i + 2]) for i in range(0, len(paras), 2))


def variant(text: str, rng: random.Random, vocab: list[str]) -> tuple[str, list[str]]:
    """A random combination of the five transformations (at least one), applied in a fixed order."""
    steps: list[tuple[str, Callable[[str], str]]] = [
        ("shuffle", lambda t: shuffle(t, rng)),
        ("truncate", lambda t: truncate(t, rng)),
        ("edit", lambda t: edit(t, rng, vocab)),
        ("resegment", lambda t: resegment(t, rng)),
        ("boilerplate", lambda t: boilerplate(t, rng)),
    ]
    chosen = [s for s in steps if rng.random() < 0.4] or [rng.choice(steps)]
    for _, step in chosen:
        text = step(text)
    return text, [name for name, _ in chosen]


def pairs_of(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}


def score(predicted: set, truth: set) -> tuple[float, float]:
    hit = len(predicted & truth)
    return hit / max(len(predicted), 1), hit / max(len(truth), 1)


def cluster_pairs(clusters: list[dict]) -> set[tuple[str, str]]:
    return pairs_of({c["cluster"]: c["members"] for c in clusters})


def near_duplicates(originals: int, root, rng: random.Random) -> None:
    ptc = load_ptc2020("train", root)
    texts = {a: ptc.text(a) for a in ptc.article_ids}
    vocab = sorted({w for t in texts.values() for w in t.split()})
    docs: list[tuple[str, str]] = []
    groups: dict[str, list[str]] = {}
    made: dict[str, list[str]] = {}
    for n, (aid, text) in enumerate(texts.items()):
        docs.append((aid, text))
        groups[aid] = [aid]
        for k in range(rng.randint(1, 3) if n < originals else 0):
            copy, steps = variant(text, rng, vocab)
            docs.append((f"{aid}~{k}", copy))
            groups[aid].append(f"{aid}~{k}")
            made[f"{aid}~{k}"] = steps
    rng.shuffle(docs)
    truth = pairs_of(groups)
    grams = {a: shingles(t, 5) for a, t in texts.items()}
    shared = {
        frozenset((a, b))
        for a, b in combinations(texts, 2)
        if len(grams[a] & grams[b]) >= 0.3 * min(len(grams[a]), len(grams[b]))
    }

    def own(pair: tuple[str, str]) -> bool:  # not between two articles that share 30% of their text in PTC itself
        return frozenset(x.split("~")[0] for x in pair) not in shared

    print(f"\n## near-duplicates: {len(texts)} PTC articles, {originals} with {len(made)} variants, {len(truth)} pairs")
    print(
        f"   {len(shared)} pairs of PTC articles share >= 30% of their 5-word shingles (exact): 'P own' leaves them out"
    )
    print("shingle  lsh  bands x rows  threshold  P  P own  R  seconds")
    defaults = dedup.SHINGLE, dedup.LSH_THRESHOLD
    for dedup.SHINGLE, dedup.LSH_THRESHOLD in [(n, lsh) for n in (3, 4, 5) for lsh in (0.25, 0.3, 0.4)]:
        banded = MinHashLSH(threshold=dedup.LSH_THRESHOLD, num_perm=dedup.PERMUTATIONS)  # its optimal banding
        for threshold in (0.4, 0.5, 0.6, 0.7):
            t0 = time.perf_counter()
            d = Deduper(threshold, banding=(banded.b, banded.r))
            for doc_id, text in docs:
                d.add(doc_id, text)
            found = cluster_pairs(d.clusters())
            (p, r), (p_own, _) = score(found, truth), score({x for x in found if own(x)}, truth)
            band = f"{banded.b} x {banded.r}"
            seconds = time.perf_counter() - t0
            figures = f"{p:.4f}  {p_own:.4f}  {r:.4f}  {seconds:.1f}"
            print(f"{dedup.SHINGLE}  {dedup.LSH_THRESHOLD}  {band}  {threshold}  {figures}")
    dedup.SHINGLE, dedup.LSH_THRESHOLD = defaults
    d = Deduper()
    for doc_id, text in docs:
        d.add(doc_id, text)
    found = cluster_pairs(d.clusters())
    (p, r), (p_own, _) = score(found, truth), score({x for x in found if own(x)}, truth)
    print(f"default ({dedup.SHINGLE}-word shingles, lsh {dedup.LSH_THRESHOLD}, threshold {dedup.THRESHOLD}):", end=" ")
    print(f"P {p:.4f}, P own {p_own:.4f}, R {r:.4f}")
    for step in ("edit", "truncate", "boilerplate", "shuffle", "resegment"):
        with_step = {tuple(sorted((v.split("~")[0], v))) for v, steps in made.items() if step in steps}
        recall = len(with_step & found) / len(with_step)
        print(f"  recall of the {len(with_step)} original-variant pairs with {step}: {recall:.4f}")


def resegmented(root) -> None:
    docs = []
    for split in ("train", "dev"):
        ptc = load_ptc2020(split, root)
        docs += [(f"ptc:{a}", ptc.text(a)) for a in ptc.article_ids]
    sem = load_semeval2023("en", root)
    docs += [(f"sem:{a}", sem.text(a)) for a in sem.article_ids]
    truth = pairs_of({a: [f"ptc:{a}", f"sem:{a}"] for a in sem.article_ids})
    d = Deduper()
    for doc_id, text in docs:
        d.add(doc_id, text)
    clusters = d.clusters()
    p, r = score(cluster_pairs(clusters), truth)
    print(f"\n## real re-segmentation: {len(docs)} documents, {len(truth)} pairs: precision {p:.4f} recall {r:.4f}")
    print(f"   lowest link in a true pair's cluster: {min(c['similarity'] for c in clusters):.3f}")


def translations(root) -> None:
    rows = [json.loads(line) for line in (root / "narratives-semeval2025" / "documents.jsonl").open(encoding="utf-8")]
    docs = [(r["id"], r["text"]) for r in rows if r["text"]] + [
        (r["id"] + ":en", r["text_en"]) for r in rows if r["text_en"]
    ]
    langs = {doc_id: identify(text)[0] for doc_id, text in docs}  # some "text_en" fields were never translated
    near = Deduper()
    for doc_id, text in docs:
        near.add(doc_id, text)
    parent = {r["id"]: r["id"] for r in rows} | {doc_id: doc_id.split(":")[0] for doc_id, _ in docs}

    def find(x: str) -> str:  # an original and its MT, and the same article under another id, are one group
        while parent[x] != x:
            x = parent[x]
        return x

    for c in near.clusters():
        for member in c["members"][1:]:
            parent[find(member)] = find(c["members"][0])
    groups = {doc_id: find(doc_id) for doc_id, _ in docs}
    members: dict[str, list[str]] = {}
    for doc_id, group in groups.items():
        members.setdefault(group, []).append(doc_id)
    truth = {p for p in pairs_of(members) if langs[p[0]] != langs[p[1]]}
    t0 = time.perf_counter()
    tr = _Translations(load_embedder(), 0.0)
    for n, (_, text) in enumerate(docs):
        tr.add(n, langs[docs[n][0]], sentences(text))
    links = {tuple(sorted((docs[i][0], docs[j][0]))): s for i, j, s in tr.links()}
    seconds = time.perf_counter() - t0
    print(f"\n## translations: {len(docs)} SemEval-2025 documents ({dict(Counter(langs.values()))}), {len(truth)} true")
    print(f"   cross-language pairs (original/MT, with their near-duplicates); embedded and aligned in {seconds:.0f} s")
    print(
        f"   candidate recall (true pairs among the {CANDIDATES} nearest): {len(truth & set(links)) / len(truth):.4f}"
    )
    shrink = dedup.SHRINK
    for dedup.SHRINK in (0, 30, 50):
        found = {tuple(sorted((docs[i][0], docs[j][0]))) for i, j, _ in tr.links()}
        print(f"   candidate recall with SHRINK {dedup.SHRINK}: {len(truth & found) / len(truth):.4f}")
    dedup.SHRINK = shrink
    false = sorted((s for p, s in links.items() if p not in truth), reverse=True)
    print(f"   alignment: lowest true {sorted(links[p] for p in truth & set(links))[:3]}, highest false {false[:3]}")
    print("threshold  precision  recall")
    for threshold in (0.85, 0.86, 0.87, 0.875, 0.88, 0.89, 0.9):
        p, r = score({pair for pair, s in links.items() if s >= threshold}, truth)
        print(f"{threshold:.3f}  {p:.4f}  {r:.4f}")
    d = Deduper(translations=True)
    for doc_id, text in docs:
        d.add(doc_id, text, language=langs[doc_id])
    found = {
        p for p in cluster_pairs([c for c in d.clusters() if c["kind"] == "translation"]) if langs[p[0]] != langs[p[1]]
    }
    p, r = score(found, truth)
    print(f"default (threshold {dedup.TRANSLATION_THRESHOLD}), cross-language pairs in clusters: P {p:.4f} R {r:.4f}")


def synthetic(n: int, root, rng: random.Random) -> Iterator[tuple[str, str]]:
    """n articles of 8-14 paragraphs of PTC sentences with a tenth of the words substituted, every fifth followed
    by a variant; streamed, so no text is kept."""
    ptc = load_ptc2020("train", root)
    sentences = [s for a in ptc.article_ids for s in _SENTENCE.split(ptc.text(a)) if len(s.split()) >= 6]
    vocab = sorted({w for s in sentences for w in s.split()})
    for i in range(n):
        paras = [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(rng.randint(8, 14))]
        text = edit("\n\n".join(paras), rng, vocab, rate=0.1)
        yield f"s{i}", text
        if i % 5 == 0:
            yield f"s{i}~", variant(text, rng, vocab)[0]


def throughput(n: int, root, rng: random.Random, with_translations: bool) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    d = Deduper(translations=with_translations)
    t0 = time.perf_counter()
    for doc_id, text in synthetic(n, root, rng):
        d.add(doc_id, text)
    added = time.perf_counter() - t0
    clusters = d.clusters()
    total = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    what = "near-duplicates and translations" if with_translations else "near-duplicates"
    print(f"\n## throughput, {what}: {len(d)} documents ({n} articles + variants), {len(clusters)} clusters")
    print(f"   add {added:.1f} s, clusters() {total - added:.1f} s: {len(d) / total:.0f} documents/s")
    truth = {(f"s{i}", f"s{i}~") for i in range(0, n, 5)}
    p, r = score(cluster_pairs(clusters), truth)
    print(f"   pairs: precision {p:.4f}, recall {r:.4f} (each variant with its article)")
    print(f"   peak RSS {peak:.0f} MB ({before:.0f} MB before the run, {(peak - before) * 1024 / len(d):.1f} KB/doc)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--originals", type=int, default=300, help="PTC articles that get variants")
    ap.add_argument("--docs", type=int, default=100_000, help="synthetic articles for the throughput run")
    ap.add_argument("--translation-docs", type=int, default=1000, help="synthetic articles, translations on")
    # peak RSS is per process: run the two throughput figures apart (--docs 0 or --translation-docs 0)
    ap.add_argument("--only", choices=["quality", "speed"], help="run one half only")
    args = ap.parse_args()
    root = resolve_data_root()
    print(f"date: {date.today()}  machine: {platform.machine()}, {os.cpu_count()} cores")
    if args.only != "speed":
        near_duplicates(args.originals, root, random.Random(0))
        resegmented(root)
        translations(root)
    if args.only != "quality":
        if args.docs:
            throughput(args.docs, root, random.Random(1), False)
        if args.translation_docs:
            throughput(args.translation_docs, root, random.Random(2), True)


if __name__ == "__main__":
    main()
