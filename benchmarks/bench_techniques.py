"""Encoder-pass speed and memory on the validation articles (2 cores is the reference machine).

    python benchmarks/bench_techniques.py [--model PATH] [--lang en] [--limit N] [--repeat 3] [--set KEY=VALUE]

Prints model load time, articles/s and tokens/s of the techniques component alone (encoder pass +
decoding), then of the full default pipeline (language, segment, the one encoder pass, every head, entities
and claims), both through the run loop the CLI uses (`spinscope.runner.process`), the seconds each step
of the full pipeline takes (steps run one after the other over all articles), and peak RSS twice: of the run
loop over a stream of articles, each dropped once counted, as the CLI reads, analyses, writes and drops them,
and after the step timing, which holds every article's encoder states at once. The two are timed in
turns, `--repeat` times each, and the medians are reported with the range: on a shared VM single runs vary
by +-20%. A first run on three articles loads the models that load lazily, so the timed runs measure the
steady state, as in a long run.
`--set components.encoder.streams=1` and the like compare settings.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import time
from datetime import date

from threadpoolctl import threadpool_limits

from spinscope.api import load_pipeline
from spinscope.config import load_settings
from spinscope.data import Document
from spinscope.eval.formats import resolve_data_root
from spinscope.eval.validation import validation_documents
from spinscope.pipeline.encoder import load_encoder
from spinscope.runner import process


def timed(only: list[str], settings: dict, docs: list[Document]) -> float:
    """Seconds for the run loop over a stream of fresh copies of `docs` (the language left to the language
    component); none is kept once counted."""
    pipeline = load_pipeline(settings, only=only)
    fresh = (Document(d.id, d.text) for d in docs)
    t0 = time.perf_counter()
    stats = process(fresh, pipeline, lambda analysed: sum(1 for _ in analysed))
    assert not stats.rejected, stats.rejected
    return time.perf_counter() - t0


def step_seconds(settings: dict, docs: list[Document]) -> dict[str, float]:
    """Seconds per step of the full pipeline, each run over all articles before the next starts (no overlap of
    the run loop's two stages)."""
    pipeline = load_pipeline(settings)
    batch = [Document(d.id, d.text) for d in docs]
    out = {}
    with threadpool_limits(limits=1, user_api="blas"):  # as in the run loop
        for step in pipeline.steps:
            t0 = time.perf_counter()
            batch = list(step.pipe(batch))
            out[step.name] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="techniques")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE")
    args = parser.parse_args()

    settings = load_settings(None, [f"components.encoder.model={args.model}", *args.overrides], env={})
    docs = validation_documents(resolve_data_root(), args.lang)
    if args.limit:
        docs = docs[: args.limit]

    t0 = time.perf_counter()
    model = load_encoder(settings["components"]["encoder"], "benchmark")
    load_s = time.perf_counter() - t0
    if model is None:
        raise SystemExit(f"no model at {args.model}")
    tokens = sum(len(e.ids) for e in model.tokenizer.encode_batch([d.text for d in docs]))
    warm_s = timed([], settings, docs[:3])  # models that load on the first document of their language (spaCy)
    runs: dict[str, list[float]] = {"alone": [], "together": []}
    for _ in range(args.repeat):
        runs["alone"].append(timed(["techniques"], settings, docs))
        runs["together"].append(timed([], settings, docs))
    alone, together = (statistics.median(runs[k]) for k in ("alone", "together"))
    spread = {k: f"{len(docs) / max(v):.2f}-{len(docs) / min(v):.2f}" for k, v in runs.items()}
    streamed_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    steps = step_seconds(settings, docs)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"date: {date.today()}  machine: {platform.machine()}, {len(docs)} {args.lang} articles, {tokens} tokens")
    print(f"settings: {settings['components']['encoder']}; medians of {args.repeat} runs (range in brackets)")
    print(f"model load: {load_s:.2f} s (encoder), {warm_s:.2f} s for a first run on 3 articles (the other models load)")
    print(
        f"techniques alone: {len(docs) / alone:.2f} articles/s [{spread['alone']}], "
        f"{tokens / alone:.0f} tokens/s ({alone:.1f} s)"
    )
    print(
        f"full default pipeline: {len(docs) / together:.2f} articles/s [{spread['together']}] "
        f"({together:.1f} s, {100 * (together / alone - 1):+.1f}% vs techniques alone)"
    )
    print("seconds per step over all articles: " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    print(f"peak RSS: {streamed_mb:.0f} MB in the run loop; {rss_mb:.0f} MB with every article's states held (steps)")


if __name__ == "__main__":
    main()
