"""CLI for alerting: `alerts ack|mute|unmute|show ID`, `deliveries`, `notify`.

cli.py merges it in two calls (see the module's `register` and `add_alert_actions`):

    from wirewatch.cli import alerts as alerting_cli
    ...
    p = sub.add_parser("alerts", ...)          # the existing listing command
    alerting_cli.add_alert_actions(p)          # adds optional `ACTION ID`
    ...
    alerting_cli.register(sub)                 # adds `deliveries` and `notify`

and, first thing in cmd_alerts:

    handled = alerting_cli.handle_alert_action(args, app)
    if handled is not None:
        return handled
"""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

ACTIONS = ("ack", "mute", "unmute", "show", "rate")


def add_alert_actions(alerts_parser) -> None:
    alerts_parser.add_argument("action", nargs="?", choices=ACTIONS,
                               help="ack: mark seen; mute: no more email about it (pending ones are "
                                    "dropped); unmute; show: the alert, its evidence and deliveries; "
                                    "rate: good|bad feedback for precision")
    from wirewatch.cli.args import ALERT_ID

    alerts_parser.add_argument("id", nargs="?", type=ALERT_ID, help="alert id (with an action)")
    from wirewatch.cli import sql as sql_cli

    sql_cli.add_rate_arguments(alerts_parser)  # `rating` (good|bad), --note, --by


def handle_alert_action(args, app) -> int | None:
    """None when no action was given (the caller lists alerts as before)."""
    action = getattr(args, "action", None)
    if action is None:
        return None
    if args.id is None:
        print(f"wirewatch alerts {action}: give the alert id, e.g. `wirewatch alerts {action} 1`", file=sys.stderr)
        return 2
    if action == "rate":
        from wirewatch.cli.sql import cmd_rate

        return cmd_rate(args, app)
    if action == "show":
        return _show(app, args.id, getattr(args, "json", False))
    from sqlalchemy import update

    from schemas.tables import Alert, Delivery

    now = datetime.now(timezone.utc)
    with app.engine.begin() as conn:
        values = {"ack": {"acked_at": now}, "mute": {"muted_at": now}, "unmute": {"muted_at": None}}[action]
        found = conn.execute(update(Alert).where(Alert.id == args.id).values(**values).returning(Alert.id)).first()
        if found is None:
            print(f"no alert #{args.id}", file=sys.stderr)
            return 1
        dropped = 0
        if action == "mute":
            dropped = conn.execute(update(Delivery).where(Delivery.alert_id == args.id, Delivery.status == "pending")
                                   .values(status="muted", last_error="alert muted by an operator")).rowcount
    extra = f"; {dropped} pending email(s) dropped" if action == "mute" else ""
    print(f"alert #{args.id} {dict(ack='acknowledged', mute='muted', unmute='unmuted')[action]}{extra}")
    return 0


def _show(app, alert_id: int, as_json: bool) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from schemas.tables import Alert, Delivery
    from wirewatch.notifier import load_alert_views

    with app.engine.connect() as conn:
        views = load_alert_views(conn, [alert_id])
        session = Session(bind=conn)
        row = session.scalars(select(Alert).where(Alert.id == alert_id)).one_or_none()
        deliveries = session.scalars(select(Delivery).where(Delivery.alert_id == alert_id)
                                     .order_by(Delivery.escalation, Delivery.id)).all()
    if row is None:
        print(f"no alert #{alert_id}", file=sys.stderr)
        return 1
    v = views[alert_id]
    if as_json:
        print(json.dumps({
            "id": v.id, "event_key": row.event_key, "topic": v.topic, "topic_title": v.topic_title,
            "topic_version": v.topic_version, "rule": v.rule, "why": v.why, "target": v.target,
            "country": v.country, "stage": v.stage, "escalation": v.escalation, "escalations": row.escalations,
            "sources": v.source_count, "first_seen": v.first_seen, "last_seen": v.last_seen,
            "acked_at": row.acked_at, "muted_at": row.muted_at,
            "evidence": [{"item_id": e.item_id, "source": e.source, "url": e.url, "published_at": e.published_at,
                          "stage": e.stage, "sentence": e.sentence} for e in v.evidence],
            "deliveries": [_delivery_dict(d) for d in deliveries],
        }, default=str, ensure_ascii=False))
        return 0
    state = "muted" if row.muted_at else "acknowledged" if row.acked_at else "open"
    print(f"#{v.id} [{v.topic_title}] {v.label} - {v.stage or v.action or '-'} ({state})")
    print(f"    why: {v.rule} (topic {v.topic} v{v.topic_version})")
    if v.why:
        print(f"    match: {v.why}")
    print(f"    corroboration: {v.source_count} source(s), {len(v.evidence)} stories, "
          f"first seen {v.first_seen:%Y-%m-%d %H:%M}, last seen {v.last_seen:%Y-%m-%d %H:%M}"
          if v.first_seen and v.last_seen else f"    corroboration: {v.source_count} source(s)")
    for esc in row.escalations or []:
        print(f"    escalation {esc.get('level')}: {esc.get('reason')} (item {esc.get('item_id')})")
    for i, e in enumerate(v.evidence, 1):
        print(f"    evidence {i}: [{e.source}{', ' + e.stage if e.stage else ''}] {e.sentence}")
    for d in deliveries:
        print(f"    delivery {d.id}: {d.recipient} level {d.escalation} {d.status}"
              + (f" ({d.last_error})" if d.last_error and d.status != "sent" else ""))
    return 0


