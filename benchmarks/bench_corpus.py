"""Corpus mode: documents/s of `corpus run` (1 vs 2 workers, local vs Ray, full pipeline vs techniques only),
peak RSS, Parquet bytes per 1k documents, and the report's query time over synthetic rows.

    python benchmarks/bench_corpus.py --docs 10000 [--configs full-1,full-2,techniques-1,full-ray-2] [--rows 1000000]

Documents are PTC-2020 training articles (read from ../shared/data at run time, never copied), repeated with a
numbered first line until there are `--docs` of them. Each configuration runs in a fresh output folder.
Synthetic rows (`--rows`) are documents with random techniques, narratives and dates, written straight to
shards, to time `corpus report` (all its queries) at that scale.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

CONFIGS = {
    "full-1": ["--workers", "1"],
    "full-2": ["--workers", "2"],
    "techniques-1": ["--workers", "1", "--only", "techniques"],
    "full-ray-2": ["--workers", "2", "--executor", "ray"],
}


def write_inputs(folder: Path, n: int) -> int:
    from spinscope.eval.formats import load_ptc2020, resolve_data_root

    ptc = load_ptc2020("train", resolve_data_root())
    texts = [ptc.text(a) for a in ptc.article_ids]
    chars = 0
    with (folder / "docs.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Copy {i}.\n{texts[i % len(texts)]}"
            chars += len(text)
            fh.write(
                json.dumps({"id": f"d{i}", "date": f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}", "text": text}) + "\n"
            )
    return chars


# Runs the command given as arguments and prints the peak RSS (kB) of its process tree's largest member.
WRAP = (
    "import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)"
)


def time_run(inputs: Path, out: Path, extra: list[str]) -> dict:
    """One `spinscope corpus run` in a child process: wall seconds, the peak RSS of its largest process
    (the run, or one worker), bytes written."""
    t0 = time.perf_counter()
    command = [sys.executable, "-m", "spinscope", "corpus", "run", str(inputs), "--out", str(out), *extra]
    done = subprocess.run([sys.executable, "-c", WRAP, *command], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(done.stderr)
    manifest = json.loads((out / "manifest.json").read_text())
    parquet = sum(p.stat().st_size for p in (out / "shards").glob("*.parquet"))
    n = manifest["counts"]["documents"]
    return {
        "documents": n,
        "seconds": round(seconds, 1),
        "documents_per_s": round(n / seconds, 2),
        "peak_rss_mb": round(int(done.stderr.strip().splitlines()[-1]) / 1024),
        "parquet_bytes_per_1k": round(parquet / n * 1000),
    }


def synthetic_rows(out: Path, rows: int, per_shard: int = 100_000) -> None:
    """Documents with random techniques, narratives and entities, straight to shards of a run folder."""
    from spinscope.corpus.arrow import records_table
    from spinscope.corpus.shards import RunFolder
    from spinscope.labels import TECHNIQUES

    rng = random.Random(13)
    folder = RunFolder(out)
    folder.create()
    folder.write_manifest({"job": {}, "synthetic": rows})
    for shard in range(0, rows, per_shard):
        records = []
        for i in range(shard, min(rows, shard + per_shard)):
            techniques = [
                {
                    "technique": rng.choice(TECHNIQUES),
                    "start": 0,
                    "end": 4,
                    "text": "word",
                    "score": 0.5,
                    "definition": "",
                }
                for _ in range(rng.randint(0, 4))
            ]
            records.append(
                {
                    "id": f"s{i}",
                    "source": f"https://outlet{i % 40}.example/a/{i}",
                    "date": f"202{i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                    "language": rng.choice(["en", "fr", "de", "ru"]),
                    "meta": {},
                    "text": "word",
                    "techniques": techniques,
                    "entities": [
                        {
                            "name": f"Actor {rng.randint(0, 50)}",
                            "type": "PER",
                            "aliases": [],
                            "mentions": [],
                            "targeted_by": [{"technique": "Doubt", "start": 0, "end": 4}],
                            "claims": [],
                        }
                    ],
                    "narratives": [
                        {
                            "narrative": f"URW: Narrative {rng.randint(0, 10)}",
                            "subnarrative": None,
                            "score": 0.5,
                            "source": "semeval2025",
                            "evidence": [],
                        }
                    ],
                }
            )
        folder.finish_shard(shard // per_shard, records_table(records), [], {"documents": len(records), "rejected": 0})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"date: {date.today()}  machine: {platform.machine()}, 2 cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.docs:
            chars = write_inputs(root, args.docs)
            print(f"{args.docs} documents, {chars / args.docs:.0f} characters each on average")
            for name in args.configs.split(","):
                print(name, time_run(root / "docs.jsonl", root / name, CONFIGS[name]), flush=True)
        if args.rows:
            from spinscope.corpus.report import build_report

            t0 = time.perf_counter()
            synthetic_rows(root / "synthetic", args.rows)
            written = time.perf_counter() - t0
            t0 = time.perf_counter()
            build_report(root / "synthetic")
            size = sum(p.stat().st_size for p in (root / "synthetic" / "shards").glob("*.parquet"))
            print(
                f"{args.rows} synthetic rows: written in {written:.0f} s ({size / 1e6:.0f} MB Parquet); "
                f"every report query in {time.perf_counter() - t0:.1f} s"
            )


if __name__ == "__main__":
    main()
