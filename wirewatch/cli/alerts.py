"""The analyst's alert commands: `alerts [ack|mute|unmute|show|rate ID]`, `deliveries`, `notify`.

Reads go through ``wirewatch.views`` and writes through ``wirewatch.alert_actions``: no SQL here.
"""
from __future__ import annotations

import getpass
import logging
import sys

from wirewatch.alert_actions import RATINGS, STATE_ACTIONS
from wirewatch.cli.args import ALERT_ID, BIGINT_MAX, ROW_LIMIT, bounded_int
from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, fail, stop_on_signals
from schemas.json_lines import json_line

ACTIONS = (*STATE_ACTIONS, "show", "rate")


def add_alert_actions(alerts_parser) -> None:
    alerts_parser.add_argument("action", nargs="?", choices=ACTIONS,
                               help="ack: mark seen; mute: no more email about it (pending ones are "
                                    "dropped); unmute; show: the alert, its evidence and deliveries; "
                                    "rate: good|bad feedback for precision")
    alerts_parser.add_argument("id", nargs="?", type=ALERT_ID, help="alert id (with an action)")
    add_rate_arguments(alerts_parser)


def add_rate_arguments(alerts_parser) -> None:
    """After the `action` and `id` positionals: `wirewatch alerts rate 12 good --note '...'`."""
    alerts_parser.add_argument("rating", nargs="?", choices=RATINGS,
                               help="with `rate`: good (a true alert) or bad (a false alarm)")
    alerts_parser.add_argument("--note", help="with `rate`: why (free text, stored with the rating)")
    alerts_parser.add_argument("--by", dest="rated_by", metavar="NAME",
                               help="with `rate`: who rates (default: your login name)")


def _login() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): the database user is recorded
        return None


def cmd_rate(args, app) -> int:
    from wirewatch.alert_actions import rate_alert

    if getattr(args, "rating", None) is None:
        return fail("alerts rate", f"give the rating, e.g. `wirewatch alerts rate {args.id} good` "
                                   f"(or bad, with --note 'why')", EXIT_USAGE)
    rated_by = getattr(args, "rated_by", None) or _login()
    feedback_id = rate_alert(app.engine, args.id, args.rating, getattr(args, "note", None), rated_by)
    if feedback_id is None:
        print(f"no alert #{args.id}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"alert #{args.id} rated {args.rating}" + (f" by {rated_by}" if rated_by else "")
          + f" (feedback {feedback_id}); precision per topic: SELECT * FROM topic_stats_v")
    return EXIT_OK


def _alert_action(args, app) -> int:
    from wirewatch.alert_actions import set_alert_state

    action = args.action
    if args.id is None:
        return fail(f"alerts {action}", f"give the alert id, e.g. `wirewatch alerts {action} 1`", EXIT_USAGE)
    if action == "rate":
        return cmd_rate(args, app)
    if action == "show":
        return _show(app, args.id, getattr(args, "json", False))
    change = set_alert_state(app.engine, args.id, action)
    if change is None:
        print(f"no alert #{args.id}", file=sys.stderr)
        return EXIT_FAILURE
    extra = f"; {change.dropped} pending email(s) dropped" if action == "mute" else ""
    print(f"alert #{args.id} {dict(ack='acknowledged', mute='muted', unmute='unmuted')[action]}{extra}")
    return EXIT_OK


def cmd_alerts(args, app) -> int:
    from wirewatch.views import latest_alerts

    if getattr(args, "action", None) is not None:
        return _alert_action(args, app)
    rows = latest_alerts(app.engine, topic=args.topic, limit=args.limit)
    if args.json:
        for row in rows:
            print(json_line(row, default=str))
        return EXIT_OK
    if not rows:
        print("no alerts")
    for row in rows:
        print(f"#{row['id']} [{row['topic_title'] or row['topic']}] {row['target'] or '-'}"
              f" ({row['target_role'] or '-'}, {row['action'] or row['event'] or 'match'}"
              f"{', ' + row['place'] if row['place'] else ''})")
        print(f"    why: {row['rule']} (topic v{row['topic_version']}, score {row['score']})")
        print(f"    evidence: {row['evidence']}")
        print(f"    item: {row['item_id']}  {row['headline'] or ''}".rstrip())
    return EXIT_OK


