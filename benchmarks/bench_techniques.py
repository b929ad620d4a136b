"""Technique-model speed and memory on the English validation articles (2 cores is the reference machine).

    python benchmarks/bench_techniques.py [--model PATH] [--lang en] [--limit N]

Prints model load time, articles/s and tokens/s of the encoder pass + technique decoding, and peak RSS.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from datetime import date

from spinscope.api import load_pipeline
from spinscope.config import load_settings
from spinscope.eval.formats import resolve_data_root
from spinscope.eval.gate import validation_documents
from spinscope.pipeline.encoder import load_encoder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="techniques")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()

    settings = load_settings(None, [f"components.encoder.model={args.model}"], env={})
    docs = validation_documents(resolve_data_root(), args.lang)
    if args.limit:
        docs = docs[: args.limit]

    t0 = time.perf_counter()
    pipeline = load_pipeline(settings, only=["techniques"])
    load_s = time.perf_counter() - t0
    model = load_encoder(settings["components"]["encoder"], "benchmark")
    if model is None:
        raise SystemExit(f"no model at {args.model}")
    tokens = sum(len(e.ids) for e in model.tokenizer.encode_batch([d.text for d in docs]))

    t0 = time.perf_counter()
    spans = sum(len(d.layer("techniques")) for d in pipeline.pipe(docs))
    run_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"date: {date.today()}  machine: {platform.machine()} {platform.processor() or ''}".strip())
    print(f"articles: {len(docs)} ({args.lang})  tokens: {tokens}  spans found: {spans}")
    print(f"model load: {load_s:.2f} s")
    print(f"throughput: {len(docs) / run_s:.2f} articles/s, {tokens / run_s:.0f} tokens/s ({run_s:.1f} s)")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
