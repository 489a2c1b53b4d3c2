"""The notifier's state machine on in-memory fakes of its ports (Outbox, Mailer, observer):
the ports are enough to plan, claim, send and record, with no database or SMTP server."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from consumers.alerting.delivery_config import DeliveryRulesSource, parse_delivery
from consumers.alerting.mail import TransientMailError, UncertainMailError
from consumers.alerting.notifier import (
    FAILED_STATES, CallbackObserver, Due, Notifier, NotifierConfig, Outcome, Unplanned,
)
from consumers.alerting.render import AlertView

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SENDER = "wirewatch@newsroom.example"


@dataclass
class Row:
    id: int
    recipient: str
    rule: str
    key: str
    status: str = "pending"
    planned_at: datetime | None = None
    next_attempt_at: datetime | None = None
    digest_slot: datetime | None = None
    batch_key: str | None = None
    attempts: int = 0
    claimed_at: datetime | None = None
    message_id: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass
class FakeOutbox:
    rows: list[Row] = field(default_factory=list)

    def expire_sending(self, claimed_before, error):
        out = [r for r in self.rows if r.status == "sending" and r.claimed_at < claimed_before]
        for r in out:
            r.status, r.last_error = "uncertain", error
        return [r.id for r in out]

    @contextmanager
    def planning(self, limit):
        outbox = self

        class Batch:
            rows = [Unplanned(r.id, r.recipient, r.rule, r.key, False)
                    for r in outbox.rows if r.status == "pending" and r.planned_at is None][:limit]

            def sent_last_hour(self, recipient, now):
                return 0

            def mute(self, delivery_id, now, reason):
                outbox.get(delivery_id).status = "muted"

            def schedule(self, delivery_id, now, reason, due, digest_slot, batch_key):
                r = outbox.get(delivery_id)
                r.planned_at, r.next_attempt_at, r.digest_slot, r.batch_key = now, due, digest_slot, batch_key

        yield Batch()

    @contextmanager
    def claiming(self, now, limit):
        outbox = self

        class Claim:
            rows = [Due(r.id, r.recipient, r.rule, 1, r.batch_key, r.key, r.digest_slot, r.attempts, False)
                    for r in outbox.rows if r.status == "pending" and r.planned_at is not None
                    and r.next_attempt_at <= now][:limit]

            def mute(self, ids, reason):
                pass

            def alert_views(self, alert_ids):
                return {1: AlertView(id=1, topic="t", topic_title="Arrests", topic_version=1, rule="r",
                                     target="Kem Sokha", country="Cambodia")}

            def fail(self, ids, error):
                for i in ids:
                    outbox.get(i).status, outbox.get(i).last_error = "failed", error

            def mark_sending(self, ids, now, message_id):
                for i in ids:
                    r = outbox.get(i)
                    r.status, r.claimed_at, r.attempts, r.message_id = "sending", now, r.attempts + 1, message_id

        yield Claim()

    def record(self, ids, outcome: Outcome):
        for i in ids:
            r = self.get(i)
            if r.status != "sending":
                continue
            r.status, r.last_error = outcome.status, outcome.last_error
            r.sent_at = outcome.sent_at or r.sent_at
            r.next_attempt_at = outcome.next_attempt_at or r.next_attempt_at

    def get(self, delivery_id):
        return next(r for r in self.rows if r.id == delivery_id)


class FakeMailer:
    def __init__(self, *errors):
        self.errors, self.sent = list(errors), []

    def send(self, message, sender, recipients):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((message["Message-ID"], list(recipients)))


def make(outbox, mailer, counts):
    rules = DeliveryRulesSource.fixed(parse_delivery("rules:\n  - {name: desk, topics: ['*']}\n", "d.yaml"))
    observer = CallbackObserver(sent=lambda: counts.__setitem__("sent", counts["sent"] + 1),
                                failed=lambda: counts.__setitem__("failed", counts["failed"] + 1))
    return Notifier(outbox, mailer, rules, NotifierConfig(mail_from=SENDER, backoff_seconds=30), observer=observer)


def test_down_then_back_sends_once_with_the_same_message_id_and_counts_through_the_observer():
    outbox = FakeOutbox([Row(1, "alice@newsroom.example", "desk", "k1")])
    mailer, counts = FakeMailer(TransientMailError("cannot connect")), {"sent": 0, "failed": 0}
    n = make(outbox, mailer, counts)

    stats = n.run_once(NOW)
    assert stats.retries == 1 and stats.emails_sent == 0
    row = outbox.get(1)
    assert row.status == "pending" and row.attempts == 1 and row.next_attempt_at == NOW + timedelta(seconds=30)
    first_id = row.message_id
    assert n.run_once(NOW + timedelta(seconds=10)).emails_sent == 0  # backoff: not due yet
    assert n.run_once(NOW + timedelta(seconds=31)).emails_sent == 1
    assert n.run_once(NOW + timedelta(hours=1)).emails_sent == 0
    assert mailer.sent == [(first_id, ["alice@newsroom.example"])]
    assert outbox.get(1).status == "sent" and counts == {"sent": 1, "failed": 1}


def test_uncertain_is_never_resent_and_is_an_operator_retry_state():
    outbox = FakeOutbox([Row(1, "alice@newsroom.example", "desk", "k1")])
    mailer = FakeMailer(UncertainMailError("no reply after the message was sent"))
    n = make(outbox, mailer, {"sent": 0, "failed": 0})
    assert n.run_once(NOW).uncertain == 1
    for minutes in (1, 60, 600):
        assert n.run_once(NOW + timedelta(minutes=minutes)).emails_sent == 0
    assert outbox.get(1).status == "uncertain" and "uncertain" in FAILED_STATES and mailer.sent == []
