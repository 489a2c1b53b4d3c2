"""A real `wirewatch consume` process, instrumented for the benchmark.

Run as ``python -m bench.consume_child [consume options]``: it calls
``wirewatch.cli.main(["consume", ...])``, the same code path as the command, with
three small hooks that change nothing in the processing:

- the analyzer is loaded and warmed up on a few stories before the first poll (model
  loading is start-up cost, not throughput);
- each poll writes a status file (WIREWATCH_BENCH_STATUS): assigned partitions, time of
  the first record received, counts stored/dead-lettered, peak RSS, and the wall and
  CPU seconds spent in each step of ItemsWorker.process (stage, save, publish, commit);
- with WIREWATCH_BENCH_PROFILE=FILE, pyinstrument profiles the run after warm-up into FILE
  (and the hot spots into FILE with a .json suffix).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

WARM_TEXTS = [
    ("Opposition leader arrested in capital",
     "PHNOM PENH (Reuters) - Police arrested the leader of the main opposition party on Sunday, "
     "the government said, accusing him of treason. His party called the arrest politically motivated."),
    ("Oil prices rise", "LONDON (Reuters) - Oil prices rose on Monday as OPEC signalled further output cuts, "
                        "traders said, while the dollar weakened against the euro."),
]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Status:
    def __init__(self, path: str | None) -> None:
        self.path = path
        self.state = {"pid": os.getpid(), "warm": False, "assigned": 0, "first_record": None,
                      "records": 0, "stored": 0, "dead_lettered": 0, "batches": 0, "peak_rss_mb": 0.0,
                      "stages": {}}
        self._last_written = None

    def write(self, force: bool = False) -> None:
        if not self.path:
            return
        self.state["peak_rss_mb"] = round(_peak_rss_mb(), 1)
        snapshot = json.dumps(self.state, sort_keys=True)
        if snapshot == self._last_written and not force:
            return
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(snapshot)
        os.replace(tmp, self.path)
        self._last_written = snapshot


CHILD_STAGE = "of which analysis in the child process (CPU of the child)"


def _timed(status: _Status, name: str, fn, clock=lambda *_: time.thread_time()):
    """Wrap ``fn`` to add its wall and CPU seconds (by ``clock``: this thread's, unless told)
    to status.state["stages"][name]."""

    def wrapper(*args, **kwargs):
        w0, c0 = time.perf_counter(), clock(*args[:1])
        try:
            return fn(*args, **kwargs)
        finally:
            acc = status.state["stages"].setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0})
            acc["wall_s"] = round(acc["wall_s"] + time.perf_counter() - w0, 4)
            acc["cpu_s"] = round(acc["cpu_s"] + clock(*args[:1]) - c0, 4)
            acc["calls"] += 1

    return wrapper


def install_hooks(status: _Status, profiler=None) -> None:
    from consumers import pipeline
    from wirewatch import bootstrap, worker
    from wirewatch.adapters import kafka_bus as bus
    from wirewatch.adapters import postgres_store as store

    original_items_worker = bootstrap.App.items_worker
    original_poll = bus.poll_records
    original_count = worker.ItemsWorker._count
    # Where a consumer's time goes, batch after batch (first record onwards).
    pipeline.ItemsStage.handle = _timed(status, "analyse+match (ItemsStage.handle)", pipeline.ItemsStage.handle)
    store.PostgresStore.save_batch = _timed(status, "database (PostgresStore.save_batch)",
                                            store.PostgresStore.save_batch)
    worker.ItemsWorker._send_all = _timed(status, "alerts/dead letters publish", worker.ItemsWorker._send_all)
    worker.ItemsWorker.commit = _timed(status, "offset commit", worker.ItemsWorker.commit)
    # Analysis runs in the sandbox's child: its CPU is the child's, which ItemsStage.handle's
    # thread time (waiting on the pipe, then matching) does not see. Wall time is inside handle's.
    from wirewatch.analysis_sandbox import SandboxedAnalyser

    SandboxedAnalyser.analyse_many = _timed(
        status, CHILD_STAGE, SandboxedAnalyser.analyse_many,
        clock=lambda sandbox: sandbox.cpu_seconds)

    def items_worker(self, *args, **kwargs):
        built = original_items_worker(self, *args, **kwargs)
        # Loads spaCy and warms it before the first poll: in the analysis process when the
        # budget's sandbox is on (the default), else here.
        (built.analyser or self.analyzer).analyse_many(WARM_TEXTS)
        status.state["stages"].pop(CHILD_STAGE, None)  # the model load is start-up, not work
        status.state["warm"] = True
        status.write()
        if profiler is not None:
            profiler.start()  # the profile covers polling and processing, not start-up
        return built

    timed_poll = _timed(status, "poll (after the first record)", original_poll)

    def poll_records(consumer, timeout_ms, max_records=None):
        if status.state["first_record"] is None:
            records = original_poll(consumer, timeout_ms, max_records)
        else:
            records = timed_poll(consumer, timeout_ms, max_records)
        if records and status.state["first_record"] is None:
            status.state["first_record"] = time.time()
        status.state["records"] += len(records)
        status.state["assigned"] = len(consumer.assignment())
        status.write()
        return records

    def count(self, records, result, new_keys):
        original_count(self, records, result, new_keys)
        status.state["stored"] = self.stats.stored
        status.state["dead_lettered"] = self.stats.dead_lettered
        status.state["batches"] = self.stats.batches
        status.write()

    bootstrap.App.items_worker = items_worker
    bus.poll_records = poll_records  # worker.py calls bus.poll_records at run time
    worker.ItemsWorker._count = count


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    status = _Status(os.environ.get("WIREWATCH_BENCH_STATUS"))
    profile_path = os.environ.get("WIREWATCH_BENCH_PROFILE")
    profiler = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
    install_hooks(status, profiler)
    from wirewatch.cli import main as cli_main

    try:
        return cli_main(["consume", *argv])
    finally:
        if profiler is not None and profiler.is_running:
            from pathlib import Path

            from bench.profiling import write_profile

            profiler.stop()
            path = Path(profile_path)
            write_profile(profiler, path, path.with_suffix(".json"))
        status.state["exited"] = True
        status.write(force=True)


if __name__ == "__main__":
    sys.exit(main())
