"""The notifier stage: the email outbox's state machine on PostgreSQL.

Delivery rows are written by the items stage in the same transaction as their alert
(wirewatch/adapters/postgres_store.py). Each row is one alert × escalation level × recipient, with a
unique idempotency key. The notifier moves them through::

    pending (unplanned) --plan--> pending (planned: next_attempt_at, batch_key)
                        \\-------> muted        (alert muted / rule muted)
    pending (planned, due) --claim, own committed txn--> sending (claimed_at, attempts+1,
                                                          deterministic message_id stored)
    sending --server accepted (250 after the final ".")--> sent (sent_at)
    sending --nothing accepted (refused, 4xx, down)-----> pending, next_attempt_at =
                                                          now + backoff * 2^(attempts-1);
                                                          failed once attempts = max
    sending --5xx (permanent)----------------------------> failed
    sending --timeout/disconnect after the final "."-----> uncertain
    sending --still there after `sending_timeout` (the notifier died mid-send)--> uncertain
    pending --a newer escalation of the same alert------> superseded (by the store)

At-most-once for the uncertain cases: an 'uncertain' row is never resent by the
notifier, because the server may already have accepted it and the acceptance criterion
is "never twice". `wirewatch deliveries --failed` lists failed and uncertain rows, and
`wirewatch deliveries --retry ID` lets an operator resend one on purpose (same
Message-ID, so mail clients can still thread/dedupe it).

Several notifiers may run: planning and claiming use FOR UPDATE SKIP LOCKED, and a row
is 'sending' (committed) before any SMTP traffic, so no two notifiers send the same row.
Rows that share a batch_key (a digest slot of one recipient and rule) go out as ONE
email; its Message-ID is derived from the batch key and the member idempotency keys,
so the id is known before sending and is the same on every retry.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from consumers.alerting.mail import (
    PermanentMailError, TransientMailError, UncertainMailError, build_email, make_message_id,
)
from consumers.alerting.render import AlertView, EvidenceView, render_alert, render_digest
from consumers.alerting.rules import DeliveryRulesSource, digest_batch_key, plan_delivery
from schemas.tables import Alert, AlertItem, Delivery, Entity, Item, Mention, Topic
from wirewatch import metrics

log = logging.getLogger(__name__)
PEOPLE, ORGS, PLACES = ("PERSON",), ("ORG",), ("GPE", "LOC", "FAC")
FAILED_STATES = ("failed", "uncertain")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class NotifyStats:
    planned: int = 0
    muted: int = 0
    emails_sent: int = 0
    deliveries_sent: int = 0
    retries: int = 0
    failed: int = 0
    uncertain: int = 0

    def summary(self) -> str:
        return (f"planned {self.planned}, muted {self.muted}, sent {self.emails_sent} email(s) for "
                f"{self.deliveries_sent} deliveries, {self.retries} to retry, {self.failed} failed, "
                f"{self.uncertain} uncertain")


@dataclass
class _Job:
    ids: list[int]
    recipient: str
    message_id: str
    subject: str
    message: object  # EmailMessage
    attempts: int


@dataclass
class NotifierConfig:
    mail_from: str = "wirewatch@localhost"
    max_attempts: int = 5
    backoff_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    sending_timeout_seconds: float = 300.0
    batch_size: int = 100
    poll_seconds: float = 10.0
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings) -> "NotifierConfig":
        g = lambda name, default: getattr(settings, name, default)  # noqa: E731  (settings the lead may add)
        return cls(mail_from=settings.mail_from, max_attempts=g("notify_max_attempts", 5),
                   backoff_seconds=g("notify_backoff_seconds", 30.0),
                   sending_timeout_seconds=g("notify_sending_timeout_seconds", 300.0),
                   poll_seconds=g("notify_poll_seconds", 10.0))


class Notifier:
    def __init__(self, engine: Engine, mailer, rules: DeliveryRulesSource, config: NotifierConfig | None = None,
                 clock=utcnow) -> None:
        self.engine = engine
        self.mailer = mailer
        self.rules = rules
        self.config = config or NotifierConfig()
        self.clock = clock

    # --- one pass -------------------------------------------------------------------
    def run_once(self, now: datetime | None = None) -> NotifyStats:
        """Expire stale 'sending' rows, plan new rows, then claim and send everything due."""
        now = now or self.clock()
        stats = NotifyStats()
        stats.uncertain += self.expire_sending(now)
        while self._plan(now, stats) == self.config.batch_size:
            pass
        while True:
            claimed, jobs = self._claim(now, stats)
            for job in jobs:
                self._send(job, now, stats)
            if claimed < self.config.batch_size:
                break
        return stats

    def run(self, stop: threading.Event, poll_seconds: float | None = None) -> NotifyStats:
        """Until `stop` is set: a pass every poll_seconds. Transient DB errors are retried."""
        total = NotifyStats()
        delay = poll_seconds or self.config.poll_seconds
        while not stop.is_set():
            try:
                s = self.run_once()
                for k in vars(total):
                    setattr(total, k, getattr(total, k) + getattr(s, k))
                if s.emails_sent or s.failed or s.uncertain:
                    log.info("notify: %s", s.summary())
            except Exception:
                log.exception("notify pass failed; retrying in %.0fs", delay)
            stop.wait(delay)
        return total

    # --- crash recovery -------------------------------------------------------------
    def expire_sending(self, now: datetime) -> int:
        limit = now - timedelta(seconds=self.config.sending_timeout_seconds)
        with self.engine.begin() as conn:
            ids = conn.execute(
                update(Delivery).where(Delivery.status == "sending", Delivery.claimed_at < limit)
                .values(status="uncertain", last_error=(
                    f"still 'sending' {self.config.sending_timeout_seconds:.0f}s after it was claimed (the "
                    "notifier stopped mid-send); the server may have accepted it, so it is not resent"))
                .returning(Delivery.id)).scalars().all()
        for i in ids:
            log.warning("delivery %d: outcome unknown, marked uncertain (not resent)", i)
        return len(ids)

    # --- planning -------------------------------------------------------------------
    def _sent_last_hour(self, conn: Connection, recipient: str, now: datetime) -> int:
        since = now - timedelta(hours=1)
        return conn.execute(
            select(func.count(func.distinct(func.coalesce(Delivery.batch_key, Delivery.idempotency_key))))
            .where(func.lower(Delivery.recipient) == recipient.lower(), or_(
                and_(Delivery.status.in_(("sent", "sending", "uncertain")), Delivery.claimed_at > since),
                and_(Delivery.status == "pending", Delivery.planned_at.is_not(None),
                     Delivery.digest_slot.is_(None), Delivery.planned_at > since)))
        ).scalar_one()

    def _plan(self, now: datetime, stats: NotifyStats) -> int:
        config = self.rules.current()
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(Delivery.id, Delivery.recipient, Delivery.rule, Delivery.idempotency_key, Alert.muted_at)
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.status == "pending", Delivery.planned_at.is_(None))
                .order_by(Delivery.id).limit(self.config.batch_size)
                .with_for_update(of=Delivery, skip_locked=True)).all()
            counts: dict[str, int] = {}
            for r in rows:
                key = r.recipient.lower()
                if key not in counts:
                    counts[key] = self._sent_last_hour(conn, r.recipient, now)
                plan = plan_delivery(config.rule(r.rule), now, sent_last_hour=counts[key],
                                     alert_muted=r.muted_at is not None)
                if plan.action == "mute":
                    conn.execute(update(Delivery).where(Delivery.id == r.id).values(
                        status="muted", planned_at=now, plan=plan.reason, last_error=plan.reason))
                    stats.muted += 1
                    continue
                batch = (digest_batch_key(r.recipient, r.rule, plan.digest_slot)
                         if plan.digest_slot else r.idempotency_key)
                conn.execute(update(Delivery).where(Delivery.id == r.id).values(
                    planned_at=now, plan=plan.reason, next_attempt_at=plan.due,
                    digest_slot=plan.digest_slot, batch_key=batch))
                if plan.digest_slot is None:
                    counts[key] += 1
                stats.planned += 1
        return len(rows)

    # --- claiming -------------------------------------------------------------------
    def _claim(self, now: datetime, stats: NotifyStats) -> tuple[int, list[_Job]]:
        """Claim due rows, render their emails and mark them 'sending' in ONE committed
        transaction, before any SMTP traffic."""
        config = self.rules.current()
        jobs: list[_Job] = []
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(Delivery.id, Delivery.recipient, Delivery.rule, Delivery.alert_id, Delivery.batch_key,
                       Delivery.idempotency_key, Delivery.digest_slot, Delivery.attempts, Alert.muted_at)
                .join(Alert, Alert.id == Delivery.alert_id)
                .where(Delivery.status == "pending", Delivery.planned_at.is_not(None),
                       Delivery.next_attempt_at <= now)
                .order_by(Delivery.next_attempt_at, Delivery.id).limit(self.config.batch_size)
                .with_for_update(of=Delivery, skip_locked=True)).all()
            if not rows:
                return 0, []
            muted = [r.id for r in rows if r.muted_at is not None]
            if muted:
                conn.execute(update(Delivery).where(Delivery.id.in_(muted)).values(
                    status="muted", last_error="alert muted before sending"))
                stats.muted += len(muted)
            live = [r for r in rows if r.muted_at is None]
            views = load_alert_views(conn, sorted({r.alert_id for r in live}))
            groups: dict[str, list] = {}
            for r in live:
                groups.setdefault(r.batch_key or r.idempotency_key, []).append(r)
            for batch, members in groups.items():
                ids = [m.id for m in members]
                recipient = members[0].recipient
                message_id = make_message_id(batch + "|" + ",".join(sorted(m.idempotency_key for m in members)),
                                             self.config.mail_from)
                try:
                    alerts = []
                    for m in sorted(members, key=lambda m: m.alert_id):
                        if m.alert_id in views and all(a.id != m.alert_id for a in alerts):
                            rule = config.rule(m.rule)
                            alerts.append(replace(views[m.alert_id], delivery_rule=f"{rule.name} ({rule.mode})"))
                    if not alerts:
                        raise LookupError("alert rows not found")
                    digest = members[0].digest_slot is not None
                    rendered = (render_digest(alerts, recipient, members[0].digest_slot) if digest
                                else render_alert(alerts[0], recipient))
                    message = build_email(rendered, self.config.mail_from, recipient, message_id, {
                        "X-Wirewatch-Alerts": ",".join(str(a.id) for a in alerts),
                        "X-Wirewatch-Kind": "digest" if digest else ("escalation" if alerts[0].escalation else "alert"),
                    }, date=now)
                except Exception as exc:  # a rendering bug must not leave rows looping
                    log.exception("cannot build the email for deliveries %s", ids)
                    conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(
                        status="failed", last_error=f"cannot build the email: {type(exc).__name__}: {exc}"[:1000]))
                    stats.failed += len(ids)
                    metrics.EMAILS_FAILED.inc()
                    continue
                conn.execute(update(Delivery).where(Delivery.id.in_(ids)).values(
                    status="sending", claimed_at=now, attempts=Delivery.attempts + 1, message_id=message_id))
                jobs.append(_Job(ids, recipient, message_id, rendered.subject, message,
                                 max(m.attempts for m in members) + 1))
        return len(rows), jobs

    # --- sending --------------------------------------------------------------------
    def _finish(self, ids: list[int], **values) -> None:
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(Delivery).where(Delivery.id.in_(ids), Delivery.status == "sending")
                                 .values(**values))
                return
            except Exception:
                if attempt == 4:
                    log.exception("cannot record the outcome of deliveries %s; they stay 'sending' "
                                  "and will be marked uncertain", ids)
                    return
                time.sleep(0.5 * 2 ** attempt)

    def _send(self, job: _Job, now: datetime, stats: NotifyStats) -> None:
        try:
            self.mailer.send(job.message, self.config.mail_from, [job.recipient])
        except UncertainMailError as exc:
            metrics.EMAILS_FAILED.inc()
            self._finish(job.ids, status="uncertain", last_error=str(exc)[:1000])
            stats.uncertain += len(job.ids)
            log.error("deliveries %s (%s): %s; marked uncertain, not resent", job.ids, job.message_id, exc)
            return
        except PermanentMailError as exc:
            metrics.EMAILS_FAILED.inc()
            self._finish(job.ids, status="failed", last_error=str(exc)[:1000])
            stats.failed += len(job.ids)
            log.error("deliveries %s: permanent failure: %s", job.ids, exc)
            return
        except TransientMailError as exc:
            metrics.EMAILS_FAILED.inc()  # each failed attempt, retried or not
            if job.attempts >= self.config.max_attempts:
                self._finish(job.ids, status="failed",
                             last_error=f"gave up after {job.attempts} attempts: {exc}"[:1000])
                stats.failed += len(job.ids)
                log.error("deliveries %s: failed after %d attempts: %s", job.ids, job.attempts, exc)
                return
            delay = min(self.config.backoff_seconds * 2 ** (job.attempts - 1), self.config.backoff_max_seconds)
            self._finish(job.ids, status="pending", next_attempt_at=now + timedelta(seconds=delay),
                         last_error=str(exc)[:1000])
            stats.retries += len(job.ids)
            log.warning("deliveries %s: %s; retry %d in %.0fs", job.ids, exc, job.attempts + 1, delay)
            return
        except Exception as exc:  # unknown: the message may have gone out
            metrics.EMAILS_FAILED.inc()
            self._finish(job.ids, status="uncertain", last_error=f"{type(exc).__name__}: {exc}"[:1000])
            stats.uncertain += len(job.ids)
            log.exception("deliveries %s: unexpected error while sending; marked uncertain", job.ids)
            return
        self._finish(job.ids, status="sent", sent_at=now, last_error=None)
        metrics.EMAILS_SENT.inc()  # one per email accepted (a digest is one email)
        stats.emails_sent += 1
        stats.deliveries_sent += len(job.ids)
        log.info("sent %s to %s: %s", job.message_id, job.recipient, job.subject)


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


def build_notifier(app, mailer=None, rules: DeliveryRulesSource | None = None) -> Notifier:
    """Composition for `wirewatch notify` / the daemon (until bootstrap grows `App.notifier`)."""
    from wirewatch.adapters.smtp_mailer import SmtpMailer

    return Notifier(app.engine, mailer or SmtpMailer.from_settings(app.settings),
                    rules or delivery_rules_source(app.settings), NotifierConfig.from_settings(app.settings))


def delivery_rules_source(settings) -> DeliveryRulesSource:
    import os

    from consumers.alerting.rules import default_delivery_file, parse_recipients

    path = None if os.environ.get("WIREWATCH_DELIVERY_FILE") else getattr(settings, "delivery_file", None)
    return DeliveryRulesSource(path or default_delivery_file(), parse_recipients(settings.alert_recipients))
