"""Read-side queries for the CLI and analysts (no writes here: see ``alert_actions``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from consumers.alerting.notifier import FAILED_STATES
from schemas.tables import Alert, Delivery, Item, Topic
from wirewatch.adapters.postgres_outbox import load_alert_views


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


@dataclass(frozen=True)
class AlertDetail:
    view: object        # consumers.alerting.render.AlertView: what the email shows
    row: Alert          # the stored alert (event key, escalations, ack/mute state)
    deliveries: list    # its Delivery rows, by escalation


def alert_detail(engine: Engine, alert_id: int) -> AlertDetail | None:
    with engine.connect() as conn:
        views = load_alert_views(conn, [alert_id])
        session = Session(bind=conn)
        row = session.scalars(select(Alert).where(Alert.id == alert_id)).one_or_none()
        deliveries = session.scalars(select(Delivery).where(Delivery.alert_id == alert_id)
                                     .order_by(Delivery.escalation, Delivery.id)).all()
    if row is None:
        return None
    return AlertDetail(views[alert_id], row, list(deliveries))


def deliveries(engine: Engine, limit: int, failed_only: bool = False) -> list[Delivery]:
    """The newest deliveries first; ``failed_only``: failed and uncertain ones."""
    stmt = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if failed_only:
        stmt = stmt.where(Delivery.status.in_(FAILED_STATES))
    with Session(engine) as session:
        return list(session.scalars(stmt).all())


def stored_items(engine: Engine, since: datetime | None = None) -> list:
    """Stored items (id, headline, body, received_at), oldest first: what a backtest reads."""
    stmt = select(Item.id, Item.headline, Item.body, Item.received_at).order_by(Item.received_at)
    if since is not None:
        stmt = stmt.where(or_(Item.published_at >= since, Item.received_at >= since))
    with engine.connect() as conn:
        return list(conn.execute(stmt).all())


def alerted_item_ids(engine: Engine, topic: str) -> set[str]:
    with engine.connect() as conn:
        return {r.item_id for r in conn.execute(select(Alert.item_id).where(Alert.topic_name == topic))}
