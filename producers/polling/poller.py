"""The feed poller: registry → fetch (conditional GET) → parse → dedup + story → Kafka → seen-state.

The loop and its threads. It reaches the database, the bus and HTTP only through the ports
in producers.polling.ports (wired by wirewatch.bootstrap.App.feed_poller). Guarantees:

- **Nothing lost.** Seen-state (`feed_items`), a feed's ETag/Last-Modified and a drop
  file's identity are written only after the broker acknowledged the items they
  cover. A crash or a Kafka outage before that means the items are fetched again.
- **Nothing twice.** Before sending, items are journaled in `feed_outbox`. Marking
  them seen deletes them from it in the same transaction. If the process dies (or a
  send fails) in between, the next attempt first reads the items topic from the last
  checkpoint (`feed_offsets`) and marks whatever the broker already has; only the
  rest is re-sent. Within one producer session the idempotent producer dedups retries.
- **Back-pressure.** Fetched batches wait in a bounded in-memory buffer; while it is
  full, no new feed is fetched. A feed with a batch still in flight is not re-polled.
- **Failures are data.** Fetch and parse failures are recorded on the feed
  (`wirewatch feeds show`), counted (the observer's feed_errors, wirewatch_feed_errors_total)
  and logged with their reason; the feed backs off exponentially, others keep their schedule.

One poller per database schema at a time (a PostgreSQL advisory lock).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from producers.feeds import feed_health, parse_feed
from producers.polling.buffer import Batch, Buffer
from producers.polling.dirs import poll_dir
from producers.polling.policy import decide_batches
from producers.polling.ports import (Bus, Fetch, FetchError, FeedRow, FeedStore, NoObserver, Pending, Poisoned,
                                     PollerLock, PollObserver, Row, Sent, TooLarge, TopicReader, never, utcnow)
from producers.polling.reconcile import read_back
from producers.polling.report import PollReport
from producers.registry import FeedsConfig, PollerOptions, RegistryError, load_registry
from producers.schedule import is_due, parse_retry_after
from producers.url_policy import redact
from schemas.messages import MessageError, encode

log = logging.getLogger("wirewatch.feeds")


class PollerBusy(RuntimeError):
    """Another poller holds this schema's lock."""


