"""Real Kafka, PostgreSQL and SMTP: each test gets its own topics, group and schema.

Services come from `wirewatch stack up` (make test starts them). If they are not
reachable the tests FAIL, never skip: a green run must mean the real parts were used.
"""
from __future__ import annotations

import threading
import uuid

import pytest
from kafka import KafkaAdminClient
from sqlalchemy import text

from wirewatch.bootstrap import App
from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade
from wirewatch.settings import Settings


def _service_error(settings: Settings) -> str | None:
    try:
        engine = make_engine(settings.database_url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {settings.database_url.split('@')[-1]} is not reachable ({exc.__class__.__name__})"
    try:
        KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap.split(","), request_timeout_ms=5000).close()
    except Exception as exc:
        return f"Kafka at {settings.kafka_bootstrap} is not reachable ({exc.__class__.__name__})"
    return None


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    settings = Settings()
    error = _service_error(settings)
    if error:
        pytest.fail(f"{error}. Start the stack with `make stack` (or `wirewatch stack up`).", pytrace=False)
    return settings


@pytest.fixture(scope="session")
def shared_analyzer(base_settings):
    from consumers.understanding.analyzer import Analyzer

    return Analyzer(watchlist=str(base_settings.watchlist_file))


@pytest.fixture
def settings(base_settings: Settings, request) -> Settings:
    """Unique topic prefix, consumer group and database schema for this test."""
    tag = uuid.uuid4().hex[:10]
    settings = base_settings.model_copy(update={
        "topic_prefix": f"test-{tag}",
        "consumer_group": f"test-{tag}",
        "db_schema": f"t_{tag}",
    })
    engine = make_engine(settings.database_url, settings.db_schema)
    upgrade(engine, settings.db_schema)
    yield settings
    drop_schema(engine, settings.db_schema)
    engine.dispose()
    try:
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap.split(","))
        admin.delete_topics([t for t in admin.list_topics() if t.startswith(settings.topic_prefix + ".")])
        admin.close()
    except Exception:
        pass  # topic cleanup is best effort; names are unique anyway


@pytest.fixture
def app(settings, shared_analyzer) -> App:
    with App(settings, analyzer=shared_analyzer) as app:  # spaCy loads once per session
        yield app


@pytest.fixture
def stop() -> threading.Event:
    return threading.Event()
