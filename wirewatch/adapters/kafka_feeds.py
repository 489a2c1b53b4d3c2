"""The feed poller's Kafka side beyond sending: reading the items topic back, and which errors
mean a record the broker will never take (see producers.polling.ports: TopicReader, TooLarge).
"""
from __future__ import annotations

import time

from kafka import KafkaConsumer, TopicPartition

from producers.polling.ports import ReadBack

READ_BACK_SECONDS = 120


def record_too_large(exc: BaseException) -> bool:
    """A record the broker will never take (retrying it would stall every feed behind it)."""
    # By class name, so the error from the client's own size check and the broker's refusal
    # (named RecordTooLargeError by some client versions) are both caught without importing either.
    return type(exc).__name__ in ("MessageSizeTooLargeError", "RecordTooLargeError")


def read_back(bootstrap: str, topic: str, marks: dict[int, int], keys: set[bytes]) -> ReadBack:
    """Records of `topic` with one of `keys`, from `marks` (next offset per partition) to the end."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id=None,
                             enable_auto_commit=False, client_id="wirewatch-feed-reconcile",
                             request_timeout_ms=15_000)
    records: list[tuple[bytes, bytes, int, int]] = []
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            raise RuntimeError(f"topic {topic} has no partitions (metadata unavailable)")
        ends = consumer.end_offsets(tps)
        begins = consumer.beginning_offsets(tps)
        todo, starts = {}, {}
        for tp in tps:
            start = max(begins[tp], marks.get(tp.partition, 0))
            if start < ends[tp]:
                todo[tp], starts[tp] = ends[tp], start
        consumer.assign(list(todo))
        for tp, start in starts.items():
            consumer.seek(tp, start)
        deadline = time.monotonic() + READ_BACK_SECONDS
        scanned = 0
        while todo and time.monotonic() < deadline:
            for tp, messages in consumer.poll(timeout_ms=1000, max_records=2000).items():
                for m in messages:
                    scanned += 1
                    if m.offset >= todo.get(tp, -1):
                        continue
                    if m.key in keys:
                        records.append((m.key, m.value, m.partition, m.offset))
            for tp in list(todo):
                if consumer.position(tp) >= todo[tp]:
                    del todo[tp]
        if todo:
            raise RuntimeError(f"could not read {topic} to its end within {READ_BACK_SECONDS}s")
    finally:
        consumer.close()
    return ReadBack(records, {tp.partition: off for tp, off in ends.items()}, scanned)
