"""The consumer loop: poll → stage → dead letters + DB commit → alerts → offset commit.

At-least-once: offsets are committed only after the database transaction and the
dead-letter sends succeeded; everything downstream is idempotent, so a redelivery
changes nothing.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from kafka.errors import CommitFailedError, KafkaError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from consumers.pipeline import ItemsStage, Record, StageInterrupted, dead_letter
from schemas.messages import encode
from wirewatch import metrics
from wirewatch.adapters import kafka_bus as bus

log = logging.getLogger(__name__)


@dataclass
class WorkerStats:
    consumed: int = 0
    stored: int = 0
    alerts: int = 0
    dead_lettered: int = 0
    batches: int = 0
    started: float = field(default_factory=time.monotonic)

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        return (f"consumed {self.consumed}, stored {self.stored}, new alerts {self.alerts}, "
                f"dead-lettered {self.dead_lettered} in {elapsed:.1f}s")


class ItemsWorker:
    def __init__(self, consumer, stage: ItemsStage, store, producer, topics, match_input,
                 extractor_version: str, on_idle=None, max_backoff: float = 30.0,
                 analyser=None, heartbeat=None) -> None:
        self.consumer = consumer
        self.analyser = analyser  # the SandboxedAnalyser behind `stage`, closed with the worker
        self.heartbeat = heartbeat
        self.stop_event = threading.Event()  # replaced by run()'s, so analysis waits can see it
        self.stage = stage
        self.store = store
        self.producer = producer  # ProducerBus used for dead letters and alerts
        self.topics = topics
        self.match_input = match_input
        self.extractor_version = extractor_version
        self.on_idle = on_idle
        self.max_backoff = max_backoff
        self.stats = WorkerStats()

    @staticmethod
    def _transient(exc: BaseException) -> bool:
        if isinstance(exc, CommitFailedError):
            return False
        if isinstance(exc, (OperationalError, InterfaceError, KafkaError, bus.BusUnavailable)):
            return True
        return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)

    def _retry(self, what: str, fn, stop: threading.Event):
        """Retry `fn` with exponential backoff through outages; never skip the batch."""
        delay = 0.5
        while True:
            try:
                return fn()
            except Exception as exc:
                if not self._transient(exc) or stop.is_set():
                    raise
                log.warning("%s failed (%s: %s); retrying in %.1fs", what, type(exc).__name__,
                            str(exc).splitlines()[0][:200] if str(exc) else "", delay)
                stop.wait(delay)
                delay = min(delay * 2, self.max_backoff)

    def _save(self, result, stop: threading.Event) -> list[str]:
        """Save the batch; if the database rejects it (not an outage), isolate the bad items."""
        save = lambda items: self.store.save_batch(items, self.extractor_version)  # noqa: E731
        try:
            return self._retry("database commit", lambda: save(result.processed), stop)
        except DBAPIError as exc:
            if self._transient(exc):
                raise
            log.warning("database rejected the batch (%s); saving item by item", type(exc).__name__)
        keys, kept = [], []
        for p in result.processed:
            try:
                keys += self._retry("database commit", lambda p=p: save([p]), stop)
                kept.append(p)
            except DBAPIError as exc:
                if self._transient(exc):
                    raise
                reason = f"database rejected item {p.item.id}: {str(exc.orig or exc).splitlines()[0]}"
                dl = dead_letter(p.record, reason)
                self._retry("dead-letter send",
                            lambda dl=dl: self._send_all(self.topics.dead_letters, [(None, encode(dl))]), stop)
                result.dead_letters.append(dl)
        result.processed[:] = kept
        return keys

    def _send_all(self, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
        futures = [self.producer.send(topic, key, value) for key, value in messages]
        self.producer.flush(60)
        for f in futures:
            f.get(timeout=60)

    def beat(self, state: str = "running") -> None:
        if self.heartbeat is not None:
            self.heartbeat.beat(state)

    def process(self, records: list[Record], stop: threading.Event, commit: bool = True) -> None:
        try:
            result = self.stage.handle(records, self.match_input)
        except StageInterrupted:
            # Nothing of this batch was written or committed: it is redelivered after restart.
            log.info("stop requested mid-batch; %d record(s) left uncommitted for redelivery", len(records))
            return
        if result.dead_letters:
            payload = [(None, encode(d)) for d in result.dead_letters]
            self._retry("dead-letter send", lambda: self._send_all(self.topics.dead_letters, payload), stop)
            for d in result.dead_letters:
                log.warning("dead-lettered %s[%d]@%d: %s", d.source_topic, d.source_partition,
                            d.source_offset, d.reason)
        new_keys = self._save(result, stop)
        if result.alerts:
            # At-least-once on the alerts topic: every alert of the batch is (re)sent, keyed
            # by alert_key, so a crash between the DB commit and here loses none.
            payload = [(a.alert_key.encode(), encode(a)) for a in result.alerts]
            self._retry("alert publish", lambda: self._send_all(self.topics.alerts, payload), stop)
        self._count(records, result, new_keys)
        if commit:
            self.commit(records, stop)

    def _count(self, records, result, new_keys) -> None:
        self.stats.consumed += len(records)
        self.stats.stored += len(result.processed)
        self.stats.alerts += len(new_keys)
        self.stats.dead_lettered += len(result.dead_letters)
        self.stats.batches += 1
        metrics.ITEMS_CONSUMED.inc(len(records))
        metrics.ITEMS_STORED.inc(len(result.processed))
        if result.dead_letters:
            metrics.DEAD_LETTERS.labels(stage="items").inc(len(result.dead_letters))
        now_ms = time.time() * 1000
        for p in result.processed:
            if p.record.timestamp_ms:
                metrics.PUBLISH_TO_STORED.observe(max(0.0, (now_ms - p.record.timestamp_ms) / 1000))
        for a in result.alerts:
            if a.alert_key in new_keys:
                metrics.ALERTS_CREATED.labels(topic=a.topic).inc()
                log.info("ALERT %s: %s — %s", a.topic, a.target or "-", a.evidence[:160])

    def report_lag(self) -> None:
        for tp, lag in bus.lag_by_partition(self.consumer).items():
            metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(lag)

    def commit(self, records: list[Record], stop: threading.Event | None = None) -> None:
        offsets = bus.next_offsets(records)
        try:
            # A broker restart makes commits fail for a while: keep trying, the DB work is done.
            self._retry("offset commit", lambda: self.consumer.commit(offsets), stop or threading.Event())
        except CommitFailedError:
            # The group rebalanced while we worked; the records will be redelivered and
            # the idempotent sinks absorb the repeat.
            log.warning("offset commit failed after a rebalance; batch will be redelivered")
        except KafkaError as exc:
            log.warning("offset commit abandoned at shutdown (%s); batch will be redelivered", exc)

    def close(self) -> None:
        """Close every client this worker holds (safe to call twice)."""
        if self.analyser is not None:
            self.analyser.close()
        if self.heartbeat is not None:
            self.heartbeat.remove()
        self.consumer.close(autocommit=False)
        self.producer.close()

    def __enter__(self) -> ItemsWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, stop: threading.Event, until_idle: float | None = None, poll_ms: int = 500,
            max_records: int | None = None, join_timeout: float = 60.0) -> WorkerStats:
        self.stop_event = stop
        try:
            return self._run(stop, until_idle, poll_ms, max_records, join_timeout)
        finally:
            if self.analyser is not None:
                self.analyser.close()  # its process restarts on the next batch, if there is one

    def _run(self, stop, until_idle, poll_ms, max_records, join_timeout) -> WorkerStats:
        last_activity, last_lag_report = time.monotonic(), 0.0
        while not stop.is_set():
            self.beat("polling")
            try:
                records = bus.poll_records(self.consumer, poll_ms, max_records)
            except KafkaError as exc:
                log.warning("poll failed (%s); retrying", exc)
                stop.wait(1)
                continue
            if time.monotonic() - last_lag_report > 5 and self.consumer.assignment():
                self.report_lag()
                last_lag_report = time.monotonic()
            if records:
                self.process(records, stop)
                last_activity = time.monotonic()
                continue
            if self.on_idle:
                self.on_idle()
            if until_idle is None:
                continue
            if not self.consumer.assignment() and time.monotonic() - self.stats.started < join_timeout:
                # Still joining the group: idleness only counts once partitions are ours.
                last_activity = time.monotonic()
            elif time.monotonic() - last_activity >= until_idle:
                break
        return self.stats
