"""Alert emails through a real SMTP server (aiosmtpd) carry the RFC 5322 headers: Date,
From, To, Subject and a Message-ID that stays the same across retries; the email counters
count what the server accepted and refused."""
from __future__ import annotations

import email.utils
from datetime import datetime, timedelta, timezone

from prometheus_client import REGISTRY
from sqlalchemy import select

from schemas.tables import Delivery
from tests.integration.helpers import publish_items
from tests.integration.test_alerting import (  # noqa: F401 (smtp_server is a fixture)
    SENDER, TITLE, configure, drain_all, notifier, rows, smtp_server,
)
from tests.integration.test_pipeline import reference_item

RULE = """
rules:
  - name: desk
    topics: [arrests-of-opposition-leaders]
    recipients: [alice@newsroom.example]
"""


def counter(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def test_alert_email_has_date_from_to_subject_and_a_stable_message_id(app, tmp_path, smtp_server):  # noqa: F811
    rules = configure(app, tmp_path, RULE)
    assert publish_items(app, [reference_item()]) == 1
    drain_all(app)
    n = notifier(app, rules, smtp_server)
    sent0, failed0 = counter("wirewatch_emails_sent_total"), counter("wirewatch_emails_failed_total")

    # First attempt: the server is down. Nothing is accepted; the delivery waits for a retry.
    smtp_server.stop()
    first = datetime.now(timezone.utc)
    assert n.run_once(first).retries == 1
    (claimed_id,) = [r[0] for r in rows(app, select(Delivery.message_id))]
    assert counter("wirewatch_emails_failed_total") == failed0 + 1

    smtp_server.start()
    retry_at = first + timedelta(hours=1)
    assert n.run_once(retry_at).emails_sent == 1
    assert counter("wirewatch_emails_sent_total") == sent0 + 1

    ((_, rcpts, raw),) = smtp_server.received
    assert rcpts == ["alice@newsroom.example"]
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    names = [line.split(":", 1)[0].lower() for line in head.splitlines() if line and not line[0].isspace()]
    for name in ("date", "from", "to", "subject", "message-id"):
        assert names.count(name) == 1, f"{name}: {names}"
    (msg,) = smtp_server.messages()
    assert msg["From"] == SENDER
    assert msg["To"] == "alice@newsroom.example"
    assert msg["Subject"] == f"[wirewatch] {TITLE}: Kem Sokha (Cambodia)"
    date = email.utils.parsedate_to_datetime(msg["Date"])
    assert date.tzinfo is not None and abs(date - retry_at) < timedelta(seconds=1)  # this attempt's time
    # The Message-ID was fixed when the delivery was first claimed and survived the retry.
    assert msg["Message-ID"].strip() == claimed_id
    assert claimed_id.startswith("<ww.") and claimed_id.endswith("@newsroom.example>")
    assert [r[0] for r in rows(app, select(Delivery.message_id))] == [claimed_id]
