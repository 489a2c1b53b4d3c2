"""The notifier stage: the email outbox's state machine, behind an `Outbox` port.

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

Several notifiers may run: the outbox hands out rows to plan and to claim with row locks
that other notifiers skip (wirewatch/adapters/postgres_outbox.py: FOR UPDATE SKIP LOCKED),
and a row is 'sending' (committed) before any SMTP traffic, so no two notifiers send the
same row. Rows that share a batch_key (a digest slot of one recipient and rule) go out as
ONE email; its Message-ID is derived from the batch key and the member idempotency keys,
so the id is known before sending and is the same on every retry.

This module decides; it does no I/O of its own. The outbox (SQL), the mailer (SMTP) and
the observer (metrics) are injected by wirewatch/bootstrap.py.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Protocol

from consumers.alerting.delivery_config import DeliveryRulesSource
from consumers.alerting.delivery_schedule import digest_batch_key, plan_delivery
from consumers.alerting.mail import (
    Mailer, PermanentMailError, TransientMailError, UncertainMailError, build_email, make_message_id,
)
from consumers.alerting.render import AlertView, render_alert, render_digest

log = logging.getLogger(__name__)

# Delivery states (deliveries.status) this stage writes or reads.
PENDING, SENDING, SENT, FAILED, UNCERTAIN, MUTED = "pending", "sending", "sent", "failed", "uncertain", "muted"
FAILED_STATES = (FAILED, UNCERTAIN)  # what an operator may requeue (`wirewatch deliveries --retry`)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- the Outbox port --------------------------------------------------------------------

@dataclass(frozen=True)
class Unplanned:
    """A pending delivery no plan has been made for yet."""
    id: int
    recipient: str
    rule: str
    idempotency_key: str
    alert_muted: bool


@dataclass(frozen=True)
class Due:
    """A planned pending delivery whose time has come."""
    id: int
    recipient: str
    rule: str
    alert_id: int
    batch_key: str | None
    idempotency_key: str
    digest_slot: datetime | None
    attempts: int
    alert_muted: bool


@dataclass(frozen=True)
class Outcome:
    """What one send attempt leaves on its rows (they are only changed while still 'sending')."""
    status: str
    last_error: str | None
    sent_at: datetime | None = None
    next_attempt_at: datetime | None = None


class PlanningBatch(Protocol):
    """Unplanned rows locked for this notifier, in one transaction that commits on exit."""

    @property
    def rows(self) -> Sequence[Unplanned]: ...

    def sent_last_hour(self, recipient: str, now: datetime) -> int:
        """Emails (a digest counts once) sent, being sent or planned immediate to `recipient`."""

    def mute(self, delivery_id: int, now: datetime, reason: str) -> None: ...

    def schedule(self, delivery_id: int, now: datetime, reason: str, due: datetime,
                 digest_slot: datetime | None, batch_key: str) -> None: ...


class ClaimBatch(Protocol):
    """Due rows locked for this notifier, in one transaction that commits on exit."""

    @property
    def rows(self) -> Sequence[Due]: ...

    def mute(self, ids: Sequence[int], reason: str) -> None: ...

    def alert_views(self, alert_ids: Sequence[int]) -> Mapping[int, AlertView]: ...

    def fail(self, ids: Sequence[int], error: str) -> None: ...

    def mark_sending(self, ids: Sequence[int], now: datetime, message_id: str) -> None:
        """status 'sending', claimed_at = now, attempts + 1, the message id stored."""


class Outbox(Protocol):
    def expire_sending(self, claimed_before: datetime, error: str) -> list[int]:
        """Mark rows still 'sending' that were claimed before then 'uncertain'; their ids."""

    def planning(self, limit: int) -> AbstractContextManager[PlanningBatch]: ...

    def claiming(self, now: datetime, limit: int) -> AbstractContextManager[ClaimBatch]: ...

    def record(self, ids: Sequence[int], outcome: Outcome) -> None:
        """Apply `outcome` to those of `ids` that are still 'sending'."""


class StopEvent(Protocol):
    """threading.Event, or wirewatch.heartbeat.BeatingEvent (which also beats)."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


