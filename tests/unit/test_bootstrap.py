"""The composition root: parts can be replaced by fakes, and what it built is closed once."""
from __future__ import annotations

import pytest

from wirewatch.bootstrap import REPLACEABLE, bootstrap
from wirewatch.settings import Settings


class FakeEngine:
    disposed = 0

    def dispose(self) -> None:
        self.disposed += 1


class FakeMailer:
    def __init__(self) -> None:
        self.sent = []

    def send(self, message, sender, recipients) -> None:
        self.sent.append((message, sender, recipients))


def test_supplied_parts_are_used_and_left_open(tmp_path):
    engine, mailer = FakeEngine(), FakeMailer()
    with bootstrap(Settings(heartbeat_dir=tmp_path), engine=engine, mailer=mailer) as app:
        assert app.engine is engine
        notifier = app.notifier()
        assert notifier.mailer is mailer
    assert engine.disposed == 0  # the caller's, not the App's, to close


def test_what_the_app_built_is_disposed_on_exit(monkeypatch, tmp_path):
    from wirewatch.adapters import postgres_engine

    built = FakeEngine()
    monkeypatch.setattr(postgres_engine, "make_engine", lambda url, schema: built)
    with bootstrap(Settings(heartbeat_dir=tmp_path)) as app:
        assert app.engine is built
        assert app.store.engine is built  # built on that engine
    assert built.disposed == 1
    assert "store" not in app.__dict__


def test_an_unknown_part_is_refused_with_the_list_of_known_ones(tmp_path):
    with pytest.raises(TypeError) as refused:
        bootstrap(Settings(heartbeat_dir=tmp_path), database=object())
    assert "database" in str(refused.value) and all(name in str(refused.value) for name in REPLACEABLE)
