"""PostgreSQL tables (SQLAlchemy 2 models). Migrations in schemas/migrations create them.

Tables carry no schema name: the connection's search_path picks it, so each test can
run in a schema of its own.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    feed: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(Text)
    headline: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))
    dateline_place: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    story_id: Mapped[str | None] = mapped_column(String(200), index=True)
    extractor_version: Mapped[str | None] = mapped_column(String(64))
    kafka_topic: Mapped[str | None] = mapped_column(String(255))
    kafka_partition: Mapped[int | None] = mapped_column(Integer)
    kafka_offset: Mapped[int | None] = mapped_column(BigInteger)
    stored_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    # (0006) What was changed or capped on the way in: NULs removed, names cut, analysis caps.
    limits: Mapped[list] = mapped_column(JSONB, nullable=False, server_default="[]")


class Entity(Base):
    __tablename__ = "entities"
    __table_args__ = (UniqueConstraint("canonical_name", "label", name="uq_entities_name_label"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    canonical_name: Mapped[str] = mapped_column(String(300), nullable=False)
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    first_seen_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class Mention(Base):
    """One entity in one item: all its mentions (offsets) and its first position."""

    __tablename__ = "item_entities"

    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    mention_count: Mapped[int] = mapped_column(Integer, nullable=False)
    first_position: Mapped[int] = mapped_column(Integer, nullable=False)
    mentions: Mapped[list] = mapped_column(JSONB, nullable=False)
    aliases: Mapped[list] = mapped_column(JSONB, nullable=False, server_default="[]")


class Topic(Base):
    __tablename__ = "topics"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    definition: Mapped[dict] = mapped_column(JSONB, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class Alert(Base):
    """One alert per EVENT (topic + target + event family + country + 14-day window).

    Later stories about the same event attach as rows of `alert_items`; the columns from
    `item_id` to `kafka_offset` describe the story that opened the alert.
    """

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # Unique event identity (consumers/alerting/identity.py): a replay, or another story
    # about the same event, can never open a second alert.
    event_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # The Alert v1 message key of the opening story (topic, item, target); see alert_items.
    alert_key: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    topic_name: Mapped[str] = mapped_column(
        ForeignKey("topics.name", ondelete="RESTRICT"), nullable=False, index=True
    )
    topic_version: Mapped[int] = mapped_column(Integer, nullable=False)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("items.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    target: Mapped[str | None] = mapped_column(String(300), index=True)
    target_role: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    rule: Mapped[str] = mapped_column(Text, nullable=False)
    explanation: Mapped[dict] = mapped_column(JSONB, nullable=False)
    extractor_version: Mapped[str | None] = mapped_column(String(64))
    kafka_topic: Mapped[str | None] = mapped_column(String(255))
    kafka_partition: Mapped[int | None] = mapped_column(Integer)
    kafka_offset: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), index=True
    )
    # --- event level (0002) ---
    target_key: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(100))
    window_start: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str | None] = mapped_column(String(64))
    stage_rank: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    escalation: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    escalation_reason: Mapped[str | None] = mapped_column(Text)
    escalations: Mapped[list] = mapped_column(JSONB, nullable=False, server_default="[]")
    evidence_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    source_count: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    first_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    muted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


Index("ix_alerts_identity", Alert.topic_name, Alert.target_key, Alert.event, Alert.window_start)
Index("ix_alerts_country", Alert.country)  # 0007: the console's filters and newest-first pages
Index("ix_alerts_created_id", Alert.created_at, Alert.id)


class AlertItem(Base):
    """One story's evidence for an alert. Unique (alert_id, item_id): replays add nothing."""

    __tablename__ = "alert_items"
    __table_args__ = (UniqueConstraint("alert_id", "item_id", name="uq_alert_items_alert_item"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id", ondelete="RESTRICT"), nullable=False, index=True)
    alert_key: Mapped[str] = mapped_column(String(64), nullable=False)  # the Alert v1 message key
    evidence: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_start: Mapped[int | None] = mapped_column(Integer)
    evidence_end: Mapped[int | None] = mapped_column(Integer)
    terms: Mapped[list] = mapped_column(JSONB, nullable=False, server_default="[]")  # words to highlight
    action: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(64))
    stage_rank: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    source: Mapped[str] = mapped_column(String(300), nullable=False)  # host, feed or source kind
    url: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # else received
    kafka_topic: Mapped[str | None] = mapped_column(String(255))
    kafka_partition: Mapped[int | None] = mapped_column(Integer)
    kafka_offset: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class Delivery(Base):
    """The email outbox: one row per alert, escalation level and recipient.

    status: pending → sending → sent; pending → muted | superseded; sending → pending
    (retry) | failed | uncertain. See consumers/alerting/notifier.py.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True)
    escalation: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    rule: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False,
                                                      server_default=func.now())
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan: Mapped[str | None] = mapped_column(Text)  # why it waits (digest, cap, quiet hours, ...)
    digest_slot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    batch_key: Mapped[str | None] = mapped_column(String(64))  # rows sharing it go out as one email
    message_id: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


Index("ix_deliveries_due", Delivery.status, Delivery.next_attempt_at)
Index("ix_deliveries_recipient_claimed", Delivery.recipient, Delivery.claimed_at)


class AlertFeedback(Base):
    """An analyst's rating of an alert: one row per rating (0004). topic_stats_v counts each
    rated alert once, by its latest rating.

    0004 also adds `items.search_vector` (a generated tsvector, GIN-indexed) and the views
    alerts_v, entity_mentions_daily_v and topic_stats_v. The column is deliberately not
    mapped on Item: the store upserts every mapped column, and a generated column cannot be
    written.
    """

    __tablename__ = "alert_feedback"
    __table_args__ = (CheckConstraint("rating IN ('good', 'bad')", name="ck_alert_feedback_rating"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False)
    rating: Mapped[str] = mapped_column(String(8), nullable=False)  # good | bad
    note: Mapped[str | None] = mapped_column(Text)
    rated_by: Mapped[str] = mapped_column(String(200), nullable=False, server_default=text("current_user"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


Index("ix_alert_feedback_alert_id", AlertFeedback.alert_id, AlertFeedback.created_at)


# --- producers: feed registry, seen-state, story index (0003_feeds) -----------------


class Feed(Base):
    """One polled source: an HTTP(S) feed, or a watched drop directory (url `dir:/path`).

    last_status: new | ok | not_modified | bozo | error. `etag`/`last_modified` advance
    only once every item of the response they came with is acknowledged by the broker.
    """

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, server_default="http")
    origin: Mapped[str] = mapped_column(String(8), nullable=False, server_default="cli")  # file | cli
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("true"))
    # An operator's hold (0007): kept across restarts, unlike `enabled`, which the feeds file sets.
    paused: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    interval_seconds: Mapped[float] = mapped_column(Float, nullable=False, server_default="300")
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="new")
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    bozo_reason: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_poll_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consecutive_failures: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    items_fetched: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    items_published: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    items_dropped: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    errors_total: Mapped[int] = mapped_column(BigInteger, nullable=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class FeedItem(Base):
    """Producer seen-state: the last version of each id the broker acknowledged."""

    __tablename__ = "feed_items"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    story_id: Mapped[str | None] = mapped_column(String(200), index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    kafka_partition: Mapped[int | None] = mapped_column(Integer)
    kafka_offset: Mapped[int | None] = mapped_column(BigInteger)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class FeedStoryBand(Base):
    """LSH index: one row per (MinHash band key, item). Items sharing a key are candidates."""

    __tablename__ = "feed_story_bands"

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class FeedFile(Base):
    """A file seen in a watched directory: path + size + mtime + content hash, once published."""

    __tablename__ = "feed_files"

    path: Mapped[str] = mapped_column(Text, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    mtime_ns: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), nullable=False)  # published | error
    error: Mapped[str | None] = mapped_column(Text)
    items: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class FeedOutbox(Base):
    """Items handed to the broker but not yet known to be acknowledged (the in-flight journal).

    Written before send, deleted in the transaction that marks the seen-state. After a
    crash the poller reads the items topic from `feed_offsets` to see which of these the
    broker already has, marks those, and re-sends only the rest.
    """

    __tablename__ = "feed_outbox"

    item_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(255), nullable=False)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    payload: Mapped[dict] = mapped_column(JSONB, nullable=False)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class FeedOffset(Base):
    """Per items-topic partition: every record before next_offset is reflected in feed_items."""

    __tablename__ = "feed_offsets"

    topic: Mapped[str] = mapped_column(String(255), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(BigInteger, nullable=False)


Index("ix_feeds_due", Feed.enabled, Feed.next_poll_at)


# --- the analyst console: accounts, sessions, topic versions (0007_console) ----------


class ConsoleUser(Base):
    """A console account. `password_hash` is an Argon2id PHC string; never the password."""

    __tablename__ = "console_users"
    __table_args__ = (CheckConstraint("role IN ('viewer', 'analyst')", name="ck_console_users_role"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # viewer | analyst
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ConsoleSession(Base):
    """A logged-in browser. Only the SHA-256 of the cookie token is stored, so a read of this
    table cannot be replayed as a login; removing a user ends their sessions (cascade)."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class TopicVersion(Base):
    """Every saved text of one topic (its YAML mapping), newest last: what `restore` returns to."""

    __tablename__ = "topic_versions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    topic_name: Mapped[str] = mapped_column(String(200), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)  # the topic's own `version:`
    text: Mapped[str] = mapped_column(Text, nullable=False)
    saved_by: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


Index("ix_topic_versions_topic", TopicVersion.topic_name, TopicVersion.id)
