"""Technique-model speed and memory on the English validation articles (2 cores is the reference machine).

    python benchmarks/bench_techniques.py [--model PATH] [--lang en] [--limit N]

Prints model load time, articles/s and tokens/s of the technique component alone, and peak RSS.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from datetime import date

from spinscope.config import load_settings
from spinscope.eval.formats import resolve_data_root
from spinscope.eval.gate import validation_documents
from spinscope.pipeline.techniques import TechniquesComponent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="techniques")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()

    settings = load_settings(env={})
    config = {**settings["components"]["techniques"], "model": args.model}
    docs = validation_documents(resolve_data_root(), args.lang)
    if args.limit:
        docs = docs[: args.limit]

    t0 = time.perf_counter()
    component = TechniquesComponent(config, settings)
    load_s = time.perf_counter() - t0
    if component.tagger is None:
        raise SystemExit(f"no model at {args.model}")
    tokens = sum(len(e.ids) for e in component.tagger.tokenizer.encode_batch([d.text for d in docs]))

    t0 = time.perf_counter()
    spans = sum(len(d.layer("techniques")) for d in component.pipe(docs))
    run_s = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"date: {date.today()}  machine: {platform.machine()} {platform.processor() or ''}".strip())
    print(f"articles: {len(docs)} ({args.lang})  tokens: {tokens}  spans found: {spans}")
    print(f"model load: {load_s:.2f} s")
    print(f"throughput: {len(docs) / run_s:.2f} articles/s, {tokens / run_s:.0f} tokens/s ({run_s:.1f} s)")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
