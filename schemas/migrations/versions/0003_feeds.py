"""Producers: feed registry and state (feeds), seen-state (feed_items), the story LSH index
(feed_story_bands), watched-directory files (feed_files), the in-flight journal
(feed_outbox) and the items-topic checkpoints (feed_offsets).

A branch from 0002 beside 0004_sql_surface; 0005_merge_heads joins them into one head.

Revision ID: 0003_feeds
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_feeds"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text),
        sa.Column("kind", sa.String(8), nullable=False, server_default="http"),
        sa.Column("origin", sa.String(8), nullable=False, server_default="cli"),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("interval_seconds", sa.Float, nullable=False, server_default="300"),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_status", sa.String(16), nullable=False, server_default="new"),
        sa.Column("last_http_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("bozo_reason", sa.Text),
        sa.Column("last_polled_at", TS),
        sa.Column("last_success_at", TS),
        sa.Column("next_poll_at", TS),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("items_fetched", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("items_published", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("items_dropped", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("errors_total", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_feeds_due", "feeds", ["enabled", "next_poll_at"])

    op.create_table(
        "feed_items",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("story_id", sa.String(200)),
        sa.Column("feed_id", sa.BigInteger, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
        sa.Column("first_seen_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", TS, nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_feed_items_story_id", "feed_items", ["story_id"])

    op.create_table(
        "feed_story_bands",
        sa.Column("band_key", sa.BigInteger, primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("story_id", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )

    op.create_table(
        "feed_files",
        sa.Column("path", sa.Text, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("mtime_ns", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("feed_id", sa.BigInteger, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("items", sa.Integer, nullable=False, server_default="0"),
        sa.Column("recorded_at", TS, nullable=False, server_default=sa.func.now()),
    )

    op.create_table(
        "feed_outbox",
        sa.Column("item_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("feed_id", sa.BigInteger, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("minhash", sa.LargeBinary),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
    )

    op.create_table(
        "feed_offsets",
        sa.Column("topic", sa.String(255), primary_key=True),
        sa.Column("partition", sa.Integer, primary_key=True),
        sa.Column("next_offset", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("feed_offsets", "feed_outbox", "feed_files", "feed_story_bands", "feed_items", "feeds"):
        op.drop_table(table)
