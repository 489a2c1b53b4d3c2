"""Small helpers for integration tests: publish items, drain the items stage."""
from __future__ import annotations

import json
import re
import threading

from sqlalchemy import func, select

from producers.publisher import publish
from producers.reuters_text import parse_story
from schemas.tables import Alert, Item
from wirewatch.adapters import kafka_bus as bus

ARREST_WORDS = re.compile(r"arrest|detain|detention|jail|prison|custody|charg|indict|remand|sentenc|convict|police",
                          re.I)


def publish_items(app, items) -> int:
    bus.ensure_topics(app.settings, app.names)
    outbound = app.producer_bus()
    try:
        report = publish(outbound, app.names.items, items)
    finally:
        outbound.close()
    assert not report.failed, report.failed
    return report.acknowledged


def send_raw(app, values: list[bytes | None]) -> None:
    bus.ensure_topics(app.settings, app.names)
    outbound = app.producer_bus()
    try:
        futures = [outbound.send(app.names.items, b"raw", v) for v in values]
        outbound.flush(30)
        for f in futures:
            f.get(30)
    finally:
        outbound.close()


def drain(app, until_idle: float = 4.0, group: str | None = None):
    with app.items_worker(group=group) as worker:
        return worker.run(threading.Event(), until_idle=until_idle)


def count(app, table) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def alerts(app) -> list[dict]:
    with app.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(Alert))]


def items(app) -> list[dict]:
    with app.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(Item))]


def non_arrest_reuters(articles_path, n: int = 20):
    """The first n stories in the corpus that never mention arrests, jail or police."""
    chosen = []
    with open(articles_path, encoding="utf-8") as fh:
        for line in fh:
            article = json.loads(line)
            text = f"{article.get('title', '')}\n{article.get('body', '')}"
            if len(article.get("body") or "") < 400 or ARREST_WORDS.search(text):
                continue
            story = parse_story(f"{article['title']}\n{article['body']}", f"reuters:{article['id']}")
            chosen.append(story)
            if len(chosen) == n:
                break
    return chosen
