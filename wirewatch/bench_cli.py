"""`wirewatch bench`: throughput, latency, matching cost and memory in one run (Issue 8).

Registered by cli.py with ``bench_cli.register(sub)``; also runs as
``python -m wirewatch.benchmark``.
"""
from __future__ import annotations

import sys
from pathlib import Path

from wirewatch.benchmark.runner import DEFAULT_STORIES, QUICK_STORIES
from wirewatch.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "bench"


def cmd_bench(args, app) -> int:
    import logging

    from wirewatch.benchmark import runner

    # kafka-python logs an ERROR when a consumer closes mid metadata refresh: noise here.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)

    out = Path(args.out)
    if args.profile:
        profiles = runner.run_profiles(app.settings, out, args.stories)
        print(runner.render_hot_spots(profiles))
        return 0
    results = runner.run_bench(app.settings, out, stories=args.stories, quick=args.quick)
    print((out / "results.md").read_text(encoding="utf-8"))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'} in {results['duration_s']:.0f}s", file=sys.stderr)
    return 0


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(value)
    return n


def add_arguments(p) -> None:
    p.add_argument("--quick", action="store_true",
                   help=f"small sizes ({QUICK_STORIES} stories): a smoke test of every phase, in a few minutes")
    p.add_argument("--stories", type=_positive, metavar="N",
                   help=f"stories for the full pipeline with one process per core (default {DEFAULT_STORIES}; "
                        "the other phases use fixed fractions of N, see bench/README.md)")
    p.add_argument("--out", default=str(DEFAULT_OUT), metavar="DIR",
                   help="where results.json and results.md go (default: bench/)")
    p.add_argument("--profile", action="store_true",
                   help="instead of the benchmark: profile the NLP, save_batch and one consumer process on "
                        "a small sample (--stories, default 40) with pyinstrument; writes DIR/profile-*.txt")


def register(sub) -> None:
    p = sub.add_parser(
        "bench", help="benchmark: bus, NLP, database and full-pipeline throughput, latency, matching, memory",
        description="Measure on this machine, in one run: raw Kafka throughput, the NLP limit (1 process and "
                    "one per core), bulk database insertion, the full pipeline at saturation, end-to-end "
                    "latency at 50% load, matching cost vs topic count and peak RSS per consumer. Writes "
                    "bench/results.json and bench/results.md and prints the table with each target met or "
                    "missed. Needs Kafka and PostgreSQL (`wirewatch stack up`); uses its own topics, consumer "
                    "groups and database schemas and removes them afterwards.")
    add_arguments(p)
    p.set_defaults(func=cmd_bench)
