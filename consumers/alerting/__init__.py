"""Alerting as pure logic: event identity, escalation, delivery rules, email rendering.

Nothing here imports SQLAlchemy, smtplib or Kafka (the stdlib ``email`` package and
Jinja2 are fine). The I/O lives in ``wirewatch/adapters/postgres_store.py`` (alerts, evidence and the
delivery outbox, written in the items batch transaction), ``wirewatch/notifier.py``
(claims and the delivery state machine) and ``wirewatch/adapters/smtp_mailer.py`` (smtplib).

Modules:

* ``identity``   - which alert a matched item belongs to (the event key), its source.
* ``escalation`` - the stage of an event (arrested < charged < treason charge <
  sentenced < released) and when a new item is a material change.
* ``rules``      - ``config/delivery.yaml``: recipients, immediate/digest, caps, quiet
  hours, snooze/mute; ``plan_delivery`` turns a rule and a clock into a due time.
* ``render``     - Jinja2 templates (autoescaped HTML + text), highlighting, digests.
* ``mail``       - header sanitising, deterministic Message-IDs, ``EmailMessage``
  building, and the ``Mailer`` port with its error classes.
"""
