"""(i) What the per-item analysis budget costs: the same stories analysed in this process
and through the killable child process (wirewatch/analysis_sandbox.py), in the same run.

Passes alternate (in-process, sandboxed, in-process, ...) so drift on a shared machine
hits both sides; the best pass of each is compared. Also timed: replacing a killed
child (spawn + model load), which an over-budget item costs once.
"""
from __future__ import annotations

import time
from functools import partial

from consumers.understanding.analyzer import Analyzer
from wirewatch.analysis_sandbox import Budget, SandboxedAnalyser
from wirewatch.settings import Settings

BATCH = 16  # the consumer's max_poll_records


def _pass(analyse, pairs) -> float:
    started = time.perf_counter()
    for i in range(0, len(pairs), BATCH):
        analyse(pairs[i:i + BATCH])
    return time.perf_counter() - started


def measure_sandbox_cost(items, settings: Settings, repeat: int = 3, progress=lambda m: None) -> dict:
    pairs = [(i.headline, i.body) for i in items]
    factory = partial(Analyzer, watchlist=str(settings.watchlist_file))
    local = factory()
    local.analyse_many(pairs[:2])  # load the model outside the timed passes
    inside, sandboxed = [], []
    with SandboxedAnalyser(factory, Budget(seconds=settings.analysis_budget_seconds)) as sandbox:
        started = time.perf_counter()
        sandbox.start()
        cold_start = time.perf_counter() - started
        for n in range(repeat):
            inside.append(_pass(local.analyse_many, pairs))
            sandboxed.append(_pass(sandbox.analyse_many, pairs))
            progress(f"pass {n + 1}/{repeat}: in-process {inside[-1]:.2f}s, sandboxed {sandboxed[-1]:.2f}s")
    best_in, best_sb = min(inside), min(sandboxed)
    return {
        "items": len(pairs),
        "repeat": repeat,
        "in_process_ms_per_item": round(best_in / len(pairs) * 1000, 3),
        "sandboxed_ms_per_item": round(best_sb / len(pairs) * 1000, 3),
        "overhead_ms_per_item": round((best_sb - best_in) / len(pairs) * 1000, 3),
        "ratio_sandboxed_to_in_process": round(best_sb / best_in, 3),
        "child_start_seconds": round(cold_start, 2),
    }


def summary_lines(result: dict) -> list[str]:
    return [
        "(i) analysis budget: the killable child process against analysis in the consumer, same run",
        f"    {result['items']} stories, best of {result['repeat']}: in-process "
        f"{result['in_process_ms_per_item']:.1f} ms/item, sandboxed {result['sandboxed_ms_per_item']:.1f} ms/item "
        f"-> ratio {result['ratio_sandboxed_to_in_process']:.3f} "
        f"({result['overhead_ms_per_item']:+.2f} ms/item); replacing a killed child costs "
        f"{result['child_start_seconds']:.1f} s",
    ]
