"""Items, entities, mentions, topics and alerts.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("feed", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("guid", sa.Text),
        sa.Column("headline", sa.Text, nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("language", sa.String(35)),
        sa.Column("dateline_place", sa.String(200)),
        sa.Column("published_at", TS),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("story_id", sa.String(200)),
        sa.Column("extractor_version", sa.String(64)),
        sa.Column("kafka_topic", sa.String(255)),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("stored_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_items_story_id", "items", ["story_id"])
    op.create_table(
        "entities",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("canonical_name", sa.String(300), nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("first_seen_at", TS, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("canonical_name", "label", name="uq_entities_name_label"),
    )
    op.create_table(
        "item_entities",
        sa.Column("item_id", sa.String(200), sa.ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("entity_id", sa.BigInteger, sa.ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.Column("first_position", sa.Integer, nullable=False),
        sa.Column("mentions", JSONB, nullable=False),
        sa.Column("aliases", JSONB, nullable=False, server_default="[]"),
    )
    op.create_index("ix_item_entities_entity_id", "item_entities", ["entity_id"])
    op.create_table(
        "topics",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("definition", JSONB, nullable=False),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("alert_key", sa.String(64), nullable=False, unique=True),
        sa.Column("topic_name", sa.String(200), sa.ForeignKey("topics.name", ondelete="RESTRICT"), nullable=False),
        sa.Column("topic_version", sa.Integer, nullable=False),
        sa.Column("item_id", sa.String(200), sa.ForeignKey("items.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("target", sa.String(300)),
        sa.Column("target_role", sa.String(64)),
        sa.Column("event", sa.String(64)),
        sa.Column("action", sa.String(64)),
        sa.Column("place", sa.String(200)),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("evidence_start", sa.Integer),
        sa.Column("evidence_end", sa.Integer),
        sa.Column("score", sa.Float),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("explanation", JSONB, nullable=False),
        sa.Column("extractor_version", sa.String(64)),
        sa.Column("kafka_topic", sa.String(255)),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_alerts_topic_name", "alerts", ["topic_name"])
    op.create_index("ix_alerts_item_id", "alerts", ["item_id"])
    op.create_index("ix_alerts_target", "alerts", ["target"])
    op.create_index("ix_alerts_created_at", "alerts", ["created_at"])


def downgrade() -> None:
    for table in ("alerts", "topics", "item_entities", "entities", "items"):
        op.drop_table(table)
