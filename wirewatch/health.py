"""`wirewatch check`: can we reach Kafka and PostgreSQL, and is the schema migrated?"""
from __future__ import annotations

from kafka import KafkaAdminClient
from sqlalchemy import text


def check(app) -> tuple[bool, list[str]]:
    ok, lines = True, []
    try:
        with app.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        lines.append(f"postgres: ok (revision {revision})")
    except Exception as exc:
        ok = False
        lines.append(f"postgres: FAIL ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
    try:
        admin = KafkaAdminClient(bootstrap_servers=app.settings.kafka_bootstrap.split(","),
                                 request_timeout_ms=5000)
        topics = admin.list_topics()
        admin.close()
        missing = [t for t in app.names.all() if t not in topics]
        lines.append("kafka: ok" + (f" (topics not created yet: {', '.join(missing)})" if missing else ""))
    except Exception as exc:
        ok = False
        lines.append(f"kafka: FAIL ({type(exc).__name__}: {exc})")
    return ok, lines
