"""Retention without a database: the duration parser, the setting, the daily scheduler."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from wirewatch.adapters import postgres_retention as retention
from wirewatch.adapters.postgres_retention import (
    DailyPrune,
    parse_duration,
    retention_setting,
    start_daily_prune,
    summary,
)


@pytest.mark.parametrize("value, expected", [
    ("90d", timedelta(days=90)),
    ("12h", timedelta(hours=12)),
    ("4w", timedelta(weeks=4)),
    ("30m", timedelta(minutes=30)),
    ("45s", timedelta(seconds=45)),
    (" 1w2d ", timedelta(days=9)),
    ("1d 12h", timedelta(hours=36)),
    ("90D", timedelta(days=90)),
])
def test_parse_duration(value, expected):
    assert parse_duration(value) == expected


@pytest.mark.parametrize("value", ["", "90", "d", "90 days", "-1d", "0d", "1.5d", "90y", "1d-", None])
def test_parse_duration_rejects_bad_values(value):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


@pytest.mark.parametrize("value", ["", "  ", "off", "none", "0", None])
def test_empty_setting_means_off(value):
    assert retention_setting(value) is None


def test_setting_is_a_duration():
    assert retention_setting("90d") == timedelta(days=90)
    with pytest.raises(ValueError):
        retention_setting("ninety days")


def test_daemon_hook_is_off_without_the_setting():
    stop = threading.Event()
    assert start_daily_prune("engine", "", stop) is None
    assert start_daily_prune("engine", None, stop) is None


def test_daily_prune_runs_at_start_then_once_per_period_and_survives_errors(monkeypatch):
    calls = []

    def fake_prune(engine, older_than, dry_run=False):
        calls.append((engine, older_than))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        if len(calls) >= 3:
            stop.set()
        return {"cutoff": "c", "dry_run": False, "items": 1, "bodies": 1, "mentions": 2,
                "alerts_kept": 3, "evidence_kept": 4}

    monkeypatch.setattr(retention, "prune", fake_prune)
    stop = threading.Event()
    pruner = DailyPrune("engine", timedelta(days=90), every=timedelta(milliseconds=10))
    thread = threading.Thread(target=pruner.run, args=(stop,))
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
    assert calls == [("engine", timedelta(days=90))] * 3
    assert pruner.runs == 3 and pruner.last["mentions"] == 2


def test_daemon_hook_starts_a_thread_that_stops_with_the_daemon(monkeypatch):
    calls = []
    monkeypatch.setattr(retention, "prune", lambda engine, older_than, dry_run=False: calls.append(older_than) or {
        "cutoff": "c", "dry_run": False, "items": 0, "bodies": 0, "mentions": 0, "alerts_kept": 0, "evidence_kept": 0})
    stop = threading.Event()
    thread = start_daily_prune("engine", "4w", stop)
    assert thread is not None and thread.daemon
    for _ in range(100):
        if calls:
            break
        stop.wait(0.02)
    stop.set()
    thread.join(5)
    assert calls == [timedelta(weeks=4)] and not thread.is_alive()


def test_summary_wording():
    counts = {"cutoff": "2026-08-30T00:00:00+00:00", "dry_run": True, "items": 2, "bodies": 2, "mentions": 17,
              "alerts_kept": 1, "evidence_kept": 3}
    assert summary(counts) == ("items received before 2026-08-30T00:00:00+00:00: would clear 2 bodies and 17 "
                               "mentions in 2 items; kept 1 alerts and 3 evidence rows")
