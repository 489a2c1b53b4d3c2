"""Merge the two branches off 0002 (0003_feeds, 0004_sql_surface) into one head.

Both were created as siblings of 0002, which left the history with two heads: `wirewatch
db upgrade` ran to "heads" and coped, but a stock `alembic upgrade head` refused. A merge
revision (rather than re-parenting one branch on the other) keeps every existing
database valid: one upgraded through wirewatch has both branch rows in alembic_version
and moves to this single row; one at either branch alone gets the other branch first.
Nothing changes in the schema.

Revision ID: 0005_merge_heads
Revises: 0003_feeds, 0004_sql_surface
Create Date: 2026-12-01
"""

revision = "0005_merge_heads"
down_revision = ("0003_feeds", "0004_sql_surface")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
