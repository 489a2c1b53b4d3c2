"""The store boundary against real PostgreSQL: field contents PostgreSQL refuses no longer
lose the item or its alert; backtest --since binds a timestamp; migrations upgrade old
databases to the single head."""
from __future__ import annotations

import dataclasses
import io
from contextlib import redirect_stdout
from datetime import datetime, timezone

from sqlalchemy import func, select, text

from consumers.pipeline import ProcessedItem, Record
from consumers.understanding.model import Analysis, Entity, Mention, Sentence
from schemas.messages import Alert as AlertMessage
from schemas.tables import Alert, Entity as EntityRow, Item
from tests.integration.helpers import alerts, count, drain, items, publish_items
from tests.integration.test_pipeline import reference_item
from wirewatch.adapters.postgres_engine import current_revision, drop_schema, make_engine, upgrade

FLAGSHIP = "arrests-of-opposition-leaders"
LONG_NAME = "Kem" + "\u0301" * 50_000 + " Sokha"  # 50k combining acute accents inside a name


def test_nul_in_headline_and_body_keeps_the_story_and_its_alert(app):
    story = reference_item()
    hostile = dataclasses.replace(story, headline=story.headline + "\x00", body=story.body + "\n\x00 trailer\x00")
    assert publish_items(app, [hostile]) == 1
    stats = drain(app)
    assert stats.stored == 1 and stats.dead_lettered == 0
    (row,) = items(app)
    assert "\x00" not in row["headline"] and "\x00" not in row["body"]
    assert row["body"].endswith(" trailer")
    assert "headline: NUL character(s) removed" in row["limits"]
    assert "body: NUL character(s) removed" in row["limits"]
    assert [a["target"] for a in alerts(app)] == ["Kem Sokha"]


def _processed(item_id: str, offset: int) -> ProcessedItem:
    headline = "Police arrest opposition leader"
    body = f"PHNOM PENH - Police arrested {LONG_NAME} and Sam\x00 Rainsy on Sunday."
    text_ = headline + "\n\n" + body
    start = text_.index("Kem")
    long_mention = Mention(start, start + len(LONG_NAME), LONG_NAME, "PERSON", LONG_NAME)
    nul_mention = Mention(text_.index("Sam"), text_.index("Sam") + 10, "Sam\x00 Rainsy", "PERSON", "Sam\x00 Rainsy")
    entities = (Entity(LONG_NAME, "PERSON", (long_mention,), start, (LONG_NAME[:10] + "\x00",)),
                Entity("Sam\x00 Rainsy", "PERSON", (nul_mention,), nul_mention.start))
    analysis = Analysis(text=text_, headline_end=len(headline), dateline="PHNOM PENH",
                        sentences=(Sentence(0, 0, len(text_), text_),), mentions=(long_mention, nul_mention),
                        entities=entities, events=(), extractor_version="test")
    # The analysis caps (Analysis.limits, consumers/understanding) are stored with the store's notes;
    # set directly so this test does not depend on that field's default.
    object.__setattr__(analysis, "limits", ("analysed the first 100000 of 250000 characters",))
    item = dataclasses.replace(reference_item(), id=item_id, headline=headline + "\x00", body=body)
    alert = AlertMessage(
        alert_key=("%064x" % offset), topic=FLAGSHIP, topic_version=1, item_id=item_id,
        evidence=f"Police arrested {LONG_NAME}\x00.", rule="test rule\x00",
        explanation={"why": "arrest\x00", "hits": [{"text": "arrest\x00ed"}], "event": {"place": "Phnom Penh"}},
        created_at=datetime.now(timezone.utc).isoformat(), target=LONG_NAME, target_role="opposition",
        event="arrest", action="arrest", place="Phnom\x00 Penh", source_topic="t", source_partition=0,
        source_offset=offset)
    return ProcessedItem(item, Record("t", 0, offset, None, None), analysis, [alert])


