"""(c) The database limit: PostgresStore.save_batch with pre-computed ProcessedItems.

The rows are the real ones: the analysed sample from (b), matched against the configured
topics by the real ItemsStage (its analyser replaced by a lookup of the pre-computed
analyses), cloned under new item ids until there are ``n`` items. Entities repeat
across clones (upserts hit existing rows, as on a live wire) and the clones of a story
that alerts attach to the same event-level alert as corroborating evidence.
"""
from __future__ import annotations

import dataclasses
import time

from sqlalchemy import text

from consumers.pipeline import ItemsStage, ProcessedItem, Record
from schemas.messages import encode

from bench.stats import rate, rounded
from wirewatch.adapters.kafka_bus import MAX_POLL_RECORDS

DEFAULT_BATCH = MAX_POLL_RECORDS  # what one consumer poll holds, stored in one transaction

TABLES = ("items", "entities", "item_entities", "alerts", "alert_items", "deliveries")


def build_processed(app, items, analyses, n: int, batch_size: int) -> list[list[ProcessedItem]]:
    """``n`` ProcessedItems in batches of ``batch_size``, built by the real ItemsStage."""
    from consumers.matching.topics import TopicFileWatcher
    from consumers.matching.runtime import TopicRuntime

    runtime = TopicRuntime(TopicFileWatcher(app.settings.topics_file), app.store)
    runtime.refresh(force=True)  # also saves the topics: alerts refer to them
    by_text = {}
    clones = []
    for k in range(n):
        base, analysis = items[k % len(items)], analyses[k % len(items)]
        item = base if k < len(items) else dataclasses.replace(base, id=f"{base.id}-c{k // len(items)}")
        by_text[item.id] = analysis
        clones.append(item)
    stage = ItemsStage(lambda pairs: [lookup.pop(0) for _ in pairs], runtime.match, app.extractor_version)
    batches = []
    for i in range(0, n, batch_size):
        chunk = clones[i:i + batch_size]
        lookup = [by_text[c.id] for c in chunk]
        records = [Record(app.names.items, 0, i + j, c.id.encode(), encode(c)) for j, c in enumerate(chunk)]
        result = stage.handle(records, runtime.match_input)
        batches.append(result.processed)
    return batches


def count_rows(engine) -> dict:
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}


def measure_db(app, items, analyses, n: int, batch_size: int = DEFAULT_BATCH) -> dict:
    batches = build_processed(app, items, analyses, n, batch_size)
    store, version = app.store, app.extractor_version
    store.save_batch(batches[0][:1], version)  # connect, first statements: not timed
    before = count_rows(app.engine)
    t0 = time.perf_counter()
    for batch in batches:
        store.save_batch(batch, version)
    seconds = time.perf_counter() - t0
    after = count_rows(app.engine)
    written = {t: after[t] - before[t] for t in TABLES}
    rows = sum(written.values())
    stored = sum(len(b) for b in batches) - 1  # the untimed first item
    return {
        "items": stored,
        "batch_size": batch_size,
        "batches": len(batches),
        "seconds": rounded(seconds, 2),
        "items_per_s": rounded(rate(stored, seconds), 1),
        "rows": rows,
        "rows_per_s": rounded(rate(rows, seconds), 0),
        "rows_by_table": written,
        "ms_per_batch": rounded(seconds / len(batches) * 1000, 1),
        "alerts_in_batches": sum(len(p.alerts) for b in batches for p in b),
    }