class FeedPoller:
    """Poll feeds and drop directories; publish new items and new versions exactly once.

    Built by wirewatch.bootstrap.App.feed_poller: `connect` opens the bus (topics ensured),
    `fetch` has the HTTP limits, address policy and User-Agent bound, `config_path` (if given)
    is re-read every minute by `run` and on every `poll_once`.
    """

    def __init__(self, *, store: FeedStore, lock: PollerLock, connect: Callable[[], Bus], fetch: Fetch,
                 reader: TopicReader, topic: str, config: FeedsConfig, config_path: Path | None = None,
                 too_large: TooLarge = never, observer: PollObserver | None = None) -> None:
        self.store = store
        self.lock = lock
        self.topic = topic
        self.config = config
        self.config_path = config_path
        self.options: PollerOptions = config.options
        self.observer: PollObserver = observer or NoObserver()
        self._connect = connect
        self._fetch = fetch
        self._reader = reader
        self._too_large = too_large
        self._producer: Bus | None = None
        self.buffer = Buffer(self.options.queue_items)
        self._busy: dict[int, int] = defaultdict(int)
        self._busy_lock = threading.Lock()
        self._uncertain = True   # the outbox may hold items from a crash: reconcile before sending
        self.report = PollReport()
        self.told: set[tuple[str, str]] = set()   # refusals already logged (a drop dir is polled every 5 s)

    # -- wiring --

    def _bus(self) -> Bus:
        if self._producer is None:
            self._producer = self._connect()
        return self._producer

    def _drop_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close()
            except Exception:  # noqa: BLE001 (closing a broken client must not mask the real error)
                pass
            self._producer = None

    def acquire(self) -> bool:
        """The one-poller-per-schema lock (released when its connection closes, e.g. on kill -9)."""
        return self.lock.acquire()

    def release(self) -> None:
        self.lock.release()
        self._drop_producer()

    def close(self) -> None:
        """Free the lock and the bus client (poll_once and run also do so when they return)."""
        self.release()

    def __enter__(self) -> FeedPoller:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def sync_registry(self) -> None:
        if self.config_path is not None:
            self.config = load_registry(self.config_path)
        self.store.sync_registry(self.config)

    # -- fetching (pool threads) --

    def mark_busy(self, feed_id: int, delta: int) -> None:
        with self._busy_lock:
            self._busy[feed_id] += delta
            if self._busy[feed_id] <= 0:
                del self._busy[feed_id]

    def _is_busy(self, feed_id: int) -> bool:
        with self._busy_lock:
            return feed_id in self._busy

    def poll_feed(self, feed: FeedRow, stop: threading.Event) -> None:
        try:
            if feed.kind == "dir":
                self._poll_dir(feed, stop)
            else:
                self._poll_http(feed, stop)
        except Exception as exc:  # noqa: BLE001 (one feed's surprise must not stop the others)
            log.exception("feed %s: unexpected error", redact(feed.url))
            self.observer.feed_errors()
            self.report.add(errors=1)
            try:
                self.store.record_poll(feed, status="error", error=f"internal: {type(exc).__name__}: {exc}",
                                       errors=1, failed=True)
            except Exception:  # noqa: BLE001
                log.exception("feed %s: could not record the error", redact(feed.url))
        finally:
            self.mark_busy(feed.id, -1)

    def _poll_http(self, feed: FeedRow, stop: threading.Event) -> None:
        self.report.add(feeds=1)
        try:
            result = self._fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        except FetchError as exc:
            self.observer.feed_errors()
            self.report.add(errors=1)
            log.warning("feed %s: fetch failed (%s): %s", redact(feed.url), exc.kind, exc)
            self.store.record_poll(feed, status="error", http_status=exc.status, error=str(exc), errors=1,
                                   failed=True, retry_after=parse_retry_after(exc.retry_after, utcnow()))
            return
        if result.not_modified:
            self.report.add(not_modified=1)
            self.store.record_poll(feed, status="not_modified", http_status=304)
            return
        parsed = parse_feed(result.body, feed.url, result.headers, max_entries=self.options.max_entries)
        if parsed.truncated:
            log.warning("feed %s: %d entries in one response; only the first %d are read (poller option "
                        "max_entries)", redact(feed.url), parsed.entries, self.options.max_entries)
        if parsed.sanitised:
            log.info("feed %s: %d control character(s) or lone surrogate(s) removed from entry text",
                     redact(feed.url), parsed.sanitised)
        health = feed_health(parsed, len(result.body))
        dropped = len(parsed.errors)
        for error in parsed.errors:
            log.warning("feed %s: entry dropped: %s (%s)", redact(feed.url), error.reason, redact(error.origin))
        errors = dropped + (0 if health.status == "ok" else 1)
        if errors:
            self.observer.feed_errors(errors)
        self.observer.items_fetched(len(parsed.items))
        self.report.add(fetched=len(parsed.items), dropped=dropped,
                        bozo=int(health.status == "bozo"), errors=int(health.status == "error"))
        if health.status == "error":
            log.warning("feed %s: %s", redact(feed.url), health.error)
        elif health.status == "bozo":
            log.warning("feed %s is malformed (%s); %d entries recovered", redact(feed.url), health.error,
                        len(parsed.items))
        self.store.record_poll(
            feed, status=health.status, http_status=result.status,
            error=health.error if health.status == "error" else None,
            bozo_reason=parsed.bozo_reason if parsed.bozo else None,
            fetched=len(parsed.items), dropped=dropped, errors=errors, failed=health.failed)
        if health.failed:
            return
        self.mark_busy(feed.id, +1)
        if not self.buffer.put(Batch(feed.id, feed.url, parsed.items, (result.etag, result.last_modified)), stop):
            self.mark_busy(feed.id, -1)

    def _poll_dir(self, feed: FeedRow, stop: threading.Event) -> None:
        poll_dir(self, feed, stop)

    # -- publishing (the sink thread) --

    def _decide(self, batches: list[Batch] | Batch) -> list[Row]:
        """New items and new versions with their version and story_id (producers.polling.policy)."""
        batches = [batches] if isinstance(batches, Batch) else batches
        since = utcnow() - timedelta(days=self.options.story_window_days)
        return decide_batches(batches, self.store, since, self.report)

    def _send(self, rows: list[Row]) -> tuple[list[Sent], list[str], list[Poisoned]]:
        """(acknowledged, failed (retry), poisoned: refused for their content, never retried)."""
        bus = self._bus()
        pending: list[tuple[Row, Pending]] = []
        failed: list[str] = []
        poisoned: list[Poisoned] = []
        for item, feed_id, minhash in rows:
            try:
                value = encode(item)
            except (MessageError, UnicodeError, ValueError, TypeError) as exc:
                poisoned.append((item, feed_id, f"{type(exc).__name__}: {exc}"[:500]))
                continue
            try:
                pending.append(((item, feed_id, minhash), bus.send(self.topic, item.id.encode("utf-8"), value)))
            except Exception as exc:  # noqa: BLE001 (e.g. metadata timeout while the broker is down)
                if self._too_large(exc):
                    poisoned.append((item, feed_id, f"{type(exc).__name__}: {exc}"[:500]))
                else:
                    failed.append(f"{item.id}: {type(exc).__name__}: {exc}")
        try:
            bus.flush(self.options.publish_timeout)
        except Exception as exc:  # noqa: BLE001
            log.warning("flush failed: %s", exc)
        sent: list[Sent] = []
        deadline = time.monotonic() + self.options.publish_timeout  # for all of them, not each
        for (item, feed_id, minhash), future in pending:
            try:
                md = future.get(timeout=max(0.05, deadline - time.monotonic()))
                sent.append(Sent(item.id, item.version, item.content_hash, item.story_id, feed_id, minhash,
                                 md.partition, md.offset))
            except Exception as exc:  # noqa: BLE001 (per-record delivery errors)
                if self._too_large(exc):
                    poisoned.append((item, feed_id, f"{type(exc).__name__}: {exc}"[:500]))
                else:
                    failed.append(f"{item.id}: {type(exc).__name__}: {exc}")
        return sent, failed, poisoned

    def _poison(self, topic: str, poisoned: list[Poisoned], journaled: bool) -> None:
        """Items refused for their content: out of the journal, on their feed's record, logged; the rest go on."""
        if not poisoned:
            return
        if journaled:
            self.store.drop_outbox(topic, [(item.id, item.version) for item, _f, _r in poisoned])
        for item, feed_id, reason in poisoned:
            log.error("item %s (%s) not published and not retried: %s", item.id, redact(item.feed or "?"), reason)
            self.store.record_item_failure(feed_id, item.id, reason)
        self.observer.feed_errors(len(poisoned))
        self.report.add(dropped=len(poisoned))

    def _reconcile(self) -> None:
        """Mark journaled items the broker already has (read back from the checkpoint)."""
        rows = self.store.outbox(self.topic)
        if not rows:
            self._uncertain = False
            return
        found, ends, scanned, left = read_back(self._reader, self.topic, self.store.checkpoints(self.topic), rows)
        log.info("reconciled the in-flight journal: %d of %d item(s) already in %s (%d record(s) read); "
                 "%d to send again", len(found), len(rows), self.topic, scanned, left)
        self.store.mark(self.topic, found, ends, only_if_outbox_empty=False)
        if found:
            self.observer.items_published(len(found))
            self.report.add(published=len(found))
        self._uncertain = False

    def _deliver_outbox(self) -> list[str]:
        """Send whatever the journal holds; mark what the broker acked. Returns failures."""
        if self._uncertain:
            self._reconcile()
        rows = self.store.outbox(self.topic)
        if not rows:
            return []
        sent, failed, poisoned = self._send(rows)
        self._poison(self.topic, poisoned, journaled=True)
        checkpoint: dict[int, int] = {}
        for s in sent:
            checkpoint[s.partition] = max(checkpoint.get(s.partition, 0), s.offset + 1)
        self.store.mark(self.topic, sent, None if failed else checkpoint)
        if sent:
            self.observer.items_published(len(sent))
            self.report.add(published=len(sent))
        if failed:
            # Some may have reached the broker after all: read the topic back before re-sending.
            self._uncertain = True
            self._drop_producer()
        return failed

    def process(self, batches: list[Batch] | Batch) -> None:
        """Publish batches completely (raises on DB/Kafka trouble; safe to call again)."""
        batches = [batches] if isinstance(batches, Batch) else batches
        rows = self._decide(batches)
        self._poison(self.topic, self.store.journal(self.topic, rows), journaled=False)
        failed = self._deliver_outbox()
        if failed:
            raise RuntimeError(f"{len(failed)} item(s) not acknowledged, e.g. {failed[0]}")
        for batch in batches:
            try:
                self.store.finish_batch(batch.feed_id, batch.validators, batch.file, len(batch.items))
            except Exception as exc:  # noqa: BLE001
                if not self.store.refused(exc):
                    raise
                # The items are published and marked; only the validators or the file record are
                # lost, so the next poll reads it again and dedup publishes nothing twice.
                log.error("%s: published, but its poll state was refused: %s", redact(batch.origin), exc)

    def recover(self) -> None:
        """Resolve a crash's leftovers: reconcile the journal and send what is missing."""
        failed = self._deliver_outbox()
        if failed:
            raise RuntimeError(f"{len(failed)} journaled item(s) not acknowledged, e.g. {failed[0]}")

    def _sink(self, stop: threading.Event, done: threading.Event | None = None) -> None:
        backoff = 1.0
        recovered = False
        while not stop.is_set():
            try:
                if not recovered:
                    self.recover()
                    recovered = True
                batches = self.buffer.peek(0.5)
                if not batches:
                    if done is not None and done.is_set():
                        return
                    continue
                self.process(batches)
                self.buffer.pop(len(batches))
                for batch in batches:
                    self.mark_busy(batch.feed_id, -1)
                backoff = 1.0
            except Exception as exc:  # noqa: BLE001 (Kafka or PostgreSQL away: wait, keep everything)
                log.warning("publishing paused (%s: %s); %d item(s) waiting; retry in %.0fs",
                            type(exc).__name__, exc, len(self.buffer), backoff)
                self._drop_producer()
                stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)

    # -- entry points --

    def poll_once(self, force: bool = True, timeout: float | None = None) -> PollReport:
        """Poll every enabled feed (force) or only the due ones, publish, and return the counts.

        Returns once everything fetched is acknowledged, or after `timeout` seconds (what
        is still waiting then is reported in `pending` and will be fetched again next time).
        """
        if not self.acquire():
            raise PollerBusy("another feed poller is running on this database schema")
        self.report = PollReport()
        stop, fetched_all = threading.Event(), threading.Event()
        deadline = None if timeout is None else time.monotonic() + timeout
        sink = threading.Thread(target=self._sink, args=(stop, fetched_all), name="feed-sink", daemon=True)
        pool = ThreadPoolExecutor(max_workers=self.options.fetch_workers, thread_name_prefix="feed-fetch")
        try:
            self.sync_registry()
            sink.start()
            feeds = self.store.due(utcnow(), force=force)
            jobs: list[Future[None]] = []
            for feed in feeds:
                self.mark_busy(feed.id, +1)
                jobs.append(pool.submit(self.poll_feed, feed, stop))
            for job in jobs:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                try:
                    job.result(timeout=left)
                except Exception:  # noqa: BLE001 (timeout: stop below; poll_feed records its own errors)
                    break
            else:
                fetched_all.set()
            if not fetched_all.is_set():
                stop.set()  # out of time: blocked fetchers give up, nothing was marked for them
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            sink.join(left)
            if sink.is_alive():
                stop.set()
                sink.join(30)
            self.report.pending = len(self.buffer)
            return self.report
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            sink.join(30)
            self.release()

    def run(self, stop: threading.Event, tick: float = 1.0) -> None:
        """The daemon loop: poll due feeds with a small pool until `stop` is set."""
        while not self.acquire():
            log.warning("another feed poller holds the lock for schema %s; waiting", self.lock.schema)
            if stop.wait(10):
                return
        sink = threading.Thread(target=self._sink, args=(stop,), name="feed-sink", daemon=True)
        pool = ThreadPoolExecutor(max_workers=self.options.fetch_workers, thread_name_prefix="feed-fetch")
        log.info("feed poller started (%s); publishing to %s", self.config.source or "database only", self.topic)
        last_sync = 0.0
        try:
            sink.start()
            while not stop.is_set():
                try:
                    if time.monotonic() - last_sync > 60:
                        last_sync = time.monotonic()
                        try:
                            self.sync_registry()
                        except RegistryError as exc:  # keep polling what the database already has
                            self.observer.feed_errors()
                            log.error("feeds file not reloaded: %s", exc)
                    for feed in self.store.due(utcnow()):
                        if stop.is_set() or self.buffer.full():
                            break  # back-pressure: fetch nothing new while the broker is behind
                        if self._is_busy(feed.id) or not is_due(feed.next_poll_at, utcnow()):
                            continue
                        self.mark_busy(feed.id, +1)
                        pool.submit(self.poll_feed, feed, stop)
                except Exception as exc:  # noqa: BLE001 (database away: keep trying)
                    log.warning("feed scheduling paused: %s: %s", type(exc).__name__, exc)
                    stop.wait(5)
                stop.wait(tick)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            sink.join(30)
            self.release()
            log.info("feed poller stopped: %s", self.report.summary())
