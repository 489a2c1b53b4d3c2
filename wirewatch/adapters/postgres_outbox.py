"""PostgreSQL adapter behind the notifier's `Outbox` port (consumers/alerting/notifier.py).

Planning and claiming lock their rows with FOR UPDATE SKIP LOCKED, so several notifiers
never plan or claim the same row, and each batch is ONE transaction that commits when the
notifier's `with` block ends (and rolls back if it raises). Outcomes are recorded only on
rows that are still 'sending', so a late outcome never overwrites an operator's requeue or
the expiry to 'uncertain'.

`load_alert_views` is also the read `wirewatch alerts show` uses.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from consumers.alerting.notifier import FAILED, MUTED, PENDING, SENDING, SENT, UNCERTAIN, Due, Outcome, Unplanned
from consumers.alerting.render import AlertView, EvidenceView
from schemas.tables import Alert, AlertItem, Delivery, Entity, Item, Mention, Topic

PEOPLE, ORGS, PLACES = ("PERSON",), ("ORG",), ("GPE", "LOC", "FAC")


class _Planning:
    def __init__(self, conn: Connection, rows: list[Unplanned]) -> None:
        self._conn, self.rows = conn, rows

    def sent_last_hour(self, recipient: str, now: datetime) -> int:
        since = now - timedelta(hours=1)
        return self._conn.execute(
            select(func.count(func.distinct(func.coalesce(Delivery.batch_key, Delivery.idempotency_key))))
            .where(func.lower(Delivery.recipient) == recipient.lower(), or_(
                and_(Delivery.status.in_((SENT, SENDING, UNCERTAIN)), Delivery.claimed_at > since),
                and_(Delivery.status == PENDING, Delivery.planned_at.is_not(None),
                     Delivery.digest_slot.is_(None), Delivery.planned_at > since)))
        ).scalar_one()

    def mute(self, delivery_id: int, now: datetime, reason: str) -> None:
        self._conn.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            status=MUTED, planned_at=now, plan=reason, last_error=reason))

    def schedule(self, delivery_id: int, now: datetime, reason: str, due: datetime,
                 digest_slot: datetime | None, batch_key: str) -> None:
        self._conn.execute(update(Delivery).where(Delivery.id == delivery_id).values(
            planned_at=now, plan=reason, next_attempt_at=due, digest_slot=digest_slot, batch_key=batch_key))


class _Claim:
    def __init__(self, conn: Connection, rows: list[Due]) -> None:
        self._conn, self.rows = conn, rows

    def mute(self, ids: Sequence[int], reason: str) -> None:
        self._conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(status=MUTED, last_error=reason))

    def alert_views(self, alert_ids: Sequence[int]) -> dict[int, AlertView]:
        return load_alert_views(self._conn, list(alert_ids))

    def fail(self, ids: Sequence[int], error: str) -> None:
        self._conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(status=FAILED, last_error=error))

    def mark_sending(self, ids: Sequence[int], now: datetime, message_id: str) -> None:
        self._conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(
            status=SENDING, claimed_at=now, attempts=Delivery.attempts + 1, message_id=message_id))


class PostgresOutbox:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def expire_sending(self, claimed_before: datetime, error: str) -> list[int]:
        with self.engine.begin() as conn:
            return list(conn.execute(
                update(Delivery).where(Delivery.status == SENDING, Delivery.claimed_at < claimed_before)
                .values(status=UNCERTAIN, last_error=error)
                .returning(Delivery.id)).scalars().all())

    @contextmanager
    def planning(self, limit: int) -> Iterator[_Planning]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(Delivery.id, Delivery.recipient, Delivery.rule, Delivery.idempotency_key, Alert.muted_at)
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.status == PENDING, Delivery.planned_at.is_(None))
                .order_by(Delivery.id).limit(limit)
                .with_for_update(of=Delivery, skip_locked=True)).all()
            yield _Planning(conn, [Unplanned(r.id, r.recipient, r.rule, r.idempotency_key, r.muted_at is not None)
                                   for r in rows])

    @contextmanager
    def claiming(self, now: datetime, limit: int) -> Iterator[_Claim]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(Delivery.id, Delivery.recipient, Delivery.rule, Delivery.alert_id, Delivery.batch_key,
                       Delivery.idempotency_key, Delivery.digest_slot, Delivery.attempts, Alert.muted_at)
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.status == PENDING, Delivery.planned_at.is_not(None),
                       Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id).limit(limit)
                .with_for_update(of=Delivery, skip_locked=True)).all()
            yield _Claim(conn, [Due(r.id, r.recipient, r.rule, r.alert_id, r.batch_key, r.idempotency_key,
                                    r.digest_slot, r.attempts, r.muted_at is not None) for r in rows])

    def record(self, ids: Sequence[int], outcome: Outcome) -> None:
        values: dict[str, object] = {"status": outcome.status, "last_error": outcome.last_error}
        if outcome.sent_at is not None:
            values["sent_at"] = outcome.sent_at
        if outcome.next_attempt_at is not None:
            values["next_attempt_at"] = outcome.next_attempt_at
        with self.engine.begin() as conn:
            conn.execute(update(Delivery).where(Delivery.id.in_(ids), Delivery.status == SENDING).values(**values))


# --- read side: alert views for emails and the CLI -----------------------------------

def load_alert_views(conn: Connection, alert_ids: list[int]) -> dict[int, AlertView]:
    if not alert_ids:
        return {}
    session = Session(bind=conn)  # reads only, inside the caller's transaction
    alerts = session.execute(
        select(Alert, Topic.title).join(Topic, Topic.name == Alert.topic_name).where(Alert.id.in_(alert_ids))).all()
    evidence: dict[int, list[EvidenceView]] = {}
    for ai, headline in session.execute(
            select(AlertItem, Item.headline).join(Item, Item.id == AlertItem.item_id)
            .where(AlertItem.alert_id.in_(alert_ids)).order_by(AlertItem.published_at, AlertItem.id)).all():
        evidence.setdefault(ai.alert_id, []).append(EvidenceView(
            item_id=ai.item_id, sentence=ai.evidence, terms=tuple(ai.terms or ()), source=ai.source,
            url=ai.url, headline=headline, published_at=ai.published_at, stage=ai.stage))
    names: dict[int, dict[str, list[str]]] = {}
    for alert_id, name, label, _n in conn.execute(
            select(AlertItem.alert_id, Entity.canonical_name, Entity.label, func.sum(Mention.mention_count))
            .join(Mention, Mention.item_id == AlertItem.item_id).join(Entity, Entity.id == Mention.entity_id)
            .where(AlertItem.alert_id.in_(alert_ids), Entity.label.in_(PEOPLE + ORGS + PLACES))
            .group_by(AlertItem.alert_id, Entity.canonical_name, Entity.label)
            .order_by(AlertItem.alert_id, func.sum(Mention.mention_count).desc(), Entity.canonical_name)).all():
        kind = "people" if label in PEOPLE else "orgs" if label in ORGS else "places"
        bucket = names.setdefault(alert_id, {}).setdefault(kind, [])
        if len(bucket) < 12:
            bucket.append(name)
    out = {}
    for a, title in alerts:
        n = names.get(a.id, {})
        ev = evidence.get(a.id) or [EvidenceView(a.item_id, a.evidence)]
        out[a.id] = AlertView(
            id=a.id, topic=a.topic_name, topic_title=title or a.topic_name, topic_version=a.topic_version,
            rule=a.rule, target=a.target, event=a.event, action=a.action, stage=a.stage,
            target_role=a.target_role, country=a.country, place=a.place,
            why=(a.explanation or {}).get("why"), escalation=a.escalation, escalation_reason=a.escalation_reason,
            evidence=tuple(ev), source_count=a.source_count, first_seen=a.first_seen_at, last_seen=a.last_seen_at,
            people=tuple(n.get("people", ())), organisations=tuple(n.get("orgs", ())),
            places=tuple(n.get("places", ())))
    return out
