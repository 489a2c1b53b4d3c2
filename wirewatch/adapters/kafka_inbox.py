"""The items loop's Inbox port (consumers/items_loop.py) on a kafka-python KafkaConsumer."""
from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaConsumer
from kafka.errors import CommitFailedError
from kafka.structs import TopicPartition

from consumers.items_loop import Rebalanced
from consumers.pipeline import Record
from wirewatch.adapters import kafka_bus as bus


class KafkaInbox:
    """Polls and commits for one group member; closing it leaves the group without a commit."""

    def __init__(self, consumer: KafkaConsumer) -> None:
        self.consumer = consumer

    def poll(self, timeout_ms: int, max_records: int | None = None) -> list[Record]:
        return bus.poll_records(self.consumer, timeout_ms, max_records)

    def commit(self, records: Sequence[Record]) -> None:
        try:
            self.consumer.commit(bus.next_offsets(records))
        except CommitFailedError as exc:
            raise Rebalanced(str(exc)) from exc

    def assignment(self) -> set[TopicPartition]:
        return self.consumer.assignment()

    def lag(self) -> dict[TopicPartition, int]:
        return bus.lag_by_partition(self.consumer)

    def close(self) -> None:
        self.consumer.close(autocommit=False)
