"""Alembic environment: runs on the connection wirewatch hands it (see wirewatch.database)."""
from alembic import context

from schemas.tables import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `wirewatch db upgrade`, which supplies the connection")

schema = config.attributes.get("schema", "public")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table_schema=schema,
)
with context.begin_transaction():
    context.run_migrations()
