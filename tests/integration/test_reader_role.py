"""Issue 7: wirewatch_reader reads the views and the documented tables, and nothing else.

Each test logs in through a LOGIN role of its own (reader_<tag>) that is only a member of
wirewatch_reader, and drops it afterwards. The rows are inserted directly: what is tested
is the role, not the pipeline.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade

VIEWS = ("alerts_v", "entity_mentions_daily_v", "topic_stats_v")
TABLES = ("items", "entities", "item_entities", "topics", "alerts", "alert_items", "alert_feedback")
INSUFFICIENT_PRIVILEGE = "42501"
NOT_UPDATABLE = "55000"  # a join view refuses writes before privileges are even checked

SEED = """
INSERT INTO topics (name, title, version, fingerprint, definition)
    VALUES ('t', 'A topic', 1, 'f', '{}');
INSERT INTO items (id, version, source, headline, body, received_at, content_hash)
    VALUES ('i1', 1, 'test', 'Opposition leader arrested', 'Police arrested the opposition leader.', now(), 'h');
INSERT INTO entities (canonical_name, label) VALUES ('Kem Sokha', 'PERSON');
INSERT INTO item_entities (item_id, entity_id, mention_count, first_position, mentions)
    SELECT 'i1', id, 1, 0, '[]' FROM entities;
INSERT INTO alerts (event_key, alert_key, topic_name, topic_version, item_id, target, target_role, event,
                    evidence, rule, explanation, first_seen_at, last_seen_at)
    VALUES ('e1', 'k1', 't', 1, 'i1', 'Kem Sokha', 'opposition', 'arrest', 'Police arrested him.', 'r', '{}',
            now(), now());
INSERT INTO alert_items (alert_id, item_id, alert_key, evidence, source)
    SELECT id, 'i1', 'k1', 'Police arrested him.', 'test' FROM alerts;
INSERT INTO alert_feedback (alert_id, rating) SELECT id, 'good' FROM alerts;
INSERT INTO deliveries (idempotency_key, alert_id, recipient, rule)
    SELECT 'd1', id, 'a@example.org', 'desk' FROM alerts;
"""


@pytest.fixture
def reader(settings):
    """An engine logged in as a fresh LOGIN role whose only privilege is wirewatch_reader."""
    owner = make_engine(settings.database_url, settings.db_schema)
    tag = uuid.uuid4().hex[:10]
    role, password = f"reader_{tag}", f"pw-{tag}"
    with owner.begin() as conn:
        for statement in SEED.strip().split(";\n"):
            conn.execute(text(statement))
        conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
        conn.execute(text(f"GRANT wirewatch_reader TO {role}"))
    url = settings.database_url.replace("://wirewatch:wirewatch@", f"://{role}:{password}@")
    assert role in url
    engine = make_engine(url, settings.db_schema)
    yield engine
    engine.dispose()
    with owner.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
    owner.dispose()


def refused(engine, sql: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    except DBAPIError as exc:
        expected = {INSUFFICIENT_PRIVILEGE, NOT_UPDATABLE} if "_v " in sql + " " else {INSUFFICIENT_PRIVILEGE}
        assert getattr(exc.orig, "sqlstate", None) in expected, exc
        return True
    return False


def test_reader_reads_the_views_and_the_documented_tables(reader):
    with reader.connect() as conn:
        assert conn.execute(text("SELECT current_user")).scalar_one().startswith("reader_")
        for name in VIEWS + TABLES:
            assert conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() >= 1, name
        row = conn.execute(text("SELECT person, person_role, event_type, latest_rating FROM alerts_v")).one()
        assert tuple(row) == ("Kem Sokha", "opposition", "arrest", "good")
        # Search works for the reader too (pg_trgm in public, the tsvector column).
        assert conn.execute(text("SELECT count(*) FROM entities WHERE canonical_name % 'Kem Sokhar'")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM items WHERE search_vector @@ "
                                 "to_tsquery('english', 'arrest & opposition')")).scalar_one() == 1


@pytest.mark.parametrize("sql", [
    "INSERT INTO alert_feedback (alert_id, rating) SELECT id, 'bad' FROM alerts",
    "INSERT INTO items (id, version, source, headline, received_at, content_hash) "
    "VALUES ('x', 1, 's', 'h', now(), 'c')",
    "UPDATE alerts SET muted_at = now()",
    "UPDATE items SET body = NULL",
    "UPDATE alerts_v SET person = 'someone else'",
    "DELETE FROM alert_items",
    "DELETE FROM alerts_v",
    "DELETE FROM entities",
    "TRUNCATE item_entities",
    "CREATE TABLE mine (x int)",
    "CREATE VIEW mine_v AS SELECT 1 AS x",
    "SELECT nextval('alerts_id_seq')",
])
def test_reader_may_not_write(reader, sql):
    assert refused(reader, sql), sql


def test_reader_holds_no_write_privilege_anywhere(reader):
    with reader.connect() as conn:
        for name in VIEWS + TABLES + ("deliveries", "alembic_version"):
            for privilege in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"):
                assert not conn.execute(text("SELECT has_table_privilege(current_user, :t, :p)"),
                                        {"t": name, "p": privilege}).scalar_one(), (name, privilege)


@pytest.mark.parametrize("table", ["deliveries", "alembic_version"])
def test_reader_may_not_read_outside_the_documented_set(reader, table):
    assert refused(reader, f"SELECT * FROM {table}")


def test_grants_are_exactly_select_on_the_documented_set(settings):
    engine = make_engine(settings.database_url, settings.db_schema)
    with engine.connect() as conn:
        grants = conn.execute(text(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = 'wirewatch_reader' AND table_schema = current_schema()")).all()
        role = conn.execute(text("SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolinherit "
                                 "FROM pg_roles WHERE rolname = 'wirewatch_reader'")).one()
        schema_usage = conn.execute(text(
            "SELECT has_schema_privilege('wirewatch_reader', current_schema(), 'USAGE'), "
            "has_schema_privilege('wirewatch_reader', current_schema(), 'CREATE')")).one()
    engine.dispose()
    assert sorted(grants) == sorted((name, "SELECT") for name in VIEWS + TABLES)
    assert tuple(role) == (False, False, False, False, True)  # NOLOGIN, no other powers
    assert tuple(schema_usage) == (True, False)


def test_migration_is_safe_in_many_schemas(settings):
    """The role is cluster-wide and exists already; another schema gets its own grants."""
    other = f"t_{uuid.uuid4().hex[:10]}"
    engine = make_engine(settings.database_url, other)
    try:
        upgrade(engine, other)
        upgrade(engine, other)  # and again: a no-op
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM information_schema.role_table_grants "
                                  "WHERE grantee = 'wirewatch_reader' AND table_schema = :s"),
                             {"s": other}).scalar_one()
        assert n == len(VIEWS + TABLES)
    finally:
        drop_schema(engine, other)
        engine.dispose()
