"""End-to-end: the real `wirewatch` processes against the real broker and database, with faults.

Each test gets its own topic prefix, consumer group and database schema, passed to the
child processes through WIREWATCH_* variables.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from producers.reuters_text import parse_story
from schemas.tables import Alert, Item
from wirewatch.bootstrap import App
from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade
from wirewatch.settings import Settings

from tests.conftest import ARTICLES, ROOT, SEED
from tests.integration.conftest import _service_error

WIREWATCH = [sys.executable, "-m", "wirewatch.cli"]


def pytest_collection_modifyitems(items):
    for item in items:  # spaCy on 2 cores: thousands of stories take minutes, not seconds
        item.add_marker(pytest.mark.timeout(1800))


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    settings = Settings()
    error = _service_error(settings)
    if error:
        pytest.fail(f"{error}. Start the stack with `make stack`.", pytrace=False)
    return settings


class Env:
    """One isolated deployment: settings, env for child processes, DB helpers."""

    def __init__(self, settings: Settings, tmp_path: Path) -> None:
        self.settings = settings
        self.app = App(settings)
        self.tmp = tmp_path
        self.procs: list[subprocess.Popen] = []
        self.env = dict(os.environ)
        self.env.update({
            "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "WIREWATCH_CONSUMER_GROUP": settings.consumer_group,
            "WIREWATCH_DB_SCHEMA": settings.db_schema,
            "WIREWATCH_LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        })

    def spawn(self, *args: str, name: str = "proc", extra_env: dict | None = None) -> subprocess.Popen:
        log = open(self.tmp / f"{name}-{len(self.procs)}.log", "w")
        proc = subprocess.Popen(WIREWATCH + list(args), cwd=ROOT, env={**self.env, **(extra_env or {})},
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = log.name
        self.procs.append(proc)
        return proc

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(WIREWATCH + list(args), cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def scalar(self, sql: str):
        with self.app.engine.connect() as conn:
            return conn.execute(text(sql)).scalar()

    def stored(self) -> int:
        while True:
            try:
                with self.app.engine.connect() as conn:
                    return conn.execute(select(func.count()).select_from(Item)).scalar_one()
            except OperationalError:
                time.sleep(1)  # the database may be down on purpose

    def alerts(self) -> list[dict]:
        with self.app.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(Alert))]

    def wait_for(self, predicate, timeout: float, what: str, interval: float = 0.5) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(interval)
        logs = "\n".join(f"--- {p.log_path}\n" + Path(p.log_path).read_text()[-3000:] for p in self.procs)
        pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@pytest.fixture
def env(base_settings, tmp_path):
    tag = uuid.uuid4().hex[:10]
    settings = base_settings.model_copy(update={
        "topic_prefix": f"e2e-{tag}", "consumer_group": f"e2e-{tag}", "db_schema": f"e2e_{tag}",
    })
    engine = make_engine(settings.database_url, settings.db_schema)
    upgrade(engine, settings.db_schema)
    engine.dispose()
    e = Env(settings, tmp_path)
    yield e
    e.stop_all()
    e.app.engine.dispose()
    for _ in range(30):  # the database may still be coming back from a fault test
        try:
            cleanup = make_engine(settings.database_url)
            drop_schema(cleanup, settings.db_schema)
            cleanup.dispose()
            break
        except Exception:
            time.sleep(1)


def reuters_stories(n: int, offset: int = 0) -> list:
    """n distinct real stories from the Reuters corpus, as WireItems (read in place, not copied)."""
    stories, seen = [], set()
    with open(ARTICLES, encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            if index < offset:
                continue
            article = json.loads(line)
            if not (article.get("body") or "").strip():
                continue
            item = parse_story(f"{article['title']}\n{article['body']}", f"reuters:{article['id']}")
            if getattr(item, "id", None) and item.id not in seen:
                seen.add(item.id)
                stories.append(item)
            if len(stories) == n:
                break
    return stories


def reference_story():
    return parse_story(SEED.read_text(encoding="utf-8"), str(SEED))
