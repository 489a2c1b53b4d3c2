"""The feed poller's PostgreSQL side: registry rows, seen-state, stories, the in-flight journal.

Every SQL statement the poller and `wirewatch feeds` run: FeedStore and PollerLock implement
the ports of producers.polling.ports (see producers.polling.poller for the guarantees they
serve).
"""
from __future__ import annotations

import logging
import random
import zlib
from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, func, select, text, true, tuple_, update
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from sqlalchemy.dialects.postgresql import insert as pg_insert

from producers import story
from producers.dedup import Seen
from producers.dropdir import FileIdentity, Known
from producers.polling.ports import FeedRow, Sent, utcnow
from producers.registry import FeedsConfig, RegistryError, validate_url
from producers.sanitise import clean_text
from producers.schedule import Outcome, next_poll
from schemas.messages import WireItem
from schemas.tables import Feed, FeedFile, FeedItem, FeedOffset, FeedOutbox, FeedStoryBand

log = logging.getLogger("wirewatch.feeds")


def permanent(exc: BaseException) -> bool:
    """The database refused the value itself (retrying cannot help), not the connection."""
    if isinstance(exc, DataError):          # SQLSTATE class 22: NUL in JSONB, bad escapes, too long
        return True
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        return True                         # the parameters could not even be encoded
    return isinstance(exc, (UnicodeError, ValueError, TypeError))


def _storable(text: str | None) -> str | None:
    return None if text is None else clean_text(text)[0]


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return f"{type(orig).__name__}: {str(orig).splitlines()[0] if str(orig) else ''}"[:500]


class PollerLock:
    """One poller per database schema: a session-level advisory lock, released when its connection
    closes (so also on kill -9)."""

    def __init__(self, engine, schema: str) -> None:
        self.engine = engine
        self.schema = schema
        self._key = zlib.crc32(f"wirewatch-feed-poller:{schema}".encode())
        self._conn = None

    def acquire(self) -> bool:
        if self._conn is not None:
            return True
        conn = self.engine.connect()
        if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar():
            conn.commit()
            self._conn = conn
            return True
        conn.rollback()
        conn.close()
        return False

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._conn.commit()
                self._conn.close()
            except Exception:  # noqa: BLE001
                self._conn.invalidate()
            self._conn = None


