"""The `wirewatch` parser and entry point: each command group registers its own subcommands."""
from __future__ import annotations

import argparse
import sys

from wirewatch.cli import alerts, bench, config, console, db, feeds, stack, stream, understanding
from wirewatch.cli.runtime import EXIT_USAGE, run_command, setup_logging

EPILOG = """\
Configuration comes from WIREWATCH_* environment variables (see README.md).
Typical session:
  wirewatch stack up                      # local Kafka + PostgreSQL, no Docker
  wirewatch db upgrade                    # create/upgrade the tables
  wirewatch produce samples/wire          # publish the sample wire
  wirewatch consume --until-idle 5        # extract, match, store; stop when idle
  wirewatch alerts                        # the latest alerts, and why they fired
  wirewatch users add ana --role analyst  # an account for the analyst console
  wirewatch web                           # the console on http://127.0.0.1:8080/
"""

# The order of `wirewatch --help`: set-up, the stream, the analyst's commands, the tools.
GROUPS = (stack, db, stream, alerts, console, config, understanding, feeds, bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewatch",
        description="Streaming news-wire monitor: producers publish wire items to Kafka; consumers "
                    "extract entities, match watched topics and store items, entities and alerts in PostgreSQL.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO (default), WARNING or ERROR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in GROUPS:
        group.register(sub)
    return parser


def main(argv: list[str] | None = None, *, app_factory=None) -> int:
    """Parse, load settings, build the app (``app_factory(settings)``, default bootstrap) and run."""
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    from wirewatch.settings import ConfigError, explain, get_settings

    try:
        settings = get_settings()
    except ValidationError as exc:
        print(explain(exc), file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(args.log_level or settings.log_level, settings.log_format)
    if app_factory is None:
        from wirewatch.bootstrap import bootstrap as app_factory
    with app_factory(settings) as app:  # the clients it built are closed however the command ends
        return run_command(args, app)
