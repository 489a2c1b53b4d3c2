"""Read the items topic back from the checkpoint: which journaled items the broker already has.

After a crash, or a send whose outcome is unknown, the feed outbox may hold items the
broker did acknowledge. Re-sending them would publish them twice, so the poller first
reads the topic from its last checkpoint (`feed_offsets`) to its end and marks those.
"""
from __future__ import annotations

import time

from schemas.messages import MessageError, WireItem, decode_wire_item
from wirewatch.adapters.postgres_feeds import Sent

READ_BACK_SECONDS = 120


def read_back(bootstrap: str, topic: str, marks: dict[int, int],
              rows: list[tuple[WireItem, int | None, bytes | None]]
              ) -> tuple[list[Sent], dict[int, int], int, int]:
    """(items found in the topic, end offset per partition, records read, items not found)."""
    from kafka import KafkaConsumer, TopicPartition  # the poller imports without the Kafka client

    wanted = {(item.id, item.version): (item, feed_id, minhash) for item, feed_id, minhash in rows}
    ids = {item_id.encode("utf-8") for item_id, _v in wanted}
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), group_id=None,
                             enable_auto_commit=False, client_id="wirewatch-feed-reconcile",
                             request_timeout_ms=15_000)
    found: list[Sent] = []
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
                    if m.key in ids:
                        try:
                            version = decode_wire_item(m.value).version
                        except MessageError:
                            continue
                        hit = wanted.pop((m.key.decode("utf-8"), version), None)
                        if hit:
                            item, feed_id, minhash = hit
                            found.append(Sent(item.id, item.version, item.content_hash, item.story_id,
                                              feed_id, minhash, m.partition, m.offset))
            for tp in list(todo):
                if consumer.position(tp) >= todo[tp]:
                    del todo[tp]
        if todo:
            raise RuntimeError(f"could not read {topic} to its end within {READ_BACK_SECONDS}s")
    finally:
        consumer.close()
    return found, {tp.partition: off for tp, off in ends.items()}, scanned, len(wanted)
