"""(d) The full pipeline at saturation: producer → Kafka → `wirewatch consume` → PostgreSQL.

The consumer processes start first (model loaded and warmed, group settled), then all
stories are published at once, so the consumers always have a backlog. Throughput is
items stored / (last item stored - first record consumed); "last item stored" is when
a count of the items table (polled every 0.25 s) reaches the number of stories.
"""
from __future__ import annotations

import time

from sqlalchemy import text

from producers.publisher import publish
from bench.consumer_procs import ConsumerProcesses
from bench.corpus import words
from bench.stats import rate, rounded

# Bulk publishing for the bench: bigger batches, same acks/idempotence/compression.
BULK_PRODUCER = {"linger_ms": 20, "batch_size": 256 * 1024}
POLL_S = 0.25


def count_items(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM items")).scalar()


def publish_all(app, items) -> tuple[float, float]:
    """Publish ``items`` and wait for every acknowledgement; (start, end) wall times."""
    outbound = app.producer_bus(**BULK_PRODUCER)
    try:
        start = time.time()
        report = publish(outbound, app.names.items, items)
        end = time.time()
    finally:
        outbound.close()
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} stories not acknowledged: {report.failed[:3]}")
    return start, end


def wait_stored(app, group: ConsumerProcesses, expected: int, timeout: float, progress=None,
                every: float = 15.0) -> tuple[float, int]:
    """Poll the items table until ``expected`` items are stored (or dead-lettered)."""
    t0 = time.monotonic()
    last_report = t0
    while True:
        stored = count_items(app.engine)
        now = time.time()
        if stored + group.dead_lettered() >= expected:
            return now, stored
        group.check_alive()
        group.sample_rss()
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"only {stored}/{expected} items stored after {timeout:.0f}s")
        if progress and time.monotonic() - last_report >= every:
            first = group.first_record()
            speed = f", {stored / (now - first):.2f} items/s" if first and now > first else ""
            progress(f"stored {stored}/{expected}{speed}")
            last_report = time.monotonic()
        time.sleep(POLL_S)


def measure_pipeline(app, items, processes: int, workdir, label: str, progress=None,
                     profile=None, timeout: float = 1800) -> tuple[dict, list[dict]]:
    """(result, memory rows) for ``processes`` consumers working through ``items``."""
    group = ConsumerProcesses(app.settings, processes, workdir, label, profile=profile)
    group.start()
    try:
        ready_s = group.wait_ready(app.settings.topic_partitions, progress=progress)
        if progress:
            progress(f"{processes} consumer(s) warm and assigned in {ready_s:.1f}s; publishing {len(items)} stories")
        pub_start, pub_end = publish_all(app, items)
        end, stored = wait_stored(app, group, len(items), timeout, progress)
        first = group.first_record()
        group.sample_rss()
        time.sleep(0.3)  # let the last batch's commit and next poll reach the status files
        stages = stage_times(group.statuses(), (end - first) * processes if first else None)
    finally:
        codes = group.stop()
    memory = group.memory(label)
    seconds = end - first if first else None
    n_words = sum(words(i) for i in items)
    result = {
        "processes": processes,
        "items": stored,
        "dead_lettered": group.dead_lettered(),
        "words": n_words,
        "seconds": rounded(seconds, 2),
        "items_per_s": rounded(rate(stored, seconds), 2),
        "words_per_s": rounded(rate(n_words, seconds), 0),
        "publish_s": rounded(pub_end - pub_start, 2),
        "first_consumed_after_publish_s": rounded(first - pub_start, 2) if first else None,
        "startup_s": rounded(ready_s, 1),
        "exit_codes": codes,
        "partitions": app.settings.topic_partitions,
        "peak_rss_mb": [m["peak_rss_mb"] for m in memory],
        "stages": stages,
    }
    cpu = sum(v["cpu_s"] for v in stages.values())
    # CPU of the consumers' main threads: comparable with (b) whatever else the machine runs.
    result["cpu_s"] = round(cpu, 2)
    result["words_per_cpu_s"] = rounded(rate(n_words, cpu), 0)
    result["on_cpu_share"] = rounded(cpu / (seconds * processes), 2) if seconds else None
    return result, memory


def stage_times(statuses: list[dict], process_seconds: float | None) -> dict:
    """Wall/CPU seconds per step of ItemsWorker.process, summed over the processes, with each
    step's share of the processes' time (first record consumed → last item stored)."""
    total: dict[str, dict] = {}
    for st in statuses:
        for name, acc in (st.get("stages") or {}).items():
            t = total.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0})
            for k in t:
                t[k] += acc.get(k, 0)
    for t in total.values():
        t["wall_s"], t["cpu_s"] = round(t["wall_s"], 2), round(t["cpu_s"], 2)
        t["share"] = round(t["wall_s"] / process_seconds, 3) if process_seconds else None
    return total
