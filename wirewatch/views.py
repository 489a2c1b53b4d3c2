"""Read-side queries the CLI prints."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from schemas.tables import Alert, Item, Topic


def latest_alerts(engine: Engine, topic: str | None = None, limit: int = 20) -> list[dict]:
    stmt = (
        select(Alert.id, Alert.topic_name.label("topic"), Topic.title.label("topic_title"),
               Alert.topic_version, Alert.target, Alert.target_role, Alert.event, Alert.action,
               Alert.place, Alert.evidence, Alert.rule, Alert.score, Alert.explanation,
               Alert.item_id, Item.headline, Item.url, Alert.created_at,
               Alert.kafka_topic, Alert.kafka_partition, Alert.kafka_offset)
        .join(Topic, Topic.name == Alert.topic_name)
        .join(Item, Item.id == Alert.item_id)
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    if topic:
        stmt = stmt.where(Alert.topic_name == topic)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(stmt)]