def _show(app, alert_id: int, as_json: bool) -> int:
    from wirewatch.views import alert_detail

    detail = alert_detail(app.engine, alert_id)
    if detail is None:
        print(f"no alert #{alert_id}", file=sys.stderr)
        return EXIT_FAILURE
    v, row, deliveries = detail.view, detail.row, detail.deliveries
    if as_json:
        print(json_line({
            "id": v.id, "event_key": row.event_key, "topic": v.topic, "topic_title": v.topic_title,
            "topic_version": v.topic_version, "rule": v.rule, "why": v.why, "target": v.target,
            "country": v.country, "stage": v.stage, "escalation": v.escalation, "escalations": row.escalations,
            "sources": v.source_count, "first_seen": v.first_seen, "last_seen": v.last_seen,
            "acked_at": row.acked_at, "muted_at": row.muted_at,
            "evidence": [{"item_id": e.item_id, "source": e.source, "url": e.url, "published_at": e.published_at,
                          "stage": e.stage, "sentence": e.sentence} for e in v.evidence],
            "deliveries": [_delivery_dict(d) for d in deliveries],
        }, default=str))
        return EXIT_OK
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
    return EXIT_OK


def _delivery_dict(d) -> dict:
    return {"id": d.id, "alert_id": d.alert_id, "escalation": d.escalation, "recipient": d.recipient,
            "rule": d.rule, "status": d.status, "attempts": d.attempts, "next_attempt_at": d.next_attempt_at,
            "plan": d.plan, "message_id": d.message_id, "sent_at": d.sent_at, "last_error": d.last_error}


def cmd_deliveries(args, app) -> int:
    from wirewatch.alert_actions import requeue_delivery
    from wirewatch.views import deliveries

    if args.retry is not None:
        if not requeue_delivery(app.engine, args.retry):
            print(f"delivery {args.retry} is not failed or uncertain", file=sys.stderr)
            return EXIT_FAILURE
        print(f"delivery {args.retry} requeued; the next `wirewatch notify` sends it")
        return EXIT_OK
    rows = deliveries(app.engine, args.limit, failed_only=args.failed)
    if args.json:
        for d in rows:
            print(json_line(_delivery_dict(d), default=str))
        return EXIT_OK
    if not rows:
        print("no failed or uncertain deliveries" if args.failed else "no deliveries")
    for d in rows:
        when = d.sent_at or d.next_attempt_at
        print(f"{d.id} alert #{d.alert_id} level {d.escalation} -> {d.recipient} [{d.rule}] {d.status} "
              f"attempts {d.attempts} {when:%Y-%m-%d %H:%M:%S}"
              + (f" {d.plan}" if d.status == "pending" and d.plan else ""))
        if d.last_error and d.status != "sent":
            print(f"    {d.last_error}")
    return EXIT_OK


def cmd_notify(args, app) -> int:
    notifier = app.notifier()
    log = logging.getLogger("wirewatch.notify")
    if args.once:
        stats = notifier.run_once()
        print(stats.summary())
        return EXIT_FAILURE if stats.failed else EXIT_OK
    stop = stop_on_signals()
    log.info("notifier running (every %.0fs); SIGTERM or Ctrl-C to stop", notifier.config.poll_seconds)
    stats = notifier.run(stop)
    log.info("notifier stopped: %s", stats.summary())
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("alerts", help="print the latest alerts and why they fired")
    p.add_argument("--topic", help="only this watched topic (name)")
    p.add_argument("--limit", type=ROW_LIMIT, default=20, help="at most this many alerts (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_alert_actions(p)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("deliveries", help="the alert email outbox: pending, sent, failed, uncertain",
                       description="List email deliveries (newest first). --failed shows failed and "
                                   "uncertain ones (uncertain: the server may have accepted it; never "
                                   "resent automatically).")
    p.add_argument("--failed", action="store_true", help="only failed and uncertain deliveries")
    p.add_argument("--retry", type=bounded_int(1, BIGINT_MAX, "a delivery id"), metavar="ID",
                   help="requeue one failed/uncertain delivery (may duplicate)")
    p.add_argument("--limit", type=ROW_LIMIT, default=50, help="the newest N deliveries (default 50)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=cmd_deliveries)

    p = sub.add_parser("notify", help="send due alert emails (SMTP), once or until SIGTERM",
                       description="Plan, claim and send due deliveries through SMTP. --once: one pass "
                                   "then exit (cron); exit 1 if a delivery failed for good.")
    p.add_argument("--once", action="store_true", help="process due deliveries once and exit")
    p.set_defaults(func=cmd_notify)