class FeedStore:
    """Every SQL the poller and `wirewatch feeds` run."""

    def __init__(self, engine) -> None:
        self.engine = engine

    @staticmethod
    def refused(exc: BaseException) -> bool:
        """The database refused the value itself (retrying cannot help), not the connection."""
        return permanent(exc)

    # registry

    def sync_registry(self, config: FeedsConfig) -> None:
        """Upsert the file's feeds (origin=file); disable file feeds no longer listed."""
        urls = [spec.url for spec in config.feeds]
        with self.engine.begin() as conn:
            for spec in config.feeds:
                stmt = pg_insert(Feed).values(url=spec.url, name=spec.name, kind=spec.kind, origin="file",
                                              interval_seconds=spec.interval, enabled=True)
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[Feed.url],
                    set_={"name": spec.name, "interval_seconds": spec.interval, "kind": spec.kind,
                          "enabled": True, "updated_at": func.now()}))
            conn.execute(update(Feed).where(Feed.origin == "file", Feed.url.not_in(urls) if urls else true())
                         .values(enabled=False, updated_at=func.now()))

    def add_feed(self, url: str, name: str | None = None, interval: float = 300.0,
                 policy=None) -> tuple[int, bool]:
        """Register a feed; with a UrlPolicy its addresses must be allowed (RegistryError if not)."""
        url = validate_url(url, policy)
        kind = "dir" if url.startswith("dir:") else "http"
        with self.engine.begin() as conn:
            row = conn.execute(pg_insert(Feed).values(url=url, name=name, kind=kind, origin="cli",
                                                      interval_seconds=interval)
                               .on_conflict_do_nothing(index_elements=[Feed.url]).returning(Feed.id)).first()
            if row:
                return row[0], True
            conn.execute(update(Feed).where(Feed.url == url).values(enabled=True, updated_at=func.now()))
            return conn.execute(select(Feed.id).where(Feed.url == url)).scalar_one(), False

    def set_paused(self, ref: str, paused: bool) -> int:
        """Hold or release feeds (by id or URL); the number of feeds found."""
        with self.engine.begin() as conn:
            return conn.execute(update(Feed).where(self._ref(ref))
                                .values(paused=paused, updated_at=func.now())).rowcount

    def remove_feed(self, ref: str) -> int:
        with self.engine.begin() as conn:
            return conn.execute(delete(Feed).where(self._ref(ref))).rowcount

    @staticmethod
    def _ref(ref: str):
        if ref.isdigit():
            return Feed.id == int(ref)
        try:
            normalised = validate_url(ref) if "://" in ref or ref.startswith("dir:") else ref
        except RegistryError:
            normalised = ref  # e.g. a dir: root refused since it was added: still removable by its URL
        return Feed.url.in_([ref, ref.rstrip("/"), normalised])

    def feeds(self, ref: str | None = None, include_disabled: bool = True) -> list[dict]:
        q = select(*Feed.__table__.c).order_by(Feed.id)
        if ref:
            q = q.where(self._ref(ref))
        if not include_disabled:
            q = q.where(Feed.enabled.is_(True))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def due(self, now: datetime, force: bool = False) -> list[FeedRow]:
        q = select(Feed.id, Feed.url, Feed.name, Feed.kind, Feed.interval_seconds, Feed.etag, Feed.last_modified,
                   Feed.consecutive_failures, Feed.next_poll_at).where(Feed.enabled.is_(True),
                                                                       Feed.paused.is_(False))
        if not force:
            q = q.where((Feed.next_poll_at.is_(None)) | (Feed.next_poll_at <= now))
        with self.engine.connect() as conn:
            return [FeedRow(*r) for r in conn.execute(q.order_by(Feed.next_poll_at.nulls_first(), Feed.id))]

    def record_poll(self, feed: FeedRow, *, status: str, http_status: int | None = None, error: str | None = None,
                    bozo_reason: str | None = None, fetched: int = 0, dropped: int = 0, errors: int = 0,
                    failed: bool = False, retry_after: float | None = None, now: datetime | None = None) -> None:
        now = now or utcnow()
        error, bozo_reason = _storable(error), _storable(bozo_reason)  # reasons quote hostile input
        # feed.consecutive_failures is current: a feed is polled by one thread at a time
        when, failures = next_poll(now, feed.interval, feed.consecutive_failures, Outcome(not failed, retry_after),
                                   jitter=random.uniform(-1, 1))
        with self.engine.begin() as conn:
            values = dict(last_status=status, last_http_status=http_status, last_polled_at=now,
                          next_poll_at=when, consecutive_failures=failures, updated_at=func.now(),
                          items_fetched=Feed.items_fetched + fetched, items_dropped=Feed.items_dropped + dropped,
                          errors_total=Feed.errors_total + errors)
            if status in ("ok", "not_modified", "bozo"):
                values["last_success_at"] = now
            if status != "not_modified":  # a 304 keeps the last known error/bozo reason of the content
                values["last_error"] = error
                values["bozo_reason"] = bozo_reason
            conn.execute(update(Feed).where(Feed.id == feed.id).values(**values))

    def finish_batch(self, feed_id: int, validators: tuple[str | None, str | None] | None,
                     file: FileIdentity | None, file_items: int) -> None:
        """Everything of one response/file is acknowledged: advance validators, record the file."""
        with self.engine.begin() as conn:
            if validators is not None:
                conn.execute(update(Feed).where(Feed.id == feed_id)
                             .values(etag=validators[0], last_modified=validators[1]))
            if file is not None:
                self._record_file(conn, feed_id, file, "published", None, file_items)

    def record_file_error(self, feed_id: int, file: FileIdentity, error: str) -> None:
        with self.engine.begin() as conn:
            self._record_file(conn, feed_id, file, "error", error, 0)

    @staticmethod
    def _record_file(conn, feed_id, file: FileIdentity, status, error, items) -> None:
        values = dict(path=file.path, size=file.size, mtime_ns=file.mtime_ns, sha256=file.sha256 or "",
                      feed_id=feed_id, status=status, error=_storable(error), items=items)
        conn.execute(pg_insert(FeedFile).values(**values).on_conflict_do_update(
            index_elements=[FeedFile.path], set_={**values, "recorded_at": func.now()}))

    def known_files(self, directory: str) -> dict[str, tuple[Known, str, int]]:
        prefix = directory.rstrip("/") + "/"
        with self.engine.connect() as conn:
            rows = conn.execute(select(FeedFile.path, FeedFile.size, FeedFile.mtime_ns, FeedFile.sha256,
                                       FeedFile.status, FeedFile.items)
                                .where(func.starts_with(FeedFile.path, prefix)))
            return {r.path: (Known(r.size, r.mtime_ns, r.sha256), r.status, r.items) for r in rows}

    # seen-state and stories

    def seen(self, ids: list[str]) -> dict[str, Seen]:
        out: dict[str, Seen] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 1000):
                rows = conn.execute(select(FeedItem.id, FeedItem.version, FeedItem.content_hash, FeedItem.story_id)
                                    .where(FeedItem.id.in_(ids[i:i + 1000])))
                out.update({r.id: Seen(r.version, r.content_hash, r.story_id) for r in rows})
        return out

    def story_candidates(self, band_keys: set[int], since: datetime) -> dict[int, list[story.Candidate]]:
        out: dict[int, list[story.Candidate]] = defaultdict(list)
        if not band_keys:
            return out
        keys = sorted(band_keys)
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 2000):
                rows = conn.execute(
                    select(FeedStoryBand.band_key, FeedStoryBand.item_id, FeedStoryBand.story_id, FeedItem.minhash)
                    .join(FeedItem, FeedItem.id == FeedStoryBand.item_id)
                    .where(FeedStoryBand.band_key.in_(keys[i:i + 2000]), FeedItem.first_seen_at >= since,
                           FeedItem.minhash.is_not(None)))
                for r in rows:
                    out[r.band_key].append(story.Candidate(r.item_id, r.story_id, story.unpack(r.minhash)))
        return out

    # the in-flight journal

    def journal(self, topic: str, rows: list[tuple[WireItem, int | None, bytes | None]]
                ) -> list[tuple[WireItem, int | None, str]]:
        """Journal the rows; return those the database refuses for their content (poison).

        A row PostgreSQL rejects for what it holds (NUL in JSONB, say) is reported and left
        out, never retried with the rest: retrying it would hold every feed's items behind it.
        Connection trouble still raises, so the batch waits and is retried whole.
        """
        if not rows:
            return []
        try:
            self._journal(topic, rows)
            return []
        except Exception as exc:  # noqa: BLE001
            if not permanent(exc):
                raise
        poisoned = []
        for row in rows:  # find the bad row(s): one transaction each
            try:
                self._journal(topic, [row])
            except Exception as exc:  # noqa: BLE001
                if not permanent(exc):
                    raise
                poisoned.append((row[0], row[1], _reason(exc)))
        return poisoned

    def _journal(self, topic: str, rows) -> None:
        with self.engine.begin() as conn:
            conn.execute(pg_insert(FeedOutbox).values([
                dict(item_id=item.id, version=item.version, topic=topic, feed_id=feed_id,
                     payload=item.to_dict(), minhash=minhash) for item, feed_id, minhash in rows
            ]).on_conflict_do_nothing())

    def outbox(self, topic: str) -> list[tuple[WireItem, int | None, bytes | None]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(FeedOutbox.item_id, FeedOutbox.version, FeedOutbox.payload,
                                       FeedOutbox.feed_id, FeedOutbox.minhash)
                                .where(FeedOutbox.topic == topic)
                                .order_by(FeedOutbox.created_at, FeedOutbox.item_id, FeedOutbox.version)).all()
        out, unreadable = [], []
        for r in rows:
            try:
                out.append((WireItem(**r.payload), r.feed_id, r.minhash))
            except TypeError as exc:  # journaled by another release: it can never be sent as it is
                log.error("feed outbox: item %s v%s dropped, its journaled payload is unreadable: %s",
                          r.item_id, r.version, exc)
                unreadable.append((r.item_id, r.version))
        self.drop_outbox(topic, unreadable)
        return out

    def drop_outbox(self, topic: str, keys: list[tuple[str, int]]) -> None:
        if not keys:
            return
        with self.engine.begin() as conn:
            for i in range(0, len(keys), 1000):
                conn.execute(delete(FeedOutbox).where(FeedOutbox.topic == topic,
                                                      tuple_(FeedOutbox.item_id, FeedOutbox.version)
                                                      .in_(keys[i:i + 1000])))

    def record_item_failure(self, feed_id: int | None, item_id: str, reason: str) -> None:
        """One item could not be published for what it contains: say so on its feed."""
        if feed_id is None:
            return
        with self.engine.begin() as conn:
            conn.execute(update(Feed).where(Feed.id == feed_id).values(
                last_error=f"item {item_id} not published: {reason}"[:2000], errors_total=Feed.errors_total + 1,
                items_dropped=Feed.items_dropped + 1, updated_at=func.now()))

    def checkpoints(self, topic: str) -> dict[int, int]:
        with self.engine.connect() as conn:
            return dict(conn.execute(select(FeedOffset.partition, FeedOffset.next_offset)
                                     .where(FeedOffset.topic == topic)).all())

    def mark(self, topic: str, sent: list[Sent], checkpoint: dict[int, int] | None = None,
             only_if_outbox_empty: bool = True) -> None:
        """Seen-state, story bands, feed counters and outbox removal in ONE transaction."""
        now = utcnow()
        with self.engine.begin() as conn:
            if sent:
                latest: dict[str, Sent] = {}
                for s in sent:
                    if s.item_id not in latest or latest[s.item_id].version < s.version:
                        latest[s.item_id] = s
                stmt = pg_insert(FeedItem).values([
                    dict(id=s.item_id, version=s.version, content_hash=s.content_hash, story_id=s.story_id,
                         feed_id=s.feed_id, minhash=s.minhash, kafka_partition=s.partition,
                         kafka_offset=s.offset, first_seen_at=now, published_at=now) for s in latest.values()
                ])
                ex = stmt.excluded
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[FeedItem.id],
                    set_={"version": ex.version, "content_hash": ex.content_hash, "story_id": ex.story_id,
                          "minhash": ex.minhash, "kafka_partition": ex.kafka_partition,
                          "kafka_offset": ex.kafka_offset, "published_at": ex.published_at,
                          "feed_id": func.coalesce(ex.feed_id, FeedItem.feed_id)},
                    where=FeedItem.version < ex.version))
                bands = []
                for s in latest.values():
                    if s.minhash and s.story_id:
                        for key in story.band_keys(story.unpack(s.minhash)):
                            bands.append(dict(band_key=key, item_id=s.item_id, story_id=s.story_id))
                for i in range(0, len(bands), 5000):
                    conn.execute(pg_insert(FeedStoryBand).values(bands[i:i + 5000]).on_conflict_do_nothing())
                per_feed: dict[int, int] = defaultdict(int)
                for s in sent:
                    if s.feed_id is not None:
                        per_feed[s.feed_id] += 1
                for feed_id, n in per_feed.items():
                    conn.execute(update(Feed).where(Feed.id == feed_id)
                                 .values(items_published=Feed.items_published + n))
                keys = [(s.item_id, s.version) for s in sent]
                for i in range(0, len(keys), 1000):
                    conn.execute(delete(FeedOutbox).where(FeedOutbox.topic == topic,
                                                          tuple_(FeedOutbox.item_id, FeedOutbox.version)
                                                          .in_(keys[i:i + 1000])))
            if checkpoint:
                if only_if_outbox_empty:
                    left = conn.execute(select(func.count()).select_from(FeedOutbox)
                                        .where(FeedOutbox.topic == topic)).scalar_one()
                    if left:
                        return
                for partition, offset in checkpoint.items():
                    stmt = pg_insert(FeedOffset).values(topic=topic, partition=partition, next_offset=offset)
                    conn.execute(stmt.on_conflict_do_update(
                        index_elements=[FeedOffset.topic, FeedOffset.partition],
                        set_={"next_offset": func.greatest(FeedOffset.next_offset, stmt.excluded.next_offset)}))
