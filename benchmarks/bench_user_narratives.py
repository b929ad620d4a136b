"""User narratives (`components.narratives.user`): is `user_threshold` right for the shipped sentence embedder?

    python benchmarks/bench_user_narratives.py [--examples en en,fr en,fr,de]

Our matching test set (tests/fixtures/matching_cases.toml: 36 claims restated in our words in six languages,
and 150 sentences that must match nothing, many on the same subjects) stands in for user narratives: each case
becomes a narrative whose examples are its restatements in the languages of one `--examples` setup (one, two or
three examples); the restatements in the other languages must carry it, every other sentence must not. A
(sentence, narrative) pair is predicted when their best cosine (`UserNarrative.similarity`) reaches the
threshold. One threshold is chosen by the mean F1 of the setups on the dev half (cases and negatives of split
"dev") and reported on the test half, beside the shipped setting.
"""

from __future__ import annotations

import argparse
import platform
from datetime import date

import numpy as np

from spinscope.config import load_settings
from spinscope.embedder import load_embedder
from spinscope.eval.matching import LANGS, read_test_set
from spinscope.pipeline.user_narratives import UserNarrative

GRID = np.round(np.arange(0.80, 0.971, 0.005), 3)


def pairs(split: str, examples: tuple[str, ...], embedder) -> tuple[np.ndarray, np.ndarray]:
    """(scores, is_positive) over every (probe sentence, narrative) pair of one split."""
    probes = [p for p in read_test_set() if p.split == split]
    cases = sorted({p.case for p in probes if p.case})
    narratives = []
    for case in cases:
        narrative = UserNarrative(case, "", [p.text for p in probes if p.case == case and p.lang in examples])
        narrative.embed(embedder)
        narratives.append(narrative)
    sentences = [p for p in probes if p.lang not in examples or p.case is None]
    vectors = embedder.embed([p.text for p in sentences])
    scores = np.stack([n.similarity(vectors) for n in narratives], axis=1)  # [sentences, narratives]
    truth = np.array([[p.case == case for case in cases] for p in sentences])
    return scores.ravel(), truth.ravel()


def prf(scores: np.ndarray, truth: np.ndarray, cut: float) -> tuple[float, float, float]:
    said = scores >= cut
    hit = int((said & truth).sum())
    precision = hit / max(1, int(said.sum()))
    recall = hit / max(1, int(truth.sum()))
    return precision, recall, 2 * precision * recall / max(1e-9, precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples", nargs="+", default=["en", "en,fr", "en,fr,de"], help="setups: languages of the examples"
    )
    args = parser.parse_args()
    setups = [tuple(s.split(",")) for s in args.examples]
    if {lang for s in setups for lang in s} - set(LANGS):
        parser.error(f"--examples takes languages of {', '.join(LANGS)}")
    embedder = load_embedder()
    shipped = float(load_settings(env={})["components"]["narratives"]["user_threshold"])
    data = {s: [pairs(split, s, embedder) for split in ("dev", "test")] for s in setups}
    best = max(GRID, key=lambda cut: (np.mean([prf(*dev, cut)[2] for dev, _ in data.values()]), cut))
    print(f"date: {date.today()}  python {platform.python_version()}")
    print("| examples | threshold | chosen by | dev P / R / F1 | test P / R / F1 |")
    print("|---|---|---|---|---|")
    for setup, (dev, test) in data.items():
        for cut, why in ((shipped, "shipped"), (best, "mean dev F1")):
            d, t = prf(*dev, cut), prf(*test, cut)
            print(
                f"| {'+'.join(setup)} | {cut:.3f} | {why} | {d[0]:.3f} / {d[1]:.3f} / {d[2]:.3f} | "
                f"{t[0]:.3f} / {t[1]:.3f} / {t[2]:.3f} |"
            )


if __name__ == "__main__":
    main()
