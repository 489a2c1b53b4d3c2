"""The consumer loop: poll → stage → dead letters + DB commit → alerts → offset commit.

At-least-once: offsets are committed only after the database transaction and the
dead-letter sends succeeded; everything downstream is idempotent, so a redelivery
changes nothing.

Pure: Kafka, PostgreSQL and Prometheus sit behind the ports below, built by
wirewatch/bootstrap.py (App.items_worker). Which exceptions are outages is the
adapters' knowledge (`Faults`), not this loop's.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, TypeVar

from consumers.pipeline import BatchResult, ItemsStage, ProcessedItem, Record, StageInterrupted, dead_letter
from consumers.understanding.model import Analysis
from schemas.messages import Alert, WireItem, encode

log = logging.getLogger(__name__)
T = TypeVar("T")


class Rebalanced(Exception):
    """An offset commit the group will never accept: the partitions moved to another member."""


class Inbox(Protocol):
    """The items topic as the loop sees it (wirewatch/adapters/kafka_inbox.py)."""

    def poll(self, timeout_ms: int, max_records: int | None = None) -> list[Record]: ...

    def commit(self, records: Sequence[Record]) -> None:
        """Commit the offsets just past ``records``; raises Rebalanced when the group moved on."""
        ...

    def assignment(self) -> Collection[tuple[str, int]]:
        """The (topic, partition)s this member owns now."""
        ...

    def lag(self) -> Mapping[tuple[str, int], int]:
        """Records behind the high-water mark, per owned (topic, partition)."""
        ...

    def close(self) -> None:
        """Leave the group without committing anything."""
        ...


class Pending(Protocol):
    def get(self, timeout: float | None = None) -> object: ...


class Outbound(Protocol):
    """Dead letters and alerts out: producers.publisher's Outbound port, plus close()."""

    def send(self, topic: str, key: bytes | None, value: bytes) -> Pending: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self) -> None: ...


class ItemStore(Protocol):
    def save_batch(self, processed: Sequence[ProcessedItem], extractor_version: str) -> list[str]:
        """Store the batch in ONE transaction; return the keys of the alerts that are new."""
        ...


class Faults(Protocol):
    """How the loop reads the adapters' exceptions (wirewatch/adapters/faults.py)."""

    def transient(self, exc: BaseException) -> bool:
        """An outage (broker or database down, connection dropped): retry, never skip the batch."""
        ...

    def refusal(self, exc: BaseException) -> str | None:
        """Why the database refused this data (not an outage), or None if ``exc`` is no refusal."""
        ...


class Closeable(Protocol):
    def close(self) -> None: ...


class Heartbeat(Protocol):
    def beat(self, state: str = "running") -> None: ...

    def remove(self) -> None: ...


class DeadLetterTopics(Protocol):
    @property
    def dead_letters(self) -> str: ...

    @property
    def alerts(self) -> str: ...


# The steps a WorkerObserver with `timings` is told the wall and CPU seconds of.
POLL, HANDLE, SAVE, SEND, COMMIT, ANALYSIS = "poll", "handle", "save", "send", "commit", "analysis"


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


class WorkerObserver(Protocol):
    """Told what the worker does (Prometheus: wirewatch/worker_metrics.py; the benchmark:
    bench/consume_child.py). Called on the loop's thread: keep each event cheap."""

    timings: bool  # True: the loop measures its steps and calls timed(); False costs nothing

    def started(self, worker: ItemsWorker) -> None:
        """run() begins, before the first poll."""
        ...

    def polled(self, records: Sequence[Record], inbox: Inbox) -> None: ...

    def timed(self, step: str, wall_s: float, cpu_s: float) -> None:
        """One call of ``step`` (POLL, HANDLE, SAVE, SEND, COMMIT, ANALYSIS) took this long."""
        ...

    def lag(self, lags: Mapping[tuple[str, int], int]) -> None: ...

    def counted(self, stats: WorkerStats, records: Sequence[Record], result: BatchResult,
                created: Sequence[Alert]) -> None:
        """A batch is stored and its alerts sent (its offsets are not committed yet)."""
        ...


class NoObserver:
    """The default observer: every event is a no-op, and the loop takes no timings."""

    timings = False

    def started(self, worker: ItemsWorker) -> None:
        pass

    def polled(self, records: Sequence[Record], inbox: Inbox) -> None:
        pass

    def timed(self, step: str, wall_s: float, cpu_s: float) -> None:
        pass

    def lag(self, lags: Mapping[tuple[str, int], int]) -> None:
        pass

    def counted(self, stats: WorkerStats, records: Sequence[Record], result: BatchResult,
                created: Sequence[Alert]) -> None:
        pass