# --- the observer hook (metrics) --------------------------------------------------------

class NotifierObserver(Protocol):
    def email_sent(self) -> None:
        """One email accepted by the server (a digest is one email)."""

    def email_failed(self) -> None:
        """One email that could not be built, or one failed attempt, retried or not."""


class NoObserver:
    def email_sent(self) -> None:
        pass

    def email_failed(self) -> None:
        pass


@dataclass(frozen=True)
class CallbackObserver:
    """An observer from two plain callables (e.g. two counters' `inc`)."""
    sent: Callable[[], object]
    failed: Callable[[], object]

    def email_sent(self) -> None:
        self.sent()

    def email_failed(self) -> None:
        self.failed()


# --- the stage --------------------------------------------------------------------------

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
    message: EmailMessage
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


class Notifier:
    def __init__(self, outbox: Outbox, mailer: Mailer, rules: DeliveryRulesSource,
                 config: NotifierConfig | None = None, clock: Callable[[], datetime] = utcnow,
                 observer: NotifierObserver | None = None) -> None:
        self.outbox = outbox
        self.mailer = mailer
        self.rules = rules
        self.config = config or NotifierConfig()
        self.clock = clock
        self.observer: NotifierObserver = observer or NoObserver()

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

    def run(self, stop: StopEvent, poll_seconds: float | None = None) -> NotifyStats:
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
        ids = self.outbox.expire_sending(limit, (
            f"still 'sending' {self.config.sending_timeout_seconds:.0f}s after it was claimed (the "
            "notifier stopped mid-send); the server may have accepted it, so it is not resent"))
        for i in ids:
            log.warning("delivery %d: outcome unknown, marked uncertain (not resent)", i)
        return len(ids)

    # --- planning -------------------------------------------------------------------
    def _plan(self, now: datetime, stats: NotifyStats) -> int:
        config = self.rules.current()
        with self.outbox.planning(self.config.batch_size) as batch:
            counts: dict[str, int] = {}
            for r in batch.rows:
                key = r.recipient.lower()
                if key not in counts:
                    counts[key] = batch.sent_last_hour(r.recipient, now)
                plan = plan_delivery(config.rule(r.rule), now, sent_last_hour=counts[key],
                                     alert_muted=r.alert_muted)
                if plan.action == "mute":
                    batch.mute(r.id, now, plan.reason)
                    stats.muted += 1
                    continue
                batch_key = (digest_batch_key(r.recipient, r.rule, plan.digest_slot)
                             if plan.digest_slot else r.idempotency_key)
                batch.schedule(r.id, now, plan.reason, plan.due, plan.digest_slot, batch_key)
                if plan.digest_slot is None:
                    counts[key] += 1
                stats.planned += 1
            return len(batch.rows)

    # --- claiming -------------------------------------------------------------------
    def _claim(self, now: datetime, stats: NotifyStats) -> tuple[int, list[_Job]]:
        """Claim due rows, render their emails and mark them 'sending' in ONE committed
        transaction, before any SMTP traffic."""
        config = self.rules.current()
        jobs: list[_Job] = []
        with self.outbox.claiming(now, self.config.batch_size) as claim:
            rows = claim.rows
            if not rows:
                return 0, []
            muted = [r.id for r in rows if r.alert_muted]
            if muted:
                claim.mute(muted, "alert muted before sending")
                stats.muted += len(muted)
            live = [r for r in rows if not r.alert_muted]
            views = claim.alert_views(sorted({r.alert_id for r in live}))
            groups: dict[str, list[Due]] = {}
            for r in live:
                groups.setdefault(r.batch_key or r.idempotency_key, []).append(r)
            for batch, members in groups.items():
                ids = [m.id for m in members]
                recipient = members[0].recipient
                message_id = make_message_id(batch + "|" + ",".join(sorted(m.idempotency_key for m in members)),
                                             self.config.mail_from)
                try:
                    alerts: list[AlertView] = []
                    for m in sorted(members, key=lambda m: m.alert_id):
                        if m.alert_id in views and all(a.id != m.alert_id for a in alerts):
                            rule = config.rule(m.rule)
                            alerts.append(replace(views[m.alert_id], delivery_rule=f"{rule.name} ({rule.mode})"))
                    if not alerts:
                        raise LookupError("alert rows not found")
                    slot = members[0].digest_slot
                    rendered = (render_digest(alerts, recipient, slot) if slot is not None
                                else render_alert(alerts[0], recipient))
                    message = build_email(rendered, self.config.mail_from, recipient, message_id, {
                        "X-Wirewatch-Alerts": ",".join(str(a.id) for a in alerts),
                        "X-Wirewatch-Kind": ("digest" if slot is not None
                                             else "escalation" if alerts[0].escalation else "alert"),
                    }, date=now)
                except Exception as exc:  # a rendering bug must not leave rows looping
                    log.exception("cannot build the email for deliveries %s", ids)
                    claim.fail(ids, f"cannot build the email: {type(exc).__name__}: {exc}"[:1000])
                    stats.failed += len(ids)
                    self.observer.email_failed()
                    continue
                claim.mark_sending(ids, now, message_id)
                jobs.append(_Job(ids, recipient, message_id, rendered.subject, message,
                                 max(m.attempts for m in members) + 1))
        return len(rows), jobs

    # --- sending --------------------------------------------------------------------
    def _finish(self, ids: list[int], outcome: Outcome) -> None:
        for attempt in range(5):
            try:
                self.outbox.record(ids, outcome)
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
            self.observer.email_failed()
            self._finish(job.ids, Outcome(UNCERTAIN, str(exc)[:1000]))
            stats.uncertain += len(job.ids)
            log.error("deliveries %s (%s): %s; marked uncertain, not resent", job.ids, job.message_id, exc)
            return
        except PermanentMailError as exc:
            self.observer.email_failed()
            self._finish(job.ids, Outcome(FAILED, str(exc)[:1000]))
            stats.failed += len(job.ids)
            log.error("deliveries %s: permanent failure: %s", job.ids, exc)
            return
        except TransientMailError as exc:
            self.observer.email_failed()  # each failed attempt, retried or not
            if job.attempts >= self.config.max_attempts:
                self._finish(job.ids, Outcome(FAILED, f"gave up after {job.attempts} attempts: {exc}"[:1000]))
                stats.failed += len(job.ids)
                log.error("deliveries %s: failed after %d attempts: %s", job.ids, job.attempts, exc)
                return
            delay = min(self.config.backoff_seconds * 2 ** (job.attempts - 1), self.config.backoff_max_seconds)
            self._finish(job.ids, Outcome(PENDING, str(exc)[:1000],
                                          next_attempt_at=now + timedelta(seconds=delay)))
            stats.retries += len(job.ids)
            log.warning("deliveries %s: %s; retry %d in %.0fs", job.ids, exc, job.attempts + 1, delay)
            return
        except Exception as exc:  # unknown: the message may have gone out
            self.observer.email_failed()
            self._finish(job.ids, Outcome(UNCERTAIN, f"{type(exc).__name__}: {exc}"[:1000]))
            stats.uncertain += len(job.ids)
            log.exception("deliveries %s: unexpected error while sending; marked uncertain", job.ids)
            return
        self._finish(job.ids, Outcome(SENT, None, sent_at=now))
        self.observer.email_sent()  # one per email accepted (a digest is one email)
        stats.emails_sent += 1
        stats.deliveries_sent += len(job.ids)
        log.info("sent %s to %s: %s", job.message_id, job.recipient, job.subject)
