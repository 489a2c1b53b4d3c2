"""Read the dead-letter topic from the beginning, without joining any consumer group."""
from __future__ import annotations

from kafka import KafkaConsumer, TopicPartition

from schemas.messages import MessageError, decode_dead_letter
from schemas.topics import TopicNames
from wirewatch.settings import Settings


def read_dead_letters(settings: Settings, names: TopicNames, limit: int = 50) -> list[dict]:
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap.split(","), group_id=None,
        enable_auto_commit=False, consumer_timeout_ms=2000,
    )
    try:
        partitions = consumer.partitions_for_topic(names.dead_letters) or set()
        tps = [TopicPartition(names.dead_letters, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        end = consumer.end_offsets(tps)
        out: list[dict] = []
        while any(consumer.position(tp) < end[tp] for tp in tps):
            batch = consumer.poll(timeout_ms=2000)
            if not batch:
                break
            for messages in batch.values():
                for m in messages:
                    try:
                        out.append(decode_dead_letter(m.value).to_dict())
                    except MessageError as exc:
                        out.append({"failed_at": "?", "source_topic": "?", "source_partition": -1,
                                    "source_offset": m.offset, "stage": "?",
                                    "reason": f"unreadable dead letter: {exc}"})
        return out[-limit:]
    finally:
        consumer.close()
