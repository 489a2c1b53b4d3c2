"""The `wirewatch` command line. Each subcommand is a thin shell over bootstrap()."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from wirewatch.settings import get_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3  # a service (Kafka, PostgreSQL) could not be reached
EXIT_ABORTED = 130    # second signal: abort without draining

EPILOG = """\
Configuration comes from WIREWATCH_* environment variables (see README.md).
Typical session:
  wirewatch stack up                      # local Kafka + PostgreSQL, no Docker
  wirewatch db upgrade                    # create/upgrade the tables
  wirewatch produce samples/wire          # publish the sample wire
  wirewatch consume --until-idle 5        # extract, match, store; stop when idle
  wirewatch alerts                        # the latest alerts, and why they fired
"""


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _setup_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if fmt == "json"
                         else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler], force=True)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _stop_on_signals() -> threading.Event:
    """First SIGTERM/SIGINT: drain and stop. Second: abort at once."""
    stop = threading.Event()

    def handler(signum, _frame):
        if stop.is_set():
            logging.getLogger("wirewatch").error("second signal: aborting")
            raise SystemExit(EXIT_ABORTED)
        logging.getLogger("wirewatch").info("signal %d: finishing the batch in flight, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


# --- commands ---------------------------------------------------------------

def cmd_stack(args, app) -> int:
    from wirewatch import stack

    try:
        if args.action == "up":
            stack.up(app.settings, log=print)
        elif args.action == "down":
            stack.down(app.settings, log=print)
        else:
            for name, info in stack.status(app.settings).items():
                details = ", ".join(f"{k}={v}" for k, v in info.items())
                print(f"{name}: {details}")
    except stack.StackError as exc:
        print(f"wirewatch stack {args.action}: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return EXIT_OK


def cmd_db(args, app) -> int:
    from wirewatch.adapters.postgres_engine import current_revision, upgrade

    if args.action == "prune":
        from wirewatch.cli.sql import cmd_prune

        return cmd_prune(args, app)

    if args.action == "upgrade":
        upgrade(app.engine, app.settings.db_schema)
        print(f"database at revision {current_revision(app.engine)} (schema {app.settings.db_schema})")
    else:
        print(current_revision(app.engine) or "no migrations applied: run `wirewatch db upgrade`")
    return EXIT_OK


def cmd_produce(args, app) -> int:
    from wirewatch.adapters.http_fetch import fetcher
    from producers.publisher import PublishReport, publish
    from producers.sources import read_sources
    from wirewatch.adapters import kafka_bus as bus

    bus.ensure_topics(app.settings, app.names)
    outbound = app.producer_bus()
    total, errors = PublishReport(), 0
    try:
        for parsed in read_sources(args.inputs, fetcher(app.settings)):
            for error in parsed.errors:
                errors += 1
                print(f"skipped {error.origin}: {error.reason}", file=sys.stderr)
            if parsed.feed_error:
                print(f"warning: {parsed.origin} is malformed ({parsed.feed_error}); "
                      f"{len(parsed.items)} entries recovered", file=sys.stderr)
            report = publish(outbound, app.names.items, parsed.items)
            total.merge(report)
            if not args.quiet:
                print(f"{parsed.origin}: {report.acknowledged} acknowledged"
                      + (f", {len(report.failed)} failed" if report.failed else ""))
    finally:
        outbound.close()
    for item_id, reason in total.failed:
        print(f"NOT published {item_id}: {reason}", file=sys.stderr)
    print(f"published {total.acknowledged} item(s) to {app.names.items}, acknowledged by the broker; "
          f"{len(total.failed)} failed; {errors} input error(s)")
    return EXIT_FAILURE if total.failed else EXIT_OK


def cmd_consume(args, app) -> int:
    stop = _stop_on_signals()
    log = logging.getLogger("wirewatch.consume")
    with app.items_worker(group=args.group) as worker:
        log.info("consuming %s as group %s", app.names.items, args.group or app.settings.consumer_group)
        stats = worker.run(stop, until_idle=args.until_idle)
    log.info("shutdown: %s", stats.summary())
    print(stats.summary())
    return EXIT_OK


def cmd_run(args, app) -> int:
    import os
    import tempfile
    from pathlib import Path

    # Must be set before prometheus_client is imported, in this process and the children:
    # it picks in-memory or file-backed values once, at import. Had this process imported it
    # first, the parent's own stages (notifier, feed poller) would count in memory, and
    # /metrics, which reads only the files, would never show them (tests/unit/test_cli.py).
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        # prometheus_client's rule: empty the directory before the processes start, or the
        # files of an earlier run are added to this run's counters.
        os.makedirs(path, exist_ok=True)
        for stale in Path(path).glob("*.db"):
            stale.unlink(missing_ok=True)
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wirewatch-metrics-")
    if "prometheus_client" in sys.modules:
        logging.getLogger("wirewatch").warning(
            "prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set: "
            "metrics counted in this process will not show on /metrics")
    from wirewatch.daemon import run_daemon

    return run_daemon(app, _stop_on_signals())


def cmd_alerts(args, app) -> int:
    from wirewatch.cli import alerts as alerting_cli
    from wirewatch.views import latest_alerts

    handled = alerting_cli.handle_alert_action(args, app)
    if handled is not None:
        return handled

    rows = latest_alerts(app.engine, topic=args.topic, limit=args.limit)
    if args.json:
        for row in rows:
            print(json.dumps(row, default=str, ensure_ascii=False))
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


def cmd_dlq(args, app) -> int:
    from wirewatch.adapters.kafka_dead_letters import read_dead_letters

    letters = read_dead_letters(app.settings, app.names, limit=args.limit)
    if args.json:
        for d in letters:
            print(json.dumps(d, ensure_ascii=False))
        return EXIT_OK
    if not letters:
        print(f"no dead letters in {app.names.dead_letters}")
    for d in letters:
        print(f"{d['failed_at']} {d['source_topic']}[{d['source_partition']}]@{d['source_offset']} "
              f"({d['stage']}): {d['reason']}")
    return EXIT_OK


def cmd_config(args, app) -> int:
    from wirewatch.settings import masked

    shown = masked(app.settings)
    if args.json:
        print(json.dumps(shown, indent=2))
    else:
        for key, value in shown.items():
            print(f"{key} = {json.dumps(value)}")
    return EXIT_OK


def cmd_check(args, app) -> int:
    from wirewatch.health import check

    ok, lines = check(app)
    for line in lines:
        print(line)
    return EXIT_OK if ok else EXIT_FAILURE


# --- parser -----------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from wirewatch.cli import alerts as alerting_cli
    from wirewatch.cli import bench as bench_cli
    from wirewatch.cli import feeds as feeds_cli
    from wirewatch.cli import sql as sql_cli
    from wirewatch.cli import understanding as understanding_cli
    from wirewatch.cli.args import ROW_LIMIT, bounded_float

    parser = argparse.ArgumentParser(
        prog="wirewatch",
        description="Streaming news-wire monitor: producers publish wire items to Kafka; consumers "
                    "extract entities, match watched topics and store items, entities and alerts in PostgreSQL.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING or ERROR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("stack", help="start/stop the local Kafka broker and PostgreSQL (no Docker)",
                       description="Manage the local stack: Apache Kafka (KRaft) from Maven Central jars and "
                                   "PostgreSQL from Debian packages. `up` is idempotent.")
    p.add_argument("action", choices=["up", "down", "status"])
    p.set_defaults(func=cmd_stack)

    p = sub.add_parser("db", help="database migrations and retention",
                       description="upgrade: run Alembic migrations. current: the applied revision(s). "
                                   "prune --older-than 90d: clear old story bodies and mentions, keeping "
                                   "alerts and their evidence.")
    p.add_argument("action", choices=["upgrade", "current", "prune"])
    sql_cli.add_prune_arguments(p)  # --older-than, --dry-run, --json
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("produce", help="publish wire items from files, directories or feed URLs",
                       description="Parse Reuters-style text stories, RSS/Atom/RDF feeds and IPTC ninjs JSON, "
                                   "then publish each item to the items topic (acks=all, idempotent). Reports "
                                   "how many items the broker acknowledged.")
    p.add_argument("inputs", nargs="+", metavar="FILE|DIR|URL")
    p.add_argument("-q", "--quiet", action="store_true", help="only print the total")
    p.set_defaults(func=cmd_produce)

    p = sub.add_parser("consume", help="run the items stage (entities, topics, storage)",
                       description="Consume wire items, extract entities, match watched topics, and store items, "
                                   "entities and alerts in one transaction before committing offsets.")
    p.add_argument("--until-idle", type=bounded_float(0, 10**6), metavar="SECONDS",
                   help="stop after this many seconds without new items (default: run until SIGTERM)")
    p.add_argument("--group", help="consumer group (default: WIREWATCH_CONSUMER_GROUP)")
    p.set_defaults(func=cmd_consume)

    p = sub.add_parser("run", help="the long-running daemon: every stage until SIGTERM/SIGINT")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("alerts", help="print the latest alerts and why they fired")
    p.add_argument("--topic", help="only this watched topic (name)")
    p.add_argument("--limit", type=ROW_LIMIT, default=20, help="at most this many alerts (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    alerting_cli.add_alert_actions(p)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("dlq", help="inspect the dead-letter topic")
    p.add_argument("action", choices=["list"])
    p.add_argument("--limit", type=ROW_LIMIT, default=50, help="the latest N dead letters (default 50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dlq)

    p = sub.add_parser("config", help="print the effective configuration (secrets masked)",
                       description="Print the settings wirewatch would use: arguments, then WIREWATCH_* "
                                   "environment variables, then the TOML file in WIREWATCH_CONFIG_FILE.")
    p.add_argument("action", choices=["show"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_config)

    understanding_cli.register(sub)
    alerting_cli.register(sub)
    feeds_cli.register(sub)
    bench_cli.register(sub)

    p = sub.add_parser("check", help="health probe: exit 0 when Kafka and PostgreSQL answer, else 1")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from pydantic import ValidationError

    from wirewatch.settings import ConfigError, explain

    try:
        settings = get_settings()
    except ValidationError as exc:
        print(explain(exc), file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    _setup_logging(args.log_level or settings.log_level, settings.log_format)
    from wirewatch.bootstrap import bootstrap
    from wirewatch.adapters.kafka_bus import BusUnavailable
    from sqlalchemy.exc import OperationalError

    from consumers.pipeline import SystemicFailure

    app = bootstrap(settings)
    try:
        return args.func(args, app)
    except SystemicFailure as exc:
        print(f"wirewatch {args.command}: {exc}. Offsets were not committed; fix the analyzer "
              "(see the traceback above) and restart: nothing is lost.", file=sys.stderr)
        return EXIT_FAILURE
    except BusUnavailable as exc:
        print(f"wirewatch {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except OperationalError as exc:
        print(f"wirewatch {args.command}: cannot reach PostgreSQL at {settings.database_url.split('@')[-1]}: "
              f"{str(exc.orig).strip().splitlines()[0] if exc.orig else exc}\n"
              "Start it with `wirewatch stack up` or set WIREWATCH_DATABASE_URL.", file=sys.stderr)
        return EXIT_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
