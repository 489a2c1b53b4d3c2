"""The analyst console: accounts, browser sessions, topic versions, and indexes for its filters.

- console_users: username, Argon2id hash, role viewer | analyst.
- console_sessions: SHA-256 of the session cookie's token, CSRF token, expiry.
- topic_versions: every saved YAML text of a topic, for history and restore.
- feeds.paused: an operator's hold on a feed (`feeds pause`), which restarts keep.
- Indexes on alerts.country and on (created_at, id) for the inbox's filter and its pages;
  the others it uses (topic_name, target, alert_feedback.alert_id) exist already.

None of these is granted to wirewatch_reader: accounts and sessions are not analyst data.

Revision ID: 0007_console
Revises: 0006_item_limits
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_console"
down_revision = "0006_item_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("role IN ('viewer', 'analyst')", name="ck_console_users_role"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.BigInteger, sa.ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_index("ix_console_sessions_expires_at", "console_sessions", ["expires_at"])
    op.create_table(
        "topic_versions",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("topic_name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_topic_versions_topic", "topic_versions", ["topic_name", "id"])
    op.add_column("feeds", sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.text("false")))
    op.create_index("ix_alerts_country", "alerts", ["country"])
    op.create_index("ix_alerts_created_id", "alerts", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_created_id", "alerts")
    op.drop_index("ix_alerts_country", "alerts")
    op.drop_column("feeds", "paused")
    op.drop_table("topic_versions")
    op.drop_table("console_sessions")
    op.drop_table("console_users")
