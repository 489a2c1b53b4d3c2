"""The items worker's Prometheus metrics, as a WorkerObserver (consumers/items_loop.py)."""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from consumers.items_loop import NoObserver, WorkerStats
from consumers.pipeline import BatchResult, Record
from schemas.messages import Alert
from wirewatch import metrics


class WorkerMetrics(NoObserver):
    """Counts consumed/stored/dead-lettered items, new alerts, publish→stored latency and lag.
    Takes no timings (`timings` stays False), so the loop measures nothing for it."""

    def lag(self, lags: Mapping[tuple[str, int], int]) -> None:
        for (topic, partition), lag in lags.items():
            metrics.CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(lag)

    def counted(self, stats: WorkerStats, records: Sequence[Record], result: BatchResult,
                created: Sequence[Alert]) -> None:
        metrics.ITEMS_CONSUMED.inc(len(records))
        metrics.ITEMS_STORED.inc(len(result.processed))
        if result.dead_letters:
            metrics.DEAD_LETTERS.labels(stage="items").inc(len(result.dead_letters))
        now_ms = time.time() * 1000
        for p in result.processed:
            if p.record.timestamp_ms:
                metrics.PUBLISH_TO_STORED.observe(max(0.0, (now_ms - p.record.timestamp_ms) / 1000))
        for a in created:
            metrics.ALERTS_CREATED.labels(topic=a.topic).inc()
