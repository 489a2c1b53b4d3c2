"""A fresh topic prefix, consumer group and database schema for one bench phase; removed after."""
from __future__ import annotations

import contextlib
import logging
import uuid

log = logging.getLogger(__name__)


def scratch_settings(base, label: str):
    tag = uuid.uuid4().hex[:8]
    name = f"bench_{label}_{tag}"
    return base.model_copy(update={
        "topic_prefix": f"bench-{label}-{tag}",
        "consumer_group": f"bench-{label}-{tag}",
        "db_schema": name,
    })


@contextlib.contextmanager
def scratch(base, label: str, database: bool = True, kafka: bool = True, keep: bool = False):
    """Yield settings with a unique prefix/group/schema; upgrade the schema; clean up after."""
    from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade

    settings = scratch_settings(base, label)
    engine = None
    if database:
        engine = make_engine(settings.database_url, settings.db_schema)
        upgrade(engine, settings.db_schema)
    try:
        yield settings
    finally:
        if keep:
            log.info("kept %s / schema %s", settings.topic_prefix, settings.db_schema)
        else:
            if engine is not None:
                try:
                    drop_schema(engine, settings.db_schema)
                except Exception as exc:  # cleanup is best effort
                    log.warning("could not drop schema %s: %s", settings.db_schema, exc)
                engine.dispose()
            if kafka:
                delete_topics(settings)


def delete_topics(settings) -> None:
    from kafka import KafkaAdminClient

    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap.split(","), request_timeout_ms=10_000)
        try:
            mine = [t for t in admin.list_topics() if t.startswith(settings.topic_prefix + ".")]
            if mine:
                admin.delete_topics(mine)
        finally:
            admin.close()
    except Exception as exc:
        log.warning("could not delete topics %s.*: %s", settings.topic_prefix, exc)
