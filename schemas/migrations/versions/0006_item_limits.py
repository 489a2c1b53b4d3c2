"""items.limits: what was changed or capped on the way into the database.

A JSON list of short notes, e.g. "headline: 1 NUL character(s) removed" or
"entity name: 50012 characters cut to 300". The store sanitises values PostgreSQL would
reject (NUL bytes, lone surrogates, over-long names) instead of losing the whole item
and its alert; the analysis caps (characters analysed, ...) are recorded here too.

Revision ID: 0006_item_limits
Revises: 0005_merge_heads
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0006_item_limits"
down_revision = "0005_merge_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("items", sa.Column("limits", JSONB, nullable=False, server_default="[]"))
    op.execute("COMMENT ON COLUMN items.limits IS 'What was cut or cleaned on the way in (JSON list of "
               "notes): analysis caps, NUL characters removed, over-long names cut. Empty: nothing.'")


def downgrade() -> None:
    op.drop_column("items", "limits")
