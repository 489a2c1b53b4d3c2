"""CLI for the SQL surface (Issue 7): `alerts rate ID good|bad [--note TEXT]` and
`db prune --older-than 90d [--dry-run]`.

cli.py / alerting_cli.py wire it in with a few lines:

    # alerting_cli.py
    ACTIONS = ("ack", "mute", "unmute", "show", "rate")
    def add_alert_actions(alerts_parser):
        ...                                            # existing `action`, `id`
        sql_cli.add_rate_arguments(alerts_parser)      # `rating` positional, --note, --by
    def handle_alert_action(args, app):
        ...                                            # after the "give the alert id" check
        if action == "rate":
            return sql_cli.cmd_rate(args, app)

    # cli.py, the `db` parser
    p.add_argument("action", choices=["upgrade", "current", "prune"])
    sql_cli.add_prune_arguments(p)
    # cli.py, first thing in cmd_db
    if args.action == "prune":
        return sql_cli.cmd_prune(args, app)
"""
from __future__ import annotations

import getpass
import json
import sys

RATINGS = ("good", "bad")


def add_rate_arguments(alerts_parser) -> None:
    """After the `action` and `id` positionals: `wirewatch alerts rate 12 good --note '...'`."""
    alerts_parser.add_argument("rating", nargs="?", choices=RATINGS,
                               help="with `rate`: good (a true alert) or bad (a false alarm)")
    alerts_parser.add_argument("--note", help="with `rate`: why (free text, stored with the rating)")
    alerts_parser.add_argument("--by", dest="rated_by", metavar="NAME",
                               help="with `rate`: who rates (default: your login name)")


def rate_alert(engine, alert_id: int, rating: str, note: str | None = None, rated_by: str | None = None) -> int | None:
    """Store one rating; return its id, or None when there is no such alert."""
    from sqlalchemy import insert, select

    from schemas.tables import Alert, AlertFeedback

    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    with engine.begin() as conn:
        if conn.execute(select(Alert.id).where(Alert.id == alert_id)).first() is None:
            return None
        values = {"alert_id": alert_id, "rating": rating, "note": note}
        if rated_by:
            values["rated_by"] = rated_by
        return conn.execute(insert(AlertFeedback).values(**values).returning(AlertFeedback.id)).scalar_one()


def _login() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): the database user is recorded
        return None


def cmd_rate(args, app) -> int:
    if getattr(args, "rating", None) is None:
        print(f"wirewatch alerts rate: give the rating, e.g. `wirewatch alerts rate {args.id} good` "
              f"(or bad, with --note 'why')", file=sys.stderr)
        return 2
    rated_by = getattr(args, "rated_by", None) or _login()
    feedback_id = rate_alert(app.engine, args.id, args.rating, getattr(args, "note", None), rated_by)
    if feedback_id is None:
        print(f"no alert #{args.id}", file=sys.stderr)
        return 1
    print(f"alert #{args.id} rated {args.rating}" + (f" by {rated_by}" if rated_by else "")
          + f" (feedback {feedback_id}); precision per topic: SELECT * FROM topic_stats_v")
    return 0


def add_prune_arguments(db_parser) -> None:
    db_parser.add_argument("--older-than", metavar="DURATION",
                           help="with `prune`: items received longer ago than this, e.g. 90d, 12h, 4w")
    db_parser.add_argument("--dry-run", action="store_true", help="with `prune`: only count, change nothing")
    db_parser.add_argument("--json", action="store_true", help="with `prune`: print the counts as JSON")


def cmd_prune(args, app) -> int:
    from wirewatch.adapters.postgres_retention import parse_duration, prune, summary

    if not getattr(args, "older_than", None):
        print("wirewatch db prune: give --older-than, e.g. `wirewatch db prune --older-than 90d`", file=sys.stderr)
        return 2
    try:
        older_than = parse_duration(args.older_than)
    except ValueError as exc:
        print(f"wirewatch db prune: {exc}", file=sys.stderr)
        return 2
    counts = prune(app.engine, older_than, dry_run=args.dry_run)
    print(json.dumps(counts) if getattr(args, "json", False) else summary(counts))
    return 0
