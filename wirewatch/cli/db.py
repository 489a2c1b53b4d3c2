"""`wirewatch db upgrade|current|prune`: migrations and retention."""
from __future__ import annotations

import json

from wirewatch.cli.runtime import EXIT_OK, EXIT_USAGE, fail


def add_prune_arguments(db_parser) -> None:
    db_parser.add_argument("--older-than", metavar="DURATION",
                           help="with `prune`: items received longer ago than this, e.g. 90d, 12h, 4w")
    db_parser.add_argument("--dry-run", action="store_true", help="with `prune`: only count, change nothing")
    db_parser.add_argument("--json", action="store_true", help="with `prune`: print the counts as JSON")


def cmd_prune(args, app) -> int:
    from wirewatch.adapters.postgres_retention import parse_duration, prune, summary

    if not getattr(args, "older_than", None):
        return fail("db prune", "give --older-than, e.g. `wirewatch db prune --older-than 90d`", EXIT_USAGE)
    try:
        older_than = parse_duration(args.older_than)
    except ValueError as exc:
        return fail("db prune", str(exc), EXIT_USAGE)
    counts = prune(app.engine, older_than, dry_run=args.dry_run)
    print(json.dumps(counts) if getattr(args, "json", False) else summary(counts))
    return EXIT_OK


def cmd_db(args, app) -> int:
    from wirewatch.adapters.postgres_engine import current_revision, upgrade

    if args.action == "prune":
        return cmd_prune(args, app)
    if args.action == "upgrade":
        upgrade(app.engine, app.settings.db_schema)
        print(f"database at revision {current_revision(app.engine)} (schema {app.settings.db_schema})")
    else:
        print(current_revision(app.engine) or "no migrations applied: run `wirewatch db upgrade`")
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("db", help="database migrations and retention",
                       description="upgrade: run Alembic migrations. current: the applied revision(s). "
                                   "prune --older-than 90d: clear old story bodies and mentions, keeping "
                                   "alerts and their evidence.")
    p.add_argument("action", choices=["upgrade", "current", "prune"])
    add_prune_arguments(p)
    p.set_defaults(func=cmd_db)
