"""Sequence the bench phases, print progress, write results.json and results.md."""
from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from bench import baseline, worst_case_report
from bench import machine as machine_mod
from bench.progress import Progress
from bench.report import render_markdown
from bench.stats import evaluate_targets

DEFAULT_STORIES = 2000
QUICK_STORIES = 60
WARM_SKIP = 12000  # warm-up stories come from far down the corpus, never from the samples


@dataclass(frozen=True)
class Plan:
    """How many stories each phase uses. ``stories`` is the per-core pipeline run (d)."""

    stories: int
    pipeline_one: int
    nlp_one: int
    nlp_per_core: int
    bus: int
    database: int
    latency_seconds: float
    latency_min_items: int
    freq_docs: int
    matching_repeat: int
    warm: int = 3

    @classmethod
    def for_run(cls, stories: int | None, quick: bool) -> "Plan":
        n = stories or (QUICK_STORIES if quick else DEFAULT_STORIES)
        return cls(
            stories=n,
            pipeline_one=max(20, n // 4),
            nlp_one=max(10, n // 10),
            nlp_per_core=max(20, n // 5),
            bus=n,
            database=n,
            latency_seconds=30.0 if quick else 120.0,
            latency_min_items=20,
            freq_docs=200 if quick else 2000,
            matching_repeat=3 if quick else 7,
        )


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_bench(settings, out_dir: Path, stories: int | None = None, quick: bool = False,
              stream=None, worst_case_limit: int | None = None, worst_case_timeout: float | None = None,
              baseline_rev: str | None = None) -> dict:
    from bench import (bus_throughput, corpus, db_throughput, latency, matching_cost,
                                     nlp_throughput, pipeline_throughput, sandbox_cost)
    from bench.scratch import scratch
    from wirewatch.bootstrap import App
    from wirewatch.adapters.postgres_engine import make_engine

    progress = Progress(stream)
    plan = Plan.for_run(stories, quick)
    ncores = cores()
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    workdir = Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    results: dict = {"started_at": started_at, "mode": "quick" if quick else "default",
                     "sizes": asdict(plan), "machine": machine_mod.machine(), "notes": []}
    results["machine"]["cores"] = ncores
    progress(f"machine: {ncores} cores, {results['machine']['cpu_model']}, {results['machine']['ram_gb']} GB, "
             f"load average {results['machine']['load_avg_start']}; logs in {workdir}")

    t = progress.start("setup: versions and stories")
    engine = make_engine(settings.database_url, settings.db_schema)
    try:
        results["versions"] = machine_mod.versions(settings, engine)
    finally:
        engine.dispose()
    need = max(plan.stories, plan.pipeline_one, plan.nlp_one, plan.nlp_per_core, plan.bus)
    items = corpus.load_items(need)
    warm = corpus.load_items(plan.warm, skip=WARM_SKIP)
    progress.done(t, f"{len(items)} stories from {corpus.ARTICLES}, "
                     f"{sum(corpus.words(i) for i in items) / len(items):.0f} words on average")

    # (a) bus
    t = progress.start(f"(a) bus: raw kafka-python, {plan.bus} messages")
    with scratch(settings, "bus", database=False) as s:
        results["bus"] = bus_throughput.measure_bus(s, corpus.serialize(items[:plan.bus]), progress)
    progress.done(t, f"produce {results['bus']['produce']['msgs_per_s']} msg/s, "
                     f"consume {results['bus']['consume']['msgs_per_s']} msg/s")

    # (b) NLP limit
    nlp_items = items[:plan.nlp_one]
    t = progress.start(f"(b) NLP limit: 1 process, {len(nlp_items)} stories")
    one = nlp_throughput.measure_nlp(nlp_items, warm, 1, settings.topics_file, settings.watchlist_file,
                                     keep_analyses=True)
    analyses = one.pop("analyses")
    progress.done(t, f"{one['items_per_s']} items/s, {one['words_per_s']:.0f} words/s")
    t = progress.start(f"(b) NLP limit: {ncores} processes, {plan.nlp_per_core} stories")
    many = nlp_throughput.measure_nlp(items[:plan.nlp_per_core], warm, ncores, settings.topics_file,
                                      settings.watchlist_file)
    progress.done(t, f"{many['items_per_s']} items/s, {many['words_per_s']:.0f} words/s")
    results["nlp"] = {"one": one, "per_core": many}

    # (i) the analysis budget's process boundary, against analysis in this process, same run
    t = progress.start(f"(i) analysis budget: {len(nlp_items)} stories in-process vs in the killable child")
    results["sandbox"] = sandbox_cost.measure_sandbox_cost(nlp_items, settings,
                                                           repeat=max(2, plan.matching_repeat // 2), progress=progress)
    progress.done(t, f"ratio {results['sandbox']['ratio_sandboxed_to_in_process']} "
                     f"({results['sandbox']['overhead_ms_per_item']:+} ms/item)")

    # (j) (b) with 1 process on the same stories, this tree against a baseline revision, interleaved
    results["baseline"] = _baseline_phase(nlp_items, warm, baseline_rev, progress)

    # (f) matching
    t = progress.start(f"(f) matching: {len(nlp_items)} analysed stories × 10 / 1,000 / 10,000 topics")
    results["matching"] = matching_cost.measure_matching(
        nlp_items, analyses, corpus.ARTICLES, plan.freq_docs, skip=WARM_SKIP + 100, repeat=plan.matching_repeat)
    progress.done(t, "µs/item " + ", ".join(f"{n} topics {c['us_per_item']}"
                                           for n, c in results["matching"]["counts"].items()))

    # (c) database
    t = progress.start(f"(c) database: save_batch of {plan.database} items")
    with scratch(settings, "db", kafka=False) as s:
        with App(s) as app:
            results["database"] = db_throughput.measure_db(app, nlp_items, analyses, plan.database)
    progress.done(t, f"{results['database']['items_per_s']} items/s, {results['database']['rows_per_s']:.0f} rows/s")

    # (d) full pipeline
    memory: list[dict] = []
    results["pipeline"] = {}
    for key, procs, n in (("one", 1, plan.pipeline_one), ("per_core", ncores, plan.stories)):
        t = progress.start(f"(d) pipeline: {procs} consumer process(es), {n} stories")
        with scratch(settings, f"pipe{procs}") as s:
            with App(s) as app:
                res, mem = pipeline_throughput.measure_pipeline(app, items[:n], procs, workdir,
                                                                f"pipeline-{procs}", progress)
        results["pipeline"][key] = res
        memory += mem
        progress.done(t, f"{res['items']} stored, {res['items_per_s']} items/s, {res['words_per_s']:.0f} words/s")

    # (e) latency at 50% of the saturated per-core throughput
    saturated = results["pipeline"]["per_core"]["items_per_s"]
    per_second = saturated / 2
    count = max(plan.latency_min_items, int(per_second * plan.latency_seconds))
    count = min(count, len(items))
    t = progress.start(f"(e) latency: {count} stories at {per_second:.2f}/s to {ncores} consumer process(es)")
    with scratch(settings, "latency") as s:
        with App(s) as app:
            res, mem = latency.measure_latency(app, items[:count], ncores, per_second, saturated, workdir, progress)
    results["latency"] = res
    memory += mem
    a = res["ack_to_commit"]
    progress.done(t, f"p50 {a.get('p50_ms')} ms, p95 {a.get('p95_ms')} ms, p99 {a.get('p99_ms')} ms")

    # (g) memory
    rss = [m["peak_rss_mb"] for m in memory if m.get("peak_rss_mb")]
    results["memory"] = {"per_process": memory, "processes": len(memory),
                         "peak_rss_mb_max": max(rss) if rss else None,
                         "nlp_peak_rss_mb": one["peak_rss_mb"] + many["peak_rss_mb"],
                         "method": "VmHWM of each consumer process from /proc/<pid>/status, sampled "
                                   "every 0.25 s and just before SIGTERM"}

    # (h) worst case: every item of three corpora alone, in a child that a timeout can kill
    results["worst_case"] = _worst_case_phase(settings, progress, quick, worst_case_limit, worst_case_timeout)

    results["machine"]["load_avg_end"] = machine_mod.load_avg()
    results["duration_s"] = round(time.monotonic() - progress.t0, 1)
    results["notes"] += notes(plan, ncores, results)
    targets = evaluate_targets(results) + baseline.targets(results) + worst_case_report.targets(results)
    results["targets"] = [t.to_dict() for t in targets]
    write_results(results, out_dir, targets)
    return results


def _baseline_phase(items, warm, rev: str | None, progress: "Progress") -> dict:
    """Phase (j) in the full run: a failure (say, a shallow clone) costs this phase only."""
    rev = rev or baseline.BASELINE_REV
    try:
        section = baseline.run(items, warm, rev, progress=progress)
    except baseline.BaselineError as exc:
        progress(f"(j) against baseline {rev}: not measured: {exc}")
        return {"baseline_rev": rev, "error": str(exc)}
    r = section["ratios"]
    progress(f"(j) against baseline {rev}: current ÷ baseline {r['items_per_cpu_s']}× items per CPU-s, "
             f"{r['words_per_s']}× words/s")
    return section


def run_baseline_only(out_dir: Path, rev: str | None = None, stories: int | None = None, quick: bool = False,
                      stream=None) -> dict:
    """`wirewatch bench --only baseline`: phase (j) alone (no Kafka, no PostgreSQL); writes
    DIR/baseline_results.json. A BaselineError reaches the caller."""
    from bench import corpus

    n = stories or (baseline.QUICK_STORIES if quick else baseline.STORIES)
    return baseline.run(corpus.load_items(n), corpus.load_items(Plan.warm, skip=WARM_SKIP),
                        rev or baseline.BASELINE_REV, progress=Progress(stream),
                        json_path=out_dir / baseline.RESULTS_FILE)


def _worst_case_phase(settings, progress: "Progress", quick: bool, limit: int | None,
                      timeout: float | None) -> dict:
    from bench import worst_case

    if limit is None and quick:
        limit = worst_case.QUICK_LIMIT
    timeout = timeout or worst_case.DEFAULT_TIMEOUT
    t = progress.start("(h) worst case: eng.testb, Reuters, feed items, one at a time"
                       + (f", at most {limit} per corpus" if limit else ""))
    section = worst_case.run_worst_case(limit, timeout, watchlist=str(settings.watchlist_file), progress=progress)
    overall = section["corpora"]["overall"]
    slow, peak = overall.get("s_per_item", {}).get("max"), overall.get("mb_per_item", {}).get("max")
    progress.done(t, f"{overall.get('items', 0):,} items, slowest {slow if slow is None else round(slow, 2)} s, "
                     f"peak {peak if peak is None else round(peak, 1)} MB above the RSS before the item")
    return section


def run_worst_case_only(settings, out_dir: Path, limit: int | None = None, timeout: float | None = None,
                        quick: bool = False, stream=None) -> dict:
    """`wirewatch bench --only worst-case`: phase (h) alone (no Kafka, no PostgreSQL)."""
    progress = Progress(stream)
    results: dict = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     "mode": "worst case only" + (" (quick)" if quick else ""), "machine": machine_mod.machine(),
                     "notes": []}
    results["machine"]["cores"] = cores()
    results["worst_case"] = _worst_case_phase(settings, progress, quick, limit, timeout)
    results["machine"]["load_avg_end"] = machine_mod.load_avg()
    results["duration_s"] = round(time.monotonic() - progress.t0, 1)
    write_results(results, out_dir, worst_case_report.targets(results))
    return results


def notes(plan: Plan, ncores: int, results: dict) -> list[str]:
    from bench import db_throughput

    out = [
        f"Samples: (d) with {ncores} processes uses {plan.stories} stories; (d) with 1 process "
        f"{plan.pipeline_one}; (b) {plan.nlp_one} (1 process) and {plan.nlp_per_core} ({ncores} processes); "
        f"(a) and (c) {plan.bus} / {plan.database}; all are the first stories of articles.jsonl, so the smaller "
        "samples are prefixes of the larger. Pipeline-vs-NLP and scaling ratios use words/s to cancel the "
        "difference in average story length between samples.",
        "(d) and (e) run real `wirewatch consume` processes (python -m bench.consume_child = "
        "wirewatch.cli.main(['consume', ...]) plus status hooks); the model is loaded and warmed before the "
        "first poll, and the clock starts at the first record consumed.",
        f"(c) stores the {plan.nlp_one} analysed stories of (b) and clones of them under new ids, in batches "
        f"of {db_throughput.DEFAULT_BATCH} (the consumer's max_poll_records).",
        "NLP figures include items_per_cpu_s (per CPU-second of the workers), which other load on the "
        "machine does not change; wall-clock figures do depend on it (see the load averages).",
    ]
    loads = []
    for key in ("load_avg_start", "load_avg_end"):
        try:
            loads.append(float(str(results["machine"].get(key, "")).split()[0]))
        except (ValueError, IndexError):
            pass
    if loads and max(loads) > 0.5 * ncores:
        out.append(f"The machine was not idle (1-minute load average up to {max(loads):.2f} on {ncores} cores "
                   "at the start or end of the run): other work competed for the CPU, so wall-clock "
                   "throughputs are low and ratios between phases are noisy. The 'on CPU' column and the "
                   "per-CPU-second ratios in the targets show how much.")
    if results["machine"].get("niceness"):
        out.append(f"The bench ran at niceness {results['machine']['niceness']} (yielding the CPU to other work).")
    return out


def write_results(results: dict, out_dir: Path, targets=None) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    md = render_markdown(results, targets)
    (out_dir / "results.md").write_text(md, encoding="utf-8")
    return md


def run_profiles(settings, out_dir: Path, stories: int | None = None, stream=None) -> dict:
    """Profile the NLP (in process), save_batch, and one consumer process on a small sample."""
    from bench import corpus, db_throughput, pipeline_throughput, profiling
    from bench.scratch import scratch
    from wirewatch.bootstrap import App

    if not profiling.available():
        raise RuntimeError("pyinstrument is not installed: .venv/bin/pip install pyinstrument")
    progress = Progress(stream)
    n = stories or 40
    out_dir.mkdir(parents=True, exist_ok=True)
    items = corpus.load_items(n)
    warm = corpus.load_items(3, skip=WARM_SKIP)
    out = {}
    t = progress.start(f"profile NLP: {n} stories in this process")
    from consumers.understanding.analyzer import Analyzer

    analyzer = Analyzer(watchlist=str(settings.watchlist_file))
    out["nlp"] = profiling.profile_nlp(items, warm, settings, out_dir, analyzer=analyzer)
    progress.done(t, f"written {out_dir / 'profile-nlp.txt'}")

    t = progress.start(f"profile database: save_batch of {n * 4} items")
    analyses = analyzer.analyse_many([(i.headline, i.body) for i in items])
    with scratch(settings, "profdb", kafka=False) as s:
        with App(s) as app:
            batches = db_throughput.build_processed(app, items, analyses, n * 4, db_throughput.DEFAULT_BATCH)
            out["database"] = profiling.profile_db(app, batches, out_dir)
    with scratch(settings, "profdb2", kafka=False) as s:
        with App(s) as app:
            batches = db_throughput.build_processed(app, items, analyses, n * 4, db_throughput.DEFAULT_BATCH)
            out["database"]["split"] = profiling.db_split(app, batches)
    progress.done(t, f"written {out_dir / 'profile-db.txt'}")

    t = progress.start(f"profile pipeline: 1 consumer process, {n} stories")
    workdir = Path(tempfile.mkdtemp(prefix="wirewatch-bench-profile-"))
    with scratch(settings, "profpipe") as s:
        with App(s) as app:
            res, _ = pipeline_throughput.measure_pipeline(app, items, 1, workdir, "profile", progress,
                                                          profile=out_dir / "profile-pipeline.txt")
    out["pipeline"] = json.loads((out_dir / "profile-pipeline.json").read_text(encoding="utf-8"))
    out["pipeline"]["run"] = res
    progress.done(t, f"written {out_dir / 'profile-pipeline.txt'}")
    return out


def render_hot_spots(profiles: dict, top: int = 10) -> str:
    lines = []
    for name, spots in profiles.items():
        lines.append(f"## {name}: {spots.get('total_s')} s profiled")
        lines.append("self time (where the CPU is):")
        for label, s, share in spots["self"][:top]:
            lines.append(f"  {share:6.1%} {s:8.2f}s  {label}")
        lines.append("inclusive time, wirewatch code:")
        for label, s, share in spots["project_inclusive"][:top]:
            lines.append(f"  {share:6.1%} {s:8.2f}s  {label}")
        if spots.get("nlp_split"):
            lines.append("CPU split of analyse_many + matching (one extra pass):")
            for k, v in sorted(spots["nlp_split"].items(), key=lambda kv: -kv[1]["cpu_s"]):
                lines.append(f"  {v['share']:6.1%} {v['cpu_s']:8.2f}s  {k}")
        if spots.get("split"):
            lines.append(f"save_batch by statement ({spots['split']['items']} items, {spots['split']['total_s']} s):")
            for k, v in sorted(spots["split"]["by_statement"].items(), key=lambda kv: -kv[1]["s"]):
                lines.append(f"  {v['share']:6.1%} {v['s']:8.2f}s  {k}"
                             + (f" ({v['statements']} statements)" if "statements" in v else ""))
        run = spots.get("run") or {}
        if run.get("stages"):
            lines.append(f"consumer time by step ({run.get('items')} items, {run.get('seconds')} s):")
            for k, v in sorted(run["stages"].items(), key=lambda kv: -kv[1]["wall_s"]):
                lines.append(f"  {(v.get('share') or 0):6.1%} {v['wall_s']:8.2f}s wall {v['cpu_s']:8.2f}s CPU  {k}")
        lines.append("")
    return "\n".join(lines)
