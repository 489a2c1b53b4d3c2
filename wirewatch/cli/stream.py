"""The stream commands: `produce`, `consume`, `run` (the daemon) and `dlq`."""
from __future__ import annotations

import logging
import sys

from wirewatch.cli.args import ROW_LIMIT, bounded_float
from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK, stop_on_signals
from schemas.json_lines import json_line


def cmd_produce(args, app) -> int:
    from producers.publisher import PublishReport, publish
    from producers.sources import read_sources
    from wirewatch.adapters import kafka_bus as bus
    from wirewatch.adapters.http_fetch import fetcher

    bus.ensure_topics(app.settings, app.names)
    total, errors = PublishReport(), 0
    with app.producer_bus() as outbound:
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
    for item_id, reason in total.failed:
        print(f"NOT published {item_id}: {reason}", file=sys.stderr)
    print(f"published {total.acknowledged} item(s) to {app.names.items}, acknowledged by the broker; "
          f"{len(total.failed)} failed; {errors} input error(s)")
    return EXIT_FAILURE if total.failed else EXIT_OK


def cmd_consume(args, app) -> int:
    stop = stop_on_signals()
    log = logging.getLogger("wirewatch.consume")
    with app.items_worker(group=args.group) as worker:
        log.info("consuming %s as group %s", app.names.items, args.group or app.settings.consumer_group)
        stats = worker.run(stop, until_idle=args.until_idle)
    log.info("shutdown: %s", stats.summary())
    print(stats.summary())
    return EXIT_OK


def _fresh_metrics_dir() -> None:
    """Point prometheus_client at an empty multi-process directory before it is imported.

    It picks in-memory or file-backed values once, at import. Had this process imported it
    first, the parent's own stages (notifier, feed poller) would count in memory, and /metrics,
    which reads only the files, would never show them (tests/unit/test_cli.py).
    """
    import os
    import tempfile
    from pathlib import Path

    from wirewatch.settings import metrics_multiproc_dir, use_metrics_multiproc_dir

    path = metrics_multiproc_dir()
    if path:
        # prometheus_client's rule: empty the directory before the processes start, or the
        # files of an earlier run are added to this run's counters.
        os.makedirs(path, exist_ok=True)
        for stale in Path(path).glob("*.db"):
            stale.unlink(missing_ok=True)
    else:
        use_metrics_multiproc_dir(tempfile.mkdtemp(prefix="wirewatch-metrics-"))
    if "prometheus_client" in sys.modules:
        logging.getLogger("wirewatch").warning(
            "prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set: "
            "metrics counted in this process will not show on /metrics")


def cmd_run(args, app) -> int:
    _fresh_metrics_dir()
    from wirewatch.daemon import run_daemon

    return run_daemon(app, stop_on_signals())


def cmd_dlq(args, app) -> int:
    from wirewatch.adapters.kafka_dead_letters import read_dead_letters

    letters = read_dead_letters(app.settings, app.names, limit=args.limit)
    if args.json:
        for d in letters:
            print(json_line(d))
        return EXIT_OK
    if not letters:
        print(f"no dead letters in {app.names.dead_letters}")
    for d in letters:
        print(f"{d['failed_at']} {d['source_topic']}[{d['source_partition']}]@{d['source_offset']} "
              f"({d['stage']}): {d['reason']}")
    return EXIT_OK


def register(sub) -> None:
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

    p = sub.add_parser("dlq", help="inspect the dead-letter topic")
    p.add_argument("action", choices=["list"])
    p.add_argument("--limit", type=ROW_LIMIT, default=50, help="the latest N dead letters (default 50)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_dlq)
