"""(a) The bus limit: raw kafka-python produce and consume of the serialized WireItems.

Produce uses wirewatch's own producer settings (acks=all, idempotent, gzip, linger 5 ms:
``wirewatch.adapters.kafka_bus.make_producer``), timed from the first send to the last acknowledgement.
Consume uses a plain KafkaConsumer with the partitions assigned (no group join to wait
for), timed from the first poll (offset lookup and fetches included) to the last record.
"""
from __future__ import annotations

import time

from kafka import KafkaConsumer, TopicPartition

from schemas.topics import TopicNames
from wirewatch.adapters import kafka_bus as bus
from bench.stats import rate, rounded


def measure_bus(settings, messages: list[tuple[bytes, bytes]], progress=None) -> dict:
    names = TopicNames(settings.topic_prefix)
    bus.ensure_topics(settings, names)
    nbytes = sum(len(k) + len(v) for k, v in messages)
    producer = bus.make_producer(settings)
    try:
        producer.partitions_for(names.items)  # metadata first: not part of the throughput
        t0 = time.perf_counter()
        futures = [producer.send(names.items, key=k, value=v) for k, v in messages]
        producer.flush(120)
        for f in futures:
            f.get(timeout=120)
        produce_s = time.perf_counter() - t0
    finally:
        producer.close(timeout=10)
    if progress:
        progress(f"produced {len(messages)} messages ({nbytes / 1e6:.1f} MB) in {produce_s:.2f}s")

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap.split(","), group_id=None,
                             enable_auto_commit=False, client_id="wirewatch-bench")
    try:
        parts = [TopicPartition(names.items, p) for p in sorted(consumer.partitions_for_topic(names.items) or [])]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        got, deadline = 0, time.monotonic() + 120
        first = time.perf_counter()
        while got < len(messages) and time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=500, max_records=500)
            got += sum(len(v) for v in batch.values())
        consume_s = time.perf_counter() - first
    finally:
        consumer.close()
    return {
        "messages": len(messages),
        "mb": round(nbytes / 1e6, 2),
        "avg_message_bytes": round(nbytes / max(1, len(messages))),
        "producer_config": "wirewatch.adapters.kafka_bus.make_producer: acks=all, idempotent, gzip, linger_ms=5",
        "produce": {"seconds": rounded(produce_s, 3), "msgs_per_s": rounded(rate(len(messages), produce_s), 1),
                    "mb_per_s": rounded(rate(nbytes / 1e6, produce_s), 2)},
        "consume": {"seconds": rounded(consume_s, 3), "received": got,
                    "msgs_per_s": rounded(rate(got, consume_s), 1),
                    "mb_per_s": rounded(rate(nbytes / 1e6, consume_s), 2),
                    "note": "first poll → last record; partitions assigned, no group; max_poll_records 500"},
    }
