"""`wirewatch bench`: throughput, latency, matching cost and memory in one run (Issue 8).

A thin command over the harness in bench/ (also ``python -m bench``). bench/ is imported only
when the command runs: an image without it still answers `wirewatch --help`.
"""
from __future__ import annotations

import sys
from pathlib import Path

from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK, EXIT_USAGE
from wirewatch.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "bench"


def cmd_bench(args, app) -> int:
    import logging

    from bench import runner

    # kafka-python logs an ERROR when a consumer closes mid metadata refresh: noise here.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)

    out = Path(args.out)
    if args.console:
        return _console(args, app, out)
    limit = args.worst_case_limit or app.settings.bench_worst_case_limit
    if args.profile:
        profiles = runner.run_profiles(app.settings, out, args.stories)
        print(runner.render_hot_spots(profiles))
        return EXIT_OK
    if args.only == "baseline":
        return _baseline(args, out)
    if args.only == "worst-case":
        results = runner.run_worst_case_only(app.settings, out, limit, args.worst_case_timeout,
                                             quick=args.quick)
    else:
        results = runner.run_bench(app.settings, out, stories=args.stories, quick=args.quick,
                                   worst_case_limit=limit,
                                   worst_case_timeout=args.worst_case_timeout, baseline_rev=args.baseline_rev)
    print((out / "results.md").read_text(encoding="utf-8"))
    print(f"wrote {out / 'results.json'} and {out / 'results.md'} in {results['duration_s']:.0f}s", file=sys.stderr)
    if args.only is None:
        # The console's pages last (under a minute): results.json/md are written already, so a
        # failure here loses nothing of the main run.
        try:
            _console_section(app, out, args.quick)
        except Exception as exc:  # noqa: BLE001 - report it, keep the main results
            print(f"console pages: failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
            return EXIT_FAILURE
    return EXIT_OK


def _baseline(args, out: Path) -> int:
    """`wirewatch bench --only baseline`: phase (j) alone, the table printed, DIR/baseline_results.json."""
    from bench import baseline, runner

    try:
        results = runner.run_baseline_only(out, args.baseline_rev, args.stories, quick=args.quick)
    except baseline.BaselineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print("\n".join(baseline.render(results)))
    print(f"wrote {out / baseline.RESULTS_FILE} in {results['duration_s']:.0f}s", file=sys.stderr)
    return EXIT_OK  # like the other sections: the verdict is in the table, not the exit status


def _console(args, app, out: Path) -> int:
    """`wirewatch bench --console`: the console's page timings alone (bench/console_pages.py)."""
    if args.profile or args.only:
        print("error: --console runs alone; drop --profile / --only", file=sys.stderr)
        return EXIT_USAGE
    _console_section(app, out, args.quick)
    return EXIT_OK


def _console_section(app, out: Path, quick: bool) -> dict:
    from bench import console_pages

    path = out / console_pages.RESULTS_FILE
    results = console_pages.run(app.settings, json_path=path, **(console_pages.QUICK if quick else {}))
    print(console_pages.render(results))
    print(f"wrote {path} in {results['duration_s']:.0f}s", file=sys.stderr)
    return results


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise ValueError(value)
    return n


def _positive_float(value: str) -> float:
    n = float(value)
    if not n > 0:
        raise ValueError(value)
    return n


def add_arguments(p) -> None:
    try:
        from bench.runner import DEFAULT_STORIES, QUICK_STORIES
        from bench.worst_case import DEFAULT_TIMEOUT as WORST_CASE_TIMEOUT
        from bench.worst_case import QUICK_LIMIT as QUICK_WORST_CASE
        from bench.baseline import BASELINE_REV, RATIO_LIMIT
        from bench.baseline import STORIES as BASELINE_STORIES
    except ImportError:  # not installed (the Docker image): the command says so when run
        DEFAULT_STORIES, QUICK_STORIES, WORST_CASE_TIMEOUT, QUICK_WORST_CASE = 0, 0, 0.0, 0
        BASELINE_REV, RATIO_LIMIT, BASELINE_STORIES = "?", 0.0, 0
    p.add_argument("--quick", action="store_true",
                   help=f"small sizes ({QUICK_STORIES} stories): a smoke test of every phase, in a few minutes")
    p.add_argument("--stories", type=_positive, metavar="N",
                   help=f"stories for the full pipeline with one process per core (default {DEFAULT_STORIES}; "
                        "the other phases use fixed fractions of N, see bench/README.md)")
    p.add_argument("--out", default=str(DEFAULT_OUT), metavar="DIR",
                   help="where results.json and results.md go (default: bench/)")
    p.add_argument("--only", choices=["worst-case", "baseline"],
                   help="run one part alone (neither needs Kafka or PostgreSQL): worst-case = phase (h), every "
                        "item of eng.testb, the Reuters corpus and the feed files analysed one at a time; "
                        "baseline = phase (j), the NLP limit (b) with 1 process of this tree and of a git "
                        f"worktree of --baseline-rev on the same {BASELINE_STORIES} stories (--stories N), "
                        f"3 interleaved rounds; PASS when current ÷ baseline ≥ {RATIO_LIMIT:g}; writes "
                        "DIR/baseline_results.json (about 5 minutes)")
    p.add_argument("--baseline-rev", metavar="REV",
                   help=f"phase (j): the git revision to compare with (default {BASELINE_REV})")
    p.add_argument("--worst-case-limit", type=_positive, metavar="N",
                   help=f"phase (h): at most N items per corpus (default: all; {QUICK_WORST_CASE} with --quick; "
                        "or WIREWATCH_BENCH_WORST_CASE_LIMIT)")
    p.add_argument("--worst-case-timeout", type=_positive_float, metavar="S",
                   help=f"phase (h): seconds before an item's analysis is killed (default {WORST_CASE_TIMEOUT:g})")
    p.add_argument("--console", action="store_true",
                   help="only the console section (the full run ends with it too): the analyst console's pages "
                        "timed over HTTP with 100,000 stored items and 10,000 alerts (synthetic, COPY-loaded into "
                        "a schema of its own; needs PostgreSQL only; about a minute); p50/p95/max per page, PASS "
                        "when p95 < 300 ms, and each page's p50 against GET /login (no database read) and the "
                        "inbox query alone, measured in the same run. Writes DIR/console_results.json. With "
                        "--quick: 5,000 items, 500 alerts. Other sizes: python -m bench.console_pages --help")
    p.add_argument("--profile", action="store_true",
                   help="instead of the benchmark: profile the NLP, save_batch and one consumer process on "
                        "a small sample (--stories, default 40) with pyinstrument; writes DIR/profile-*.txt")


def register(sub) -> None:
    p = sub.add_parser(
        "bench", help="benchmark: bus, NLP, database and full-pipeline throughput, latency, matching, memory",
        description="Measure on this machine, in one run: raw Kafka throughput, the NLP limit (1 process and "
                    "one per core), bulk database insertion, the full pipeline at saturation, end-to-end "
                    "latency at 50% load, matching cost vs topic count, peak RSS per consumer, the NLP limit against a "
                    "baseline revision (a git worktree, same run), and the worst "
                    "case: time and memory of every item of eng.testb, the Reuters corpus and the feed files, "
                    "analysed one at a time. Writes "
                    "bench/results.json and bench/results.md and prints the table with each target met or "
                    "missed; then times the analyst console's pages (the --console section, under a minute) and "
                    "writes bench/console_results.json. Needs Kafka and PostgreSQL (`wirewatch stack up`); "
                    "uses its own topics, consumer groups and database schemas and removes them afterwards.")
    add_arguments(p)
    p.set_defaults(func=cmd_bench)
