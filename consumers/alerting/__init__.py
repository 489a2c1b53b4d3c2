"""Alerting as pure logic: event identity, escalation, delivery rules, email rendering,
and the notifier loop that drains the email outbox.

Nothing here imports SQLAlchemy, smtplib, Kafka or wirewatch (the stdlib ``email`` package
and Jinja2 are fine). The I/O lives in ``wirewatch/adapters/postgres_store.py`` (alerts, evidence
and the delivery outbox, written in the items batch transaction),
``wirewatch/adapters/postgres_outbox.py`` (the notifier's claims and state updates, behind the
``Outbox`` port) and ``wirewatch/adapters/smtp_mailer.py`` (smtplib, behind the ``Mailer`` port);
``wirewatch/bootstrap.py`` (``App.notifier``) wires them.

Modules:

* ``identity``   - which alert a matched item belongs to (the event key), its source.
* ``escalation`` - the stage of an event (arrested < charged < treason charge <
  sentenced < released) and when a new item is a material change.
* ``delivery_config``   - ``config/delivery.yaml``: recipients, immediate/digest, caps, quiet
  hours, snooze/mute, validated with file:line errors; ``DeliveryRulesSource`` hot-reloads it.
* ``delivery_schedule`` - ``plan_delivery`` turns a rule and a clock into a due time (digest
  slots, the hourly cap, quiet hours); digest batch keys and delivery idempotency keys.
* ``notifier``   - the outbox state machine: plan, claim, send, record (ports: ``Outbox``,
  ``Mailer``, an observer for metrics).
* ``render``     - Jinja2 templates (autoescaped HTML + text), highlighting, digests.
* ``mail``       - header sanitising, deterministic Message-IDs, ``EmailMessage``
  building, and the ``Mailer`` port with its error classes.
"""
