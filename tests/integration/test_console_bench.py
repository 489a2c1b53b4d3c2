"""Smoke test of the console page benchmark (bench/console_pages.py) on the real PostgreSQL.

Tiny sizes, two requests per page: it checks that the harness loads, serves, logs in, reaches
every page with HTTP 200 and cleans up. It asserts nothing about timings: speed is measured
by `wirewatch bench --console`, never by a timed test.
"""
from __future__ import annotations

import argparse
import json

from sqlalchemy import text

from bench import console_data, console_pages
from wirewatch.adapters.postgres_engine import make_engine

PAGES = ("/alerts", "/alerts?topic=", "/alerts?person=", "/alerts?rating=bad", "/alerts?before=",
         "/alerts/rows?after_id=", "/alerts/", "/topics", "/topics/arrests-of-opposition-leaders", "/feeds")


def test_every_console_page_answers_200_and_the_schema_is_dropped(base_settings, tmp_path, capsys):
    out = tmp_path / "console.json"
    assert console_pages.main(["--items", "500", "--alerts", "50", "--repeat", "2", "--warmup", "1",
                               "--json", str(out)]) == 0
    results = json.loads(out.read_text(encoding="utf-8"))

    paths = [p["path"] for p in results["pages"]]
    for prefix in PAGES:
        assert any(path.startswith(prefix) for path in paths), (prefix, paths)
    for page in results["pages"]:
        assert page["statuses"] == [200], page
        assert page["n"] == 2 and page["bytes"] > 0
        assert {"p50_ms", "p95_ms", "max_ms", "ratio_to_login_p50", "pass"} <= set(page)
    assert results["baseline"]["login"]["statuses"] == [200]
    assert results["baseline"]["inbox_query"]["n"] == 2
    sizes = results["sizes"]
    assert sizes["items"] == 500 and sizes["alerts"] == 50
    assert sizes["alert_items"] >= 50 and sizes["item_entities"] > 0 and sizes["feeds"] == console_data.FEEDS

    table = capsys.readouterr().out
    assert all(f"`{path}`" in table for path in paths)

    engine = make_engine(base_settings.database_url)
    try:
        with engine.connect() as conn:
            left = conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                                {"s": results["schema"]}).scalar_one()
    finally:
        engine.dispose()
    assert left == 0


def test_wirewatch_bench_help_names_the_console_section():
    from wirewatch.cli import bench as bench_cli

    parser = argparse.ArgumentParser()
    bench_cli.add_arguments(parser)
    assert "--console" in parser.format_help()
    assert parser.parse_args(["--console"]).console
