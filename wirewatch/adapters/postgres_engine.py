"""Database wiring: engines bound to a schema, and Alembic migrations."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parents[2] / "schemas" / "migrations"
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_schema_name(schema: str) -> str:
    if not _IDENT.match(schema):
        raise ValueError(f"invalid schema name {schema!r}: use lower-case letters, digits and _")
    return schema


def make_engine(url: str, schema: str = "public", **kwargs) -> Engine:
    """An engine whose connections use `schema` first on their search_path."""
    check_schema_name(schema)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _set_search_path(dbapi_conn, _record):
        with dbapi_conn.cursor() as cur:
            cur.execute(f'SET search_path TO "{schema}", public')
        dbapi_conn.commit()

    return engine


def upgrade(engine: Engine, schema: str = "public", revision: str = "head") -> None:
    """Create the schema if needed and run the migrations up to `revision` (one head: see
    tests/unit/test_migrations.py)."""
    from alembic import command
    from alembic.config import Config

    check_schema_name(schema)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        cfg.attributes["schema"] = schema
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The applied revision (several, comma-separated, only mid-way through a merge)."""
    with engine.connect() as conn:
        try:
            heads = conn.execute(text("SELECT version_num FROM alembic_version ORDER BY 1")).scalars().all()
        except Exception:
            return None
    return ", ".join(heads) or None


def probe(engine: Engine) -> str | None:
    """Connect and read the applied revision; raises when the database is unreachable or unmigrated."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def drop_schema(engine: Engine, schema: str) -> None:
    check_schema_name(schema)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