def test_nul_and_a_50k_character_entity_name_are_stored_with_their_alert_and_replays_dedupe(app):
    store = app.store
    store.save_topics([{"name": FLAGSHIP, "title": "Arrests", "version": 1, "fingerprint": "f" * 64,
                        "definition": {}}])
    store.save_batch([_processed("hostile-1", 1)], "test")
    store.save_batch([_processed("hostile-1", 1)], "test")  # a replay: same names, same rows
    (row,) = items(app)
    assert "\x00" not in row["headline"]
    assert row["limits"][0] == "analysed the first 100000 of 250000 characters"
    assert "entity name: 50009 characters cut to 300" in row["limits"]
    assert "headline: NUL character(s) removed" in row["limits"]
    assert "entity name: NUL character(s) removed" in row["limits"]
    with app.engine.connect() as conn:
        names = sorted(conn.execute(select(EntityRow.canonical_name)).scalars())
        (alert,) = conn.execute(select(Alert)).all()
        mentions = conn.execute(text("SELECT mentions::text FROM item_entities")).scalars().all()
    assert len(names) == 2 and "Sam Rainsy" in names
    long_stored = next(n for n in names if n.startswith("Kem"))
    assert len(long_stored) == 300 and "\u2026[cut:" in long_stored
    assert len(alert.target) == 300 and alert.target == long_stored  # the same cut everywhere
    assert "\x00" not in alert.evidence and alert.place == "Phnom Penh"
    assert all("\\u0000" not in m for m in mentions)
    assert count(app, Alert) == 1
    # A second story about the same long name reuses the entity and the alert (same event).
    store.save_batch([_processed("hostile-2", 2)], "test")
    assert count(app, EntityRow) == 2 and count(app, Alert) == 1 and count(app, Item) == 2


def test_backtest_since_a_date_runs_against_postgresql(app):
    from wirewatch.cli import build_parser

    assert publish_items(app, [reference_item()]) == 1
    drain(app)
    for since in ("2020-01-01", "2020-01-01T00:00:00+07:00"):
        args = build_parser().parse_args(["backtest", "--topic", FLAGSHIP, "--since", since])
        out = io.StringIO()
        with redirect_stdout(out):
            assert args.func(args, app) == 0
        assert "1 match(es) would fire over 1 item(s)" in out.getvalue()
    args = build_parser().parse_args(["backtest", "--topic", FLAGSHIP, "--since", "2999-01-01"])
    with redirect_stdout(io.StringIO()) as out:
        assert args.func(args, app) == 0
    assert "over 0 item(s)" in out.getvalue()


def _head() -> str:
    """The migrations' single head (a new migration must not need this test edited)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from wirewatch.adapters.postgres_engine import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    (head,) = ScriptDirectory.from_config(cfg).get_heads()
    return head


def test_databases_upgraded_to_both_old_heads_reach_the_single_head(base_settings):
    from alembic import command
    from alembic.config import Config

    from wirewatch.adapters.postgres_engine import MIGRATIONS

    for state in (("0003_feeds", "0004_sql_surface"), ("0004_sql_surface",), ("0003_feeds",)):
        schema = "t_mig_" + "_".join(s[:4] for s in state)
        engine = make_engine(base_settings.database_url, schema)
        drop_schema(engine, schema)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            with engine.begin() as conn:  # what `wirewatch db upgrade` ("heads") left before the merge
                cfg.attributes.update(connection=conn, schema=schema)
                for revision in state:
                    command.upgrade(cfg, revision)
            assert current_revision(engine) == ", ".join(sorted(state))
            upgrade(engine, schema)
            assert current_revision(engine) == _head()
            with engine.connect() as conn:
                assert conn.execute(select(func.count()).select_from(Item)).scalar_one() == 0
                assert conn.execute(text("SELECT count(*) FROM feeds")).scalar_one() == 0
                assert conn.execute(text("SELECT count(*) FROM alerts_v")).scalar_one() == 0
        finally:
            drop_schema(engine, schema)
            engine.dispose()


def test_a_stock_alembic_upgrade_head_works(base_settings, monkeypatch):
    from alembic import command
    from alembic.config import Config

    from wirewatch.adapters.postgres_engine import MIGRATIONS
    from wirewatch.settings import get_settings

    schema = "t_mig_stock"
    monkeypatch.setenv("WIREWATCH_DB_SCHEMA", schema)
    get_settings.cache_clear()
    engine = make_engine(base_settings.database_url, schema)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        command.upgrade(cfg, "head")  # no connection handed over: env.py connects from the settings
        assert current_revision(engine) == _head()
    finally:
        get_settings.cache_clear()
        drop_schema(engine, schema)
        engine.dispose()
