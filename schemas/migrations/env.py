"""Alembic environment: runs on the connection wirewatch hands it (see wirewatch.adapters.postgres_engine).

Run by a stock `alembic upgrade head` (script_location = schemas/migrations), it connects
itself with the WIREWATCH_* settings (database URL and schema), the same way.
"""
from alembic import context

from schemas.tables import Base

config = context.config


def _run(connection, schema: str) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, version_table_schema=schema)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection, config.attributes.get("schema", "public"))
else:
    from sqlalchemy import text

    from wirewatch.adapters.postgres_engine import make_engine
    from wirewatch.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url, settings.db_schema)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{settings.db_schema}"'))
        with engine.begin() as conn:
            _run(conn, settings.db_schema)
    finally:
        engine.dispose()
