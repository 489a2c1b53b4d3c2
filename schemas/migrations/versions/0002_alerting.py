"""Event-level alerts, their evidence (alert_items) and the email outbox (deliveries).

alerts gains event_key (unique: one alert per event) and the event-level columns;
alert_key stays (the opening story's message key) but is no longer unique. Existing
alerts are backfilled: event_key = alert_key, one alert_items row from their own story.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("alerts", sa.Column("event_key", sa.String(64)))
    for col in (
        sa.Column("target_key", sa.String(300)),
        sa.Column("country", sa.String(100)),
        sa.Column("window_start", sa.Date),
        sa.Column("stage", sa.String(64)),
        sa.Column("stage_rank", sa.Integer, nullable=False, server_default="0"),
        sa.Column("escalation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("escalation_reason", sa.Text),
        sa.Column("escalations", JSONB, nullable=False, server_default="[]"),
        sa.Column("evidence_count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("source_count", sa.Integer, nullable=False, server_default="1"),
        sa.Column("first_seen_at", TS),
        sa.Column("last_seen_at", TS),
        sa.Column("updated_at", TS, server_default=sa.func.now()),
        sa.Column("acked_at", TS),
        sa.Column("muted_at", TS),
    ):
        op.add_column("alerts", col)
    op.execute("UPDATE alerts SET event_key = alert_key, target_key = lower(target), "
                "first_seen_at = created_at, last_seen_at = created_at")
    op.alter_column("alerts", "event_key", nullable=False)
    op.create_unique_constraint("uq_alerts_event_key", "alerts", ["event_key"])
    op.drop_constraint("alerts_alert_key_key", "alerts", type_="unique")
    op.create_index("ix_alerts_alert_key", "alerts", ["alert_key"])
    op.create_index("ix_alerts_identity", "alerts", ["topic_name", "target_key", "event", "window_start"])

    op.create_table(
        "alert_items",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.BigInteger, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item_id", sa.String(200), sa.ForeignKey("items.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("alert_key", sa.String(64), nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer),
        sa.Column("evidence_end", sa.Integer),
        sa.Column("terms", JSONB, nullable=False, server_default="[]"),
        sa.Column("action", sa.String(64)),
        sa.Column("stage", sa.String(64)),
        sa.Column("stage_rank", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("country", sa.String(100)),
        sa.Column("published_at", TS),
        sa.Column("kafka_topic", sa.String(255)),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("alert_id", "item_id", name="uq_alert_items_alert_item"),
    )
    op.create_index("ix_alert_items_item_id", "alert_items", ["item_id"])
    op.execute(
        "INSERT INTO alert_items (alert_id, item_id, alert_key, evidence, evidence_start, evidence_end, "
        "action, source, url, published_at, kafka_topic, kafka_partition, kafka_offset) "
        "SELECT a.id, a.item_id, a.alert_key, a.evidence, a.evidence_start, a.evidence_end, a.action, "
        "COALESCE(lower(regexp_replace(substring(i.url from '//([^/?#]+)'), '^www[.]|[:][0-9]+$', '', 'g')), "
        "i.source), i.url, "
        "COALESCE(i.published_at, i.received_at), "
        "a.kafka_topic, a.kafka_partition, a.kafka_offset FROM alerts a JOIN items i ON i.id = a.item_id"
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("alert_id", sa.BigInteger, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("escalation", sa.Integer, nullable=False, server_default="0"),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("planned_at", TS),
        sa.Column("plan", sa.Text),
        sa.Column("digest_slot", TS),
        sa.Column("batch_key", sa.String(64)),
        sa.Column("message_id", sa.String(300)),
        sa.Column("claimed_at", TS),
        sa.Column("sent_at", TS),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_deliveries_alert_id", "deliveries", ["alert_id"])
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.create_index("ix_deliveries_recipient_claimed", "deliveries", ["recipient", "claimed_at"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("alert_items")
    op.drop_index("ix_alerts_identity", "alerts")
    op.drop_index("ix_alerts_alert_key", "alerts")
    op.create_unique_constraint("alerts_alert_key_key", "alerts", ["alert_key"])
    op.drop_constraint("uq_alerts_event_key", "alerts", type_="unique")
    for col in ("event_key", "target_key", "country", "window_start", "stage", "stage_rank", "escalation",
                "escalation_reason", "escalations", "evidence_count", "source_count", "first_seen_at",
                "last_seen_at", "updated_at", "acked_at", "muted_at"):
        op.drop_column("alerts", col)
