"""(e) End-to-end latency at a fixed load: producer acknowledgement → DB commit.

Stories are sent one by one at a fixed rate (50% of the saturated throughput from
(d)) with wirewatch's own producer settings; each one's acknowledgement time is taken
in the producer's delivery callback. The commit time comes from a tiny side table that
exists only in the bench schema: a DEFERRED constraint trigger on ``items`` writes
``clock_timestamp()`` when the transaction commits (deferred triggers run at COMMIT,
after every statement of the batch: item, mentions, alerts, alert_items, deliveries).
``items.stored_at`` is NOT used as the commit time: it is ``now()``, the start of the
transaction, so it misses the whole save_batch; it is reported alongside for contrast.
"""
from __future__ import annotations

import time

from sqlalchemy import text

from schemas.messages import encode
from bench.consumer_procs import ConsumerProcesses
from bench.stats import latency_summary, rounded

SIDE_TABLE = "bench_commit_times"


def install_commit_clock(engine, schema: str) -> None:
    """The side table and its deferred trigger, in ``schema`` only."""
    ddl = [
        f'CREATE TABLE "{schema}".{SIDE_TABLE} (item_id text PRIMARY KEY, committed_at timestamptz NOT NULL)',
        f'''CREATE FUNCTION "{schema}".bench_record_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO "{schema}".{SIDE_TABLE} (item_id, committed_at) VALUES (NEW.id, clock_timestamp())
              ON CONFLICT (item_id) DO UPDATE SET committed_at = EXCLUDED.committed_at;
              RETURN NULL;
            END $$''',
        f'''CREATE CONSTRAINT TRIGGER bench_commit_clock AFTER INSERT OR UPDATE ON "{schema}".items
            DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "{schema}".bench_record_commit()''',
    ]
    with engine.begin() as conn:
        for stmt in ddl:
            conn.execute(text(stmt))


def _committed(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {SIDE_TABLE}")).scalar()


def send_paced(app, items, per_second: float, progress=None) -> dict[str, float]:
    """Send one story every 1/per_second s; return item id → acknowledgement time (epoch s)."""
    acks: dict[str, float] = {}
    errors: list[str] = []
    producer = app.producer_bus()
    try:
        producer.producer.partitions_for(app.names.items)  # metadata before the clock starts
        start = time.monotonic()
        last_report = start
        for k, item in enumerate(items):
            delay = start + k / per_second - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            future = producer.send(app.names.items, item.id.encode("utf-8"), encode(item))
            future.add_callback(lambda _md, item_id=item.id: acks.__setitem__(item_id, time.time()))
            future.add_errback(lambda exc, item_id=item.id: errors.append(f"{item_id}: {exc}"))
            if progress and time.monotonic() - last_report >= 15:
                progress(f"sent {k + 1}/{len(items)} at {per_second:.2f}/s")
                last_report = time.monotonic()
        producer.flush(60)
    finally:
        producer.close()
    if errors:
        raise RuntimeError(f"{len(errors)} sends failed: {errors[:3]}")
    return acks


def measure_latency(app, items, processes: int, per_second: float, saturated: float | None, workdir,
                    progress=None, timeout: float = 600) -> tuple[dict, list[dict]]:
    install_commit_clock(app.engine, app.settings.db_schema)
    group = ConsumerProcesses(app.settings, processes, workdir, "latency")
    group.start()
    try:
        group.wait_ready(app.settings.topic_partitions, progress=progress)
        if progress:
            progress(f"{processes} consumer(s) ready; sending {len(items)} stories at {per_second:.2f}/s")
        t0 = time.monotonic()
        acks = send_paced(app, items, per_second, progress)
        sent_s = time.monotonic() - t0
        while _committed(app.engine) + group.dead_lettered() < len(items):
            group.check_alive()
            group.sample_rss()
            if time.monotonic() - t0 > timeout:
                break
            time.sleep(0.25)
        group.sample_rss()
    finally:
        group.stop()
    with app.engine.connect() as conn:
        rows = conn.execute(text(
            f"SELECT c.item_id, extract(epoch FROM c.committed_at) AS committed, "
            f"extract(epoch FROM i.stored_at) AS stored FROM {SIDE_TABLE} c JOIN items i ON i.id = c.item_id"
        )).all()
    to_commit = [float(r.committed) - acks[r.item_id] for r in rows if r.item_id in acks]
    to_stored_at = [float(r.stored) - acks[r.item_id] for r in rows if r.item_id in acks]
    result = {
        "processes": processes,
        "items": len(items),
        "rate_per_s": rounded(per_second, 3),
        "saturated_per_s": rounded(saturated, 3),
        "send_seconds": rounded(sent_s, 1),
        "acknowledged": len(acks),
        "committed": len(rows),
        "dead_lettered": group.dead_lettered(),
        "ack_to_commit": latency_summary(to_commit),
        "ack_to_stored_at": latency_summary(to_stored_at),
        "note": ("Commit time from a deferred constraint trigger (clock_timestamp() at COMMIT) in a side "
                 "table of the bench schema; items.stored_at is now() = transaction START, so "
                 "ack→stored_at (also in results.json) understates the latency by the save_batch time."),
    }
    return result, group.memory("latency")