def _delivery_dict(d) -> dict:
    return {"id": d.id, "alert_id": d.alert_id, "escalation": d.escalation, "recipient": d.recipient,
            "rule": d.rule, "status": d.status, "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
            "plan": d.plan, "message_id": d.message_id, "sent_at": d.sent_at, "last_error": d.last_error}


def cmd_deliveries(args, app) -> int:
    from sqlalchemy import select, update
    from sqlalchemy.orm import Session

    from schemas.tables import Delivery
    from wirewatch.notifier import FAILED_STATES

    if args.retry is not None:
        with app.engine.begin() as conn:
            row = conn.execute(
                update(Delivery).where(Delivery.id == args.retry, Delivery.status.in_(FAILED_STATES))
                .values(status="pending", attempts=0, next_attempt_at=datetime.now(timezone.utc),
                        last_error="requeued by an operator").returning(Delivery.id)).first()
        if row is None:
            print(f"delivery {args.retry} is not failed or uncertain", file=sys.stderr)
            return 1
        print(f"delivery {args.retry} requeued; the next `wirewatch notify` sends it")
        return 0
    stmt = select(Delivery).order_by(Delivery.id.desc()).limit(args.limit)
    if args.failed:
        stmt = stmt.where(Delivery.status.in_(FAILED_STATES))
    with Session(app.engine) as session:
        rows = session.scalars(stmt).all()
    if args.json:
        for d in rows:
            print(json.dumps(_delivery_dict(d), default=str, ensure_ascii=False))
        return 0
    if not rows:
        print("no failed or uncertain deliveries" if args.failed else "no deliveries")
    for d in rows:
        when = d.sent_at or d.next_attempt_at
        print(f"{d.id} alert #{d.alert_id} level {d.escalation} -> {d.recipient} [{d.rule}] {d.status} "
              f"attempts {d.attempts} {when:%Y-%m-%d %H:%M:%S}"
              + (f" {d.plan}" if d.status == "pending" and d.plan else ""))
        if d.last_error and d.status != "sent":
            print(f"    {d.last_error}")
    return 0


def cmd_notify(args, app) -> int:
    from wirewatch.notifier import build_notifier

    notifier = app.notifier() if hasattr(app, "notifier") else build_notifier(app)
    log = logging.getLogger("wirewatch.notify")
    if args.once:
        stats = notifier.run_once()
        print(stats.summary())
        return 1 if stats.failed else 0
    from wirewatch.cli import _stop_on_signals

    stop = _stop_on_signals()
    log.info("notifier running (every %.0fs); SIGTERM or Ctrl-C to stop", notifier.config.poll_seconds)
    stats = notifier.run(stop)
    log.info("notifier stopped: %s", stats.summary())
    return 0


def register(subparsers) -> None:
    from wirewatch.cli.args import BIGINT_MAX, ROW_LIMIT, bounded_int

    p = subparsers.add_parser("deliveries", help="the alert email outbox: pending, sent, failed, uncertain",
                              description="List email deliveries (newest first). --failed shows failed and "
                                          "uncertain ones (uncertain: the server may have accepted it; never "
                                          "resent automatically).")
    p.add_argument("--failed", action="store_true", help="only failed and uncertain deliveries")
    p.add_argument("--retry", type=bounded_int(1, BIGINT_MAX, "a delivery id"), metavar="ID",
                   help="requeue one failed/uncertain delivery (may duplicate)")
    p.add_argument("--limit", type=ROW_LIMIT, default=50, help="the newest N deliveries (default 50)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_deliveries)

    p = subparsers.add_parser("notify", help="send due alert emails (SMTP), once or until SIGTERM",
                              description="Plan, claim and send due deliveries through SMTP. --once: one pass "
                                          "then exit (cron); exit 1 if a delivery failed for good.")
    p.add_argument("--once", action="store_true", help="process due deliveries once and exit")
    p.set_defaults(func=cmd_notify)
