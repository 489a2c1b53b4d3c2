"""The feed poller's ports: what the loop needs from the database, the bus, HTTP and metrics.

The loop imports none of sqlalchemy, kafka or httpx. wirewatch.bootstrap wires these to
wirewatch.adapters (postgres_feeds, kafka_bus + kafka_feeds, http_fetch) and to
wirewatch.poller_metrics; tests can pass fakes. Errors the loop must tell apart arrive
either as the exceptions defined here (FetchError) or through a predicate the adapter
supplies (FeedStore.refused, the bus's too_large).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

from producers import story
from producers.dedup import Seen
from producers.dropdir import FileIdentity, Known
from producers.registry import FeedsConfig
from schemas.messages import WireItem

# (item, feed id or None, packed MinHash signature or None): one journaled item.
Row = tuple[WireItem, int | None, bytes | None]
# (item, feed id or None, reason): an item refused for what it contains, never retried.
Poisoned = tuple[WireItem, int | None, str]


@dataclass(frozen=True)
class FeedRow:
    id: int
    url: str
    name: str | None
    kind: str
    interval: float
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    next_poll_at: datetime | None


@dataclass
class Sent:
    """One acknowledged (or found-in-topic) item, ready to be marked seen."""

    item_id: str
    version: int
    content_hash: str
    story_id: str | None
    feed_id: int | None
    minhash: bytes | None
    partition: int
    offset: int


class FeedStore(Protocol):
    """Registry rows, seen-state, stories and the in-flight journal (wirewatch.adapters.postgres_feeds)."""

    def refused(self, exc: BaseException) -> bool:
        """The store refused the value itself (retrying cannot help), not the connection."""
        ...

    def sync_registry(self, config: FeedsConfig) -> None: ...

    def due(self, now: datetime, force: bool = False) -> list[FeedRow]: ...

    def record_poll(self, feed: FeedRow, *, status: str, http_status: int | None = None, error: str | None = None,
                    bozo_reason: str | None = None, fetched: int = 0, dropped: int = 0, errors: int = 0,
                    failed: bool = False, retry_after: float | None = None,
                    now: datetime | None = None) -> None: ...

    def finish_batch(self, feed_id: int, validators: tuple[str | None, str | None] | None,
                     file: FileIdentity | None, file_items: int) -> None: ...

    def record_file_error(self, feed_id: int, file: FileIdentity, error: str) -> None: ...

    def known_files(self, directory: str) -> dict[str, tuple[Known, str, int]]: ...

    def seen(self, ids: list[str]) -> dict[str, Seen]: ...

    def story_candidates(self, band_keys: set[int], since: datetime) -> dict[int, list[story.Candidate]]: ...

    def journal(self, topic: str, rows: list[Row]) -> list[Poisoned]: ...

    def outbox(self, topic: str) -> list[Row]: ...

    def drop_outbox(self, topic: str, keys: list[tuple[str, int]]) -> None: ...

    def record_item_failure(self, feed_id: int | None, item_id: str, reason: str) -> None: ...

    def checkpoints(self, topic: str) -> dict[int, int]: ...

    def mark(self, topic: str, sent: list[Sent], checkpoint: dict[int, int] | None = None,
             only_if_outbox_empty: bool = True) -> None: ...


class PollerLock(Protocol):
    """One poller per database schema (a PostgreSQL advisory lock, freed if the process dies)."""

    schema: str

    def acquire(self) -> bool: ...

    def release(self) -> None: ...


class Delivered(Protocol):
    """Where the broker put a record."""

    partition: int
    offset: int


class Pending(Protocol):
    def get(self, timeout: float | None = None) -> Delivered: ...


class Bus(Protocol):
    """The slice of a Kafka producer the poller needs (wirewatch.adapters.kafka_bus.ProducerBus)."""

    def send(self, topic: str, key: bytes, value: bytes) -> Pending: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self) -> None: ...


@dataclass
class ReadBack:
    """The items topic from a checkpoint to its end, as far as the journal cares."""

    records: list[tuple[bytes, bytes, int, int]]  # (key, value, partition, offset) with a wanted key, topic order
    ends: dict[int, int]                          # end offset per partition when the read began
    scanned: int                                  # records read in all


class TopicReader(Protocol):
    """Read `topic` from `marks` (next offset per partition) to its end; raises if it cannot."""

    def __call__(self, topic: str, marks: dict[int, int], keys: set[bytes]) -> ReadBack: ...


class FetchError(RuntimeError):
    """A fetch that produced no usable body. `kind` is machine-readable, str(exc) is for people."""

    def __init__(self, message: str, kind: str = "error", status: int | None = None,
                 retry_after: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind            # timeout | too_large | http | redirects | network | url | refused | empty
        self.status = status
        self.retry_after = retry_after


@dataclass
class FetchResult:
    url: str                      # after redirects
    status: int                   # 200 or 304
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, transport ones removed
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class Fetch(Protocol):
    """GET a feed (conditionally with validators); raises FetchError. Limits, address policy and
    User-Agent are bound by the caller (wirewatch.adapters.http_fetch.fetch_feed)."""

    def __call__(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult: ...


class PollObserver(Protocol):
    """Counters the poller reports (wirewatch.poller_metrics feeds them to Prometheus)."""

    def feed_errors(self, n: int = 1) -> None: ...

    def items_fetched(self, n: int) -> None: ...

    def items_published(self, n: int) -> None: ...


class NoObserver:
    """The default: count nothing."""

    def feed_errors(self, n: int = 1) -> None:
        pass

    def items_fetched(self, n: int) -> None:
        pass

    def items_published(self, n: int) -> None:
        pass


def utcnow() -> datetime:
    """The poller's clock (aware, UTC)."""
    return datetime.now(timezone.utc)


def never(exc: BaseException) -> bool:
    """The default too_large predicate: no record is refused for its size."""
    return False


TooLarge = Callable[[BaseException], bool]
