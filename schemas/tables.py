"""PostgreSQL tables (SQLAlchemy 2 models). Migrations in schemas/migrations create them.

Tables carry no schema name: the connection's search_path picks it, so each test can
run in a schema of its own.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
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
    (retry) | failed | uncertain. See wirewatch/notifier.py.
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
