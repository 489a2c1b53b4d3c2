"""Kafka wiring (kafka-python): producers, consumers, topic admin. Clients are built on demand."""
from __future__ import annotations

import logging
import time

from kafka import ConsumerRebalanceListener, KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata, TopicPartition

from consumers.pipeline import Record
from schemas.topics import TopicNames
from wirewatch.settings import Settings

log = logging.getLogger(__name__)


class BusUnavailable(RuntimeError):
    pass


def _servers(settings: Settings) -> list[str]:
    return [s.strip() for s in settings.kafka_bootstrap.split(",") if s.strip()]


def make_producer(settings: Settings, **overrides) -> KafkaProducer:
    config = dict(
        bootstrap_servers=_servers(settings),
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        compression_type="gzip",
        retries=2**31 - 1,
        delivery_timeout_ms=120_000,
        request_timeout_ms=30_000,
        client_id="wirewatch-producer",
    )
    config.update(overrides)
    try:
        return KafkaProducer(**config)
    except KafkaError:
        raise BusUnavailable(
            f"no Kafka broker at {settings.kafka_bootstrap}: start it with `wirewatch stack up` "
            "or set WIREWATCH_KAFKA_BOOTSTRAP"
        ) from None


class ProducerBus:
    """Adapter from KafkaProducer to the publisher's Outbound port."""

    def __init__(self, producer: KafkaProducer) -> None:
        self.producer = producer

    def send(self, topic: str, key: bytes, value: bytes):
        return self.producer.send(topic, key=key, value=value)

    def flush(self, timeout: float | None = None) -> None:
        self.producer.flush(timeout)

    def close(self) -> None:
        self.producer.close(timeout=10)

    def __enter__(self) -> ProducerBus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def topic_names(settings: Settings, timeout_ms: int = 5000) -> set[str]:
    """The topics the cluster has (raises what kafka-python raises when it cannot be reached)."""
    admin = KafkaAdminClient(bootstrap_servers=_servers(settings), request_timeout_ms=timeout_ms)
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


def ensure_topics(settings: Settings, names: TopicNames | None = None, partitions: int | None = None) -> None:
    """Create wirewatch's topics if missing (idempotent)."""
    names = names or TopicNames(settings.topic_prefix)
    partitions = partitions or settings.topic_partitions
    try:
        admin = KafkaAdminClient(bootstrap_servers=_servers(settings), client_id="wirewatch-admin",
                                 request_timeout_ms=30_000)
    except KafkaError:
        raise BusUnavailable(
            f"no Kafka broker at {settings.kafka_bootstrap}: start it with `wirewatch stack up`"
        ) from None
    try:
        existing = set(admin.list_topics())
        wanted = [
            NewTopic(names.items, partitions, 1),
            NewTopic(names.alerts, partitions, 1, topic_configs={"cleanup.policy": "compact"}),
            NewTopic(names.dead_letters, 1, 1),
        ]
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


# Every record of a batch waits for the batch's one commit: at a few stories/s per core,
# 16 keeps that wait near a second without losing nlp.pipe's batching.
MAX_POLL_RECORDS = 16


def make_consumer(settings: Settings, topics: list[str], group: str | None = None, **overrides) -> KafkaConsumer:
    config = dict(
        bootstrap_servers=_servers(settings),
        group_id=group or settings.consumer_group,
        enable_auto_commit=False,  # offsets are committed only after the database commit
        auto_offset_reset="earliest",
        max_poll_records=MAX_POLL_RECORDS,
        max_poll_interval_ms=600_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
        client_id="wirewatch-consumer",
    )
    config.update(overrides)
    consumer = KafkaConsumer(**config)
    consumer.subscribe(topics, listener=_LogRebalance())
    return consumer


class _LogRebalance(ConsumerRebalanceListener):
    """Log partition moves, so an operator can see the group share and take over work."""

    def on_partitions_revoked(self, revoked):
        if revoked:
            log.info("partitions revoked: %s", _fmt(revoked))

    def on_partitions_assigned(self, assigned):
        log.info("partitions assigned: %s", _fmt(assigned))


def _fmt(tps) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(tps)) or "none"


def poll_records(consumer: KafkaConsumer, timeout_ms: int, max_records: int | None = None) -> list[Record]:
    batches = consumer.poll(timeout_ms=timeout_ms, max_records=max_records)
    records = []
    for messages in batches.values():
        for m in messages:
            records.append(Record(m.topic, m.partition, m.offset, m.key, m.value, m.timestamp))
    return records


def next_offsets(records: list[Record]) -> dict[TopicPartition, OffsetAndMetadata]:
    """The offsets to commit after `records`: one past the last record of each partition."""
    offsets: dict[TopicPartition, int] = {}
    for r in records:
        tp = TopicPartition(r.topic, r.partition)
        offsets[tp] = max(offsets.get(tp, -1), r.offset + 1)
    return {tp: OffsetAndMetadata(off, "", -1) for tp, off in offsets.items()}


def wait_for_broker(settings: Settings, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            KafkaAdminClient(bootstrap_servers=_servers(settings), request_timeout_ms=5000).close()
            return
        except KafkaError:
            if time.monotonic() > deadline:
                raise BusUnavailable(f"Kafka at {settings.kafka_bootstrap} did not answer in {timeout:.0f}s") from None
            time.sleep(1)


def lag_by_partition(consumer: KafkaConsumer) -> dict[TopicPartition, int]:
    """High-water mark minus position for each assigned partition (from fetch metadata, no request)."""
    lags = {}
    for tp in consumer.assignment():
        highwater = consumer.highwater(tp)
        if highwater is None:
            continue
        try:
            lags[tp] = max(0, highwater - consumer.position(tp))
        except KafkaError:
            continue
    return lags
