"""The Alembic history: one head, so a stock `alembic upgrade head` works (no database)."""
from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from wirewatch.adapters.postgres_engine import MIGRATIONS


def scripts() -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def test_the_history_has_exactly_one_head():
    heads = scripts().get_heads()
    assert len(heads) == 1, (f"migration history has {len(heads)} heads {sorted(heads)}: add a merge "
                             "revision (alembic merge) or give the new migration the current head as down_revision")


def test_every_revision_leads_to_the_head_and_back_to_the_base():
    s = scripts()
    (head,) = s.get_heads()
    walked = {rev.revision for rev in s.walk_revisions("base", head)}
    assert walked == {rev.revision for rev in s.walk_revisions()}
    assert s.get_bases() == ["0001"]


def test_databases_at_either_old_branch_reach_the_single_head():
    """Databases upgraded to "heads" before the merge hold 0003_feeds and 0004_sql_surface."""
    s = scripts()
    (head,) = s.get_heads()
    for state in (("0003_feeds", "0004_sql_surface"), ("0003_feeds",), ("0004_sql_surface",)):
        ancestors = {rev.revision for rev in s.iterate_revisions(head, "base")}
        assert set(state) <= ancestors, state


def test_items_limits_column_follows_the_merge():
    rev = scripts().get_revision("0006_item_limits")
    assert rev.down_revision == "0005_merge_heads"
    assert set(scripts().get_revision("0005_merge_heads").down_revision) == {"0003_feeds", "0004_sql_surface"}


def test_the_console_tables_follow_item_limits():
    assert scripts().get_revision("0007_console").down_revision == "0006_item_limits"
