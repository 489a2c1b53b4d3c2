"""A real `wirewatch consume` process, instrumented for the benchmark.

Run as ``python -m bench.consume_child [consume options]``: it calls
``wirewatch.cli.main(["consume", ...])``, the same code path as the command, on an App
whose ``worker_observer`` (a WorkerObserver, consumers/items_loop.py) is this module's
BenchObserver; it changes nothing in the processing:

- the analyzer is loaded and warmed up on a few stories before the first poll (model
  loading is start-up cost, not throughput);
- each poll writes a status file (WIREWATCH_BENCH_STATUS): assigned partitions, time of
  the first record received, counts stored/dead-lettered, peak RSS, and the wall and
  CPU seconds spent in each step of ItemsWorker.process (stage, save, publish, commit),
  which the worker measures only for an observer that asks for timings;
- with WIREWATCH_BENCH_PROFILE=FILE, pyinstrument profiles the run after warm-up into FILE
  (and the hot spots into FILE with a .json suffix).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

from consumers.items_loop import NoObserver

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
# The loop's steps (consumers.items_loop) under the names the reports have always shown.
STAGE_NAMES = {
    "handle": "analyse+match (ItemsStage.handle)",
    "save": "database (PostgresStore.save_batch)",
    "send": "alerts/dead letters publish",
    "commit": "offset commit",
    "poll": "poll (after the first record)",
    "analysis": CHILD_STAGE,
}


class BenchObserver(NoObserver):
    """A WorkerObserver (consumers/items_loop.py) that keeps the status file up to date and
    adds the wall and CPU seconds of each of the worker's steps to status.state["stages"]."""

    timings = True

    def __init__(self, status: _Status, app, profiler=None) -> None:
        self.status = status
        self.app = app
        self.profiler = profiler

    def started(self, worker) -> None:
        # Loads spaCy and warms it before the first poll: in the analysis process when the
        # budget's sandbox is on (the default), else here. Not timed: model loading is start-up.
        (worker.analyser or self.app.analyzer).analyse_many(WARM_TEXTS)
        self.status.state["warm"] = True
        self.status.write()
        if self.profiler is not None:
            self.profiler.start()  # the profile covers polling and processing, not start-up

    def timed(self, step: str, wall_s: float, cpu_s: float) -> None:
        state = self.status.state
        if step == "poll" and state["first_record"] is None:
            return  # where a consumer's time goes counts from the first record on
        acc = state["stages"].setdefault(STAGE_NAMES.get(step, step), {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0})
        acc["wall_s"] = round(acc["wall_s"] + wall_s, 4)
        acc["cpu_s"] = round(acc["cpu_s"] + cpu_s, 4)
        acc["calls"] += 1

    def polled(self, records, inbox) -> None:
        state = self.status.state
        if records and state["first_record"] is None:
            state["first_record"] = time.time()
        state["records"] += len(records)
        state["assigned"] = len(inbox.assignment())
        self.status.write()

    def counted(self, stats, records, result, created) -> None:
        self.status.state["stored"] = stats.stored
        self.status.state["dead_lettered"] = stats.dead_lettered
        self.status.state["batches"] = stats.batches
        self.status.write()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    status = _Status(os.environ.get("WIREWATCH_BENCH_STATUS"))
    profile_path = os.environ.get("WIREWATCH_BENCH_PROFILE")
    profiler = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
    from wirewatch.bootstrap import bootstrap
    from wirewatch.cli import main as cli_main

    def app_factory(settings):
        app = bootstrap(settings)
        app.worker_observer = BenchObserver(status, app, profiler)  # App's documented hook point
        return app

    try:
        return cli_main(["consume", *argv], app_factory=app_factory)
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
