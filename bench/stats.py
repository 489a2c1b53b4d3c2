"""Pure maths of the benchmark: percentiles, rates, ratios and the targets."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0..100) by linear interpolation between closest ranks
    (numpy's default, "linear"). Raises ValueError on an empty sample."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} outside 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (rank - lo)


def latency_summary(seconds: Sequence[float]) -> dict:
    """n, min, mean, p50, p95, p99, max of a latency sample, in milliseconds."""
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "min_ms": round(min(ms), 1),
        "mean_ms": round(sum(ms) / len(ms), 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "max_ms": round(max(ms), 1),
    }


def rate(count: float, seconds: float) -> float | None:
    """count / seconds, or None when nothing was timed."""
    if seconds is None or seconds <= 0:
        return None
    return count / seconds


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class Target:
    """One acceptance target: ``measured`` compared with ``limit`` by ``op`` (">=" or "<=")."""

    name: str
    description: str
    measured: float | None
    op: str
    limit: float
    unit: str = "×"  # "×" for ratios, else the unit of measured/limit
    detail: str = ""

    @property
    def met(self) -> bool | None:
        """True/False, or None when it could not be measured in this run."""
        if self.measured is None:
            return None
        if self.op == ">=":
            return self.measured >= self.limit
        if self.op == "<=":
            return self.measured <= self.limit
        raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def verdict(self) -> str:
        return {True: "met", False: "missed", None: "not measured"}[self.met]

    def to_dict(self) -> dict:
        out = asdict(self)
        out["measured"] = rounded(self.measured, 3)
        out["met"] = self.met
        out["verdict"] = self.verdict
        return out


def _get(results: dict, *path):
    node = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def evaluate_targets(results: dict) -> list[Target]:
    """The issue's targets, from the figures in ``results`` (missing figures: not measured).

    Pipeline vs NLP compares words/s, because the samples differ in size (and so in
    average story length); the scaling target compares words/s of the pipeline too.
    """
    cores = _get(results, "machine", "cores") or 0
    targets = []
    for key, label in (("one", "1 process"), ("per_core", f"{cores} processes (one per core)")):
        pipe = _get(results, "pipeline", key, "words_per_s")
        nlp = _get(results, "nlp", key, "words_per_s")
        cpu = ratio(_get(results, "pipeline", key, "words_per_cpu_s"), _get(results, "nlp", key, "words_per_cpu_s"))
        targets.append(Target(
            f"pipeline_vs_nlp_{key}", f"full pipeline ≥ 0.85 × NLP limit, {label}",
            ratio(pipe, nlp), ">=", 0.85,
            detail=f"pipeline {_fmt(pipe)} words/s vs NLP {_fmt(nlp)} words/s"
                   + (f"; per CPU-second {cpu:.2f}×" if cpu is not None else "")))
    one = _get(results, "pipeline", "one", "words_per_s")
    many = _get(results, "pipeline", "per_core", "words_per_s")
    on_cpu = [_get(results, "pipeline", k, "on_cpu_share") for k in ("one", "per_core")]
    targets.append(Target(
        "scaling_per_core", f"pipeline with one process per core ≥ 1.7 × one process ({cores} cores)",
        ratio(many, one), ">=", 1.7, detail=f"{_fmt(many)} vs {_fmt(one)} words/s"
        + (f"; each consumer was on a CPU {on_cpu[1]:.0%} of the time with {cores} processes, "
           f"{on_cpu[0]:.0%} alone" if None not in on_cpu else "")))
    lo = _get(results, "matching", "counts_us_per_item", "lo")
    hi = _get(results, "matching", "counts_us_per_item", "hi")
    targets.append(Target(
        "matching_10000_vs_10", "matching cost per item at 10,000 topics ≤ 2 × at 10",
        ratio(hi, lo), "<=", 2.0, detail=f"{_fmt(hi)} µs vs {_fmt(lo)} µs per item"))
    p99 = _get(results, "latency", "ack_to_commit", "p99_ms")
    targets.append(Target(
        "latency_p99", "end-to-end p99 at 50% of saturated throughput ≤ 1 s",
        None if p99 is None else p99 / 1000, "<=", 1.0, unit="s",
        detail=f"p50 {_fmt(_get(results, 'latency', 'ack_to_commit', 'p50_ms'))} ms, "
               f"p95 {_fmt(_get(results, 'latency', 'ack_to_commit', 'p95_ms'))} ms, "
               f"p99 {_fmt(p99)} ms"))
    rss = _get(results, "memory", "peak_rss_mb_max")
    targets.append(Target(
        "peak_rss", "peak RSS per consumer process ≤ 700 MB",
        rss, "<=", 700.0, unit="MB",
        detail=f"max VmHWM over {_get(results, 'memory', 'processes') or 0} consumer process(es)"))
    return targets


def _fmt(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
    return f"{value:,}"