class Observers(NoObserver):
    """Several observers as one, told in order."""

    def __init__(self, *observers: WorkerObserver) -> None:
        self.observers = observers
        self.timings = any(o.timings for o in observers)

    def started(self, worker: ItemsWorker) -> None:
        for o in self.observers:
            o.started(worker)

    def polled(self, records: Sequence[Record], inbox: Inbox) -> None:
        for o in self.observers:
            o.polled(records, inbox)

    def timed(self, step: str, wall_s: float, cpu_s: float) -> None:
        for o in self.observers:
            o.timed(step, wall_s, cpu_s)

    def lag(self, lags: Mapping[tuple[str, int], int]) -> None:
        for o in self.observers:
            o.lag(lags)

    def counted(self, stats: WorkerStats, records: Sequence[Record], result: BatchResult,
                created: Sequence[Alert]) -> None:
        for o in self.observers:
            o.counted(stats, records, result, created)


def timed(observer: WorkerObserver, step: str, fn: Callable[..., T],
          clock: Callable[[], float] = time.thread_time) -> Callable[..., T]:
    """``fn``, telling ``observer.timed`` the wall and ``clock`` seconds (this thread's CPU,
    unless told) of every call; ``fn`` itself when the observer takes no timings."""
    if not observer.timings:
        return fn

    def measured(*args: Any, **kwargs: Any) -> T:
        w0, c0 = time.perf_counter(), clock()
        try:
            return fn(*args, **kwargs)
        finally:
            observer.timed(step, time.perf_counter() - w0, clock() - c0)

    return measured


