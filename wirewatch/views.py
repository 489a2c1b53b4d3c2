"""Read-side queries for the CLI and analysts (no writes here: see ``alert_actions``)."""
from __future__ import annotations

from dataclasses import dataclass, replace
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


def _stored_since(stmt, since: datetime | None):
    return stmt if since is None else stmt.where(or_(Item.published_at >= since, Item.received_at >= since))


def stored_items(engine: Engine, since: datetime | None = None, limit: int | None = None) -> list:
    """Stored items (id, headline, body, received_at), oldest first: what a backtest reads.
    With ``limit``, only the newest ``limit`` of them (still oldest first)."""
    stmt = _stored_since(select(Item.id, Item.headline, Item.body, Item.received_at), since)
    if limit is None:
        stmt = stmt.order_by(Item.received_at)
    else:
        stmt = stmt.order_by(Item.received_at.desc()).limit(limit)
    with engine.connect() as conn:
        rows = list(conn.execute(stmt).all())
    return rows if limit is None else rows[::-1]


def count_items(engine: Engine, since: datetime | None = None) -> int:
    """How many stored items a backtest since ``since`` would read."""
    from sqlalchemy import func

    with engine.connect() as conn:
        return conn.execute(_stored_since(select(func.count()).select_from(Item), since)).scalar_one()


def alerted_item_ids(engine: Engine, topic: str) -> set[str]:
    with engine.connect() as conn:
        return {r.item_id for r in conn.execute(select(Alert.item_id).where(Alert.topic_name == topic))}


# --- the analyst console's reads (the CLI's `alerts` uses latest_alerts above) ------------

STATUSES = ("new", "acked", "muted")
RATING_FILTERS = ("good", "bad", "unrated")
PAGE_SIZE = 50


@dataclass(frozen=True)
class AlertFilters:
    """The inbox's filters; every field is optional. ``after_id``: only alerts newer than it."""
    topic: str | None = None
    country: str | None = None
    person: str | None = None     # a substring of the target, any case
    status: str | None = None     # new | acked | muted
    rating: str | None = None     # good | bad | unrated (the latest rating)
    since: datetime | None = None
    until: datetime | None = None
    after_id: int | None = None
    before_id: int | None = None  # the next page: alerts older than this one
    limit: int = PAGE_SIZE


def _latest_rating():
    from schemas.tables import AlertFeedback

    return (select(AlertFeedback.rating).where(AlertFeedback.alert_id == Alert.id)
            .order_by(AlertFeedback.created_at.desc(), AlertFeedback.id.desc()).limit(1)
            .correlate(Alert).scalar_subquery())


def _where(stmt, f: AlertFilters, rating):
    from sqlalchemy import func

    if f.topic:
        stmt = stmt.where(Alert.topic_name == f.topic)
    if f.country:
        stmt = stmt.where(Alert.country == f.country)
    if f.person:
        pattern = "%" + f.person.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Alert.target.ilike(pattern, escape="\\"))
    if f.status == "new":
        stmt = stmt.where(Alert.acked_at.is_(None), Alert.muted_at.is_(None))
    elif f.status == "acked":
        stmt = stmt.where(Alert.acked_at.is_not(None))
    elif f.status == "muted":
        stmt = stmt.where(Alert.muted_at.is_not(None))
    if f.rating in ("good", "bad"):
        stmt = stmt.where(rating == f.rating)
    elif f.rating == "unrated":
        stmt = stmt.where(rating.is_(None))
    seen = func.coalesce(Alert.first_seen_at, Alert.created_at)
    if f.since:
        stmt = stmt.where(seen >= f.since)
    if f.until:
        stmt = stmt.where(seen < f.until)
    if f.after_id:
        stmt = stmt.where(Alert.id > f.after_id)
    if f.before_id:
        stmt = stmt.where(Alert.id < f.before_id)
    return stmt


def inbox(engine: Engine, f: AlertFilters) -> tuple[list[dict], int]:
    """One page of alerts, newest first, and how many match the filters in all."""
    from sqlalchemy import func

    rating = _latest_rating()
    stmt = (select(Alert.id, Alert.topic_name.label("topic"), Alert.topic_version, Alert.target, Alert.target_role,
                   Alert.country, Alert.place, Alert.evidence, Alert.explanation["event"]["trigger"].astext
                   .label("trigger"), Alert.source_count, Alert.evidence_count, Alert.item_id, Item.headline,
                   Item.url, func.coalesce(Alert.first_seen_at, Alert.created_at).label("seen"),
                   Alert.acked_at, Alert.muted_at, rating.label("rating"))
            .join(Item, Item.id == Alert.item_id)
            .order_by(Alert.id.desc()).limit(max(1, min(f.limit, 500))))
    # Newest first by id: ids grow with inserts, and (unlike created_at) they page without ties.
    stmt = _where(stmt, f, rating)
    count = _where(select(func.count()).select_from(Alert), replace(f, after_id=None, before_id=None),
                   _latest_rating())
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        total = conn.execute(count).scalar_one()
    return rows, total


def inbox_choices(engine: Engine) -> dict[str, list[str]]:
    """The values the inbox's topic and country filters offer."""
    with engine.connect() as conn:
        topics = list(conn.execute(select(Topic.name).order_by(Topic.name)).scalars())
        countries = list(conn.execute(select(Alert.country).where(Alert.country.is_not(None))
                                      .group_by(Alert.country).order_by(Alert.country).limit(300)).scalars())
    return {"topics": topics, "countries": countries}


def newest_alert_id(engine: Engine) -> int:
    from sqlalchemy import func

    with engine.connect() as conn:
        return conn.execute(select(func.coalesce(func.max(Alert.id), 0))).scalar_one()


def ratings(engine: Engine, alert_id: int) -> list[dict]:
    from schemas.tables import AlertFeedback

    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(AlertFeedback.rating, AlertFeedback.note, AlertFeedback.rated_by, AlertFeedback.created_at)
            .where(AlertFeedback.alert_id == alert_id).order_by(AlertFeedback.id.desc()))]


def topic_activity(engine: Engine, days: int = 30) -> dict[str, dict]:
    """Per topic: its title and version, alerts per day over the last ``days`` days, and the
    measured precision (rated good / rated) per day and overall, from topic_stats_v."""
    from datetime import date, timedelta

    from sqlalchemy import text

    start = date.today() - timedelta(days=days - 1)
    out: dict[str, dict] = {}
    with engine.connect() as conn:
        for t in conn.execute(select(Topic.name, Topic.title, Topic.version).order_by(Topic.name)):
            out[t.name] = {"title": t.title, "version": t.version, "days": {}, "alerts": 0, "rated": 0,
                           "precision": None}
        for r in conn.execute(text(
                "SELECT topic, day, alerts, rated_good, rated_bad, day_precision, topic_precision "
                "FROM topic_stats_v")):
            entry = out.get(r.topic)
            if entry is None:
                continue
            entry["alerts"] += r.alerts
            entry["rated"] += r.rated_good + r.rated_bad
            entry["precision"] = None if r.topic_precision is None else float(r.topic_precision)
            if r.day >= start:
                entry["days"][r.day] = (r.alerts, None if r.day_precision is None else float(r.day_precision))
    for entry in out.values():
        entry["series"] = [(start + timedelta(days=i),) + entry["days"].get(start + timedelta(days=i), (0, None))
                           for i in range(days)]
    return out


def feed_health(engine: Engine) -> list[dict]:
    """Every registered feed with its last status, last error, counts and next poll."""
    from wirewatch.adapters.postgres_feeds import FeedStore

    return FeedStore(engine).feeds()