class ItemsWorker:
    def __init__(self, inbox: Inbox, stage: ItemsStage, store: ItemStore, producer: Outbound,
                 topics: DeadLetterTopics, match_input: Callable[[WireItem, Analysis], Any],
                 extractor_version: str, faults: Faults, on_idle: Callable[[], None] | None = None,
                 max_backoff: float = 30.0, analyser: Closeable | None = None,
                 heartbeat: Heartbeat | None = None, observer: WorkerObserver | None = None) -> None:
        self.inbox = inbox
        self.analyser = analyser  # the SandboxedAnalyser behind `stage`, closed with the worker
        self.heartbeat = heartbeat
        self.stop_event = threading.Event()  # replaced by run()'s, so analysis waits can see it
        self.stage = stage
        self.store = store
        self.producer = producer  # used for dead letters and alerts
        self.topics = topics
        self.match_input = match_input
        self.extractor_version = extractor_version
        self.faults = faults
        self.on_idle = on_idle
        self.max_backoff = max_backoff
        self.stats = WorkerStats()
        self.observer: WorkerObserver = observer or NoObserver()
        # Bound once: with an observer that takes no timings these are the plain callables.
        self._poll = timed(self.observer, POLL, inbox.poll)
        self._handle = timed(self.observer, HANDLE, stage.handle)
        self._save_batch = timed(self.observer, SAVE, store.save_batch)
        self._send = timed(self.observer, SEND, self._send_all)
        self._commit = timed(self.observer, COMMIT, self.commit)

    def _retry(self, what: str, fn: Callable[[], T], stop: threading.Event) -> T:
        """Retry `fn` with exponential backoff through outages; never skip the batch."""
        delay = 0.5
        while True:
            try:
                return fn()
            except Exception as exc:
                if not self.faults.transient(exc) or stop.is_set():
                    raise
                log.warning("%s failed (%s: %s); retrying in %.1fs", what, type(exc).__name__,
                            str(exc).splitlines()[0][:200] if str(exc) else "", delay)
                stop.wait(delay)
                delay = min(delay * 2, self.max_backoff)

    def _save(self, result: BatchResult, stop: threading.Event) -> list[str]:
        """Save the batch; if the database rejects it (not an outage), isolate the bad items."""
        def save(items: list[ProcessedItem]) -> list[str]:
            return self._save_batch(items, self.extractor_version)

        try:
            return self._retry("database commit", lambda: save(result.processed), stop)
        except Exception as exc:
            if self.faults.refusal(exc) is None:
                raise
            log.warning("database rejected the batch (%s); saving item by item", type(exc).__name__)
        keys: list[str] = []
        kept = []
        for p in result.processed:
            try:
                keys += self._retry("database commit", partial(save, [p]), stop)
                kept.append(p)
            except Exception as exc:
                why = self.faults.refusal(exc)
                if why is None:
                    raise
                dl = dead_letter(p.record, f"database rejected item {p.item.id}: {why}")
                self._retry("dead-letter send",
                            partial(self._send, self.topics.dead_letters, [(None, encode(dl))]), stop)
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
            result = self._handle(records, self.match_input)
        except StageInterrupted:
            # Nothing of this batch was written or committed: it is redelivered after restart.
            log.info("stop requested mid-batch; %d record(s) left uncommitted for redelivery", len(records))
            return
        if result.dead_letters:
            payload: list[tuple[bytes | None, bytes]] = [(None, encode(d)) for d in result.dead_letters]
            self._retry("dead-letter send", lambda: self._send(self.topics.dead_letters, payload), stop)
            for d in result.dead_letters:
                log.warning("dead-lettered %s[%d]@%d: %s", d.source_topic, d.source_partition,
                            d.source_offset, d.reason)
        new_keys = self._save(result, stop)
        if result.alerts:
            # At-least-once on the alerts topic: every alert of the batch is (re)sent, keyed
            # by alert_key, so a crash between the DB commit and here loses none.
            alerts: list[tuple[bytes | None, bytes]] = [(a.alert_key.encode(), encode(a)) for a in result.alerts]
            self._retry("alert publish", lambda: self._send(self.topics.alerts, alerts), stop)
        self._count(records, result, new_keys)
        if commit:
            self._commit(records, stop)

    def _count(self, records: list[Record], result: BatchResult, new_keys: list[str]) -> None:
        self.stats.consumed += len(records)
        self.stats.stored += len(result.processed)
        self.stats.alerts += len(new_keys)
        self.stats.dead_lettered += len(result.dead_letters)
        self.stats.batches += 1
        created = [a for a in result.alerts if a.alert_key in new_keys]
        for a in created:
            log.info("ALERT %s: %s — %s", a.topic, a.target or "-", a.evidence[:160])
        self.observer.counted(self.stats, records, result, created)

    def report_lag(self) -> None:
        self.observer.lag(self.inbox.lag())

    def commit(self, records: list[Record], stop: threading.Event | None = None) -> None:
        try:
            # A broker restart makes commits fail for a while: keep trying, the DB work is done.
            self._retry("offset commit", lambda: self.inbox.commit(records), stop or threading.Event())
        except Rebalanced:
            # The group rebalanced while we worked; the records will be redelivered and
            # the idempotent sinks absorb the repeat.
            log.warning("offset commit failed after a rebalance; batch will be redelivered")
        except Exception as exc:
            if not self.faults.transient(exc):
                raise
            log.warning("offset commit abandoned at shutdown (%s); batch will be redelivered", exc)

    def close(self) -> None:
        """Close every client this worker holds (safe to call twice)."""
        if self.analyser is not None:
            self.analyser.close()
        if self.heartbeat is not None:
            self.heartbeat.remove()
        self.inbox.close()
        self.producer.close()

    def __enter__(self) -> ItemsWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, stop: threading.Event, until_idle: float | None = None, poll_ms: int = 500,
            max_records: int | None = None, join_timeout: float = 60.0) -> WorkerStats:
        self.stop_event = stop
        try:
            self.observer.started(self)
            return self._run(stop, until_idle, poll_ms, max_records, join_timeout)
        finally:
            if self.analyser is not None:
                self.analyser.close()  # its process restarts on the next batch, if there is one

    def _run(self, stop: threading.Event, until_idle: float | None, poll_ms: int,
             max_records: int | None, join_timeout: float) -> WorkerStats:
        last_activity, last_lag_report = time.monotonic(), 0.0
        while not stop.is_set():
            self.beat("polling")
            try:
                records = self._poll(poll_ms, max_records)
            except Exception as exc:
                if not self.faults.transient(exc):
                    raise
                log.warning("poll failed (%s); retrying", exc)
                stop.wait(1)
                continue
            self.observer.polled(records, self.inbox)
            if time.monotonic() - last_lag_report > 5 and self.inbox.assignment():
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
            if not self.inbox.assignment() and time.monotonic() - self.stats.started < join_timeout:
                # Still joining the group: idleness only counts once partitions are ours.
                last_activity = time.monotonic()
            elif time.monotonic() - last_activity >= until_idle:
                break
        return self.stats
