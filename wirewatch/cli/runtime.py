"""What every command shares: exit codes, logging, signal handling, and the mapping of a
failed service to an exit code and a message that says how to fix it."""
from __future__ import annotations

import logging
import signal
import sys
import threading
from schemas.json_lines import json_line

# The one set of exit codes, for every command (scripts and cron rely on them).
EXIT_OK = 0
EXIT_FAILURE = 1      # the command ran and something failed (a delivery, a check, a missing row)
EXIT_USAGE = 2        # bad arguments or configuration: fix the command line or the settings
EXIT_UNAVAILABLE = 3  # a service (Kafka, PostgreSQL) could not be reached
EXIT_ABORTED = 130    # second signal: abort without draining


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json_line(entry)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives, not the stream of the
    moment the handler was made: a CLI run inside another program (the tests, which swap
    stderr per test) would otherwise leave a handler on a closed stream for threads that
    log later (the SMTP server's)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def setup_logging(level: str, fmt: str = "text") -> None:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json"
                         else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, level.upper(), logging.INFO), handlers=[handler], force=True)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def stop_on_signals() -> threading.Event:
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


def fail(command: str, message: str, code: int = EXIT_FAILURE) -> int:
    """Print `wirewatch COMMAND: message` on stderr and return ``code``."""
    print(f"wirewatch {command}: {message}", file=sys.stderr)
    return code


def run_command(args, app) -> int:
    """Run the parsed command; a service that is down becomes EXIT_UNAVAILABLE with a fix."""
    from sqlalchemy.exc import OperationalError

    from consumers.pipeline import SystemicFailure
    from wirewatch.adapters.kafka_bus import BusUnavailable

    try:
        return args.func(args, app)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "bench":
            raise
        return fail(args.command, "needs bench/ (the benchmarks and evaluation harnesses), which this "
                                  "installation does not include: run it from a source checkout "
                                  "(`make setup`, then `.venv/bin/wirewatch " + args.command + " ...`).", EXIT_USAGE)
    except SystemicFailure as exc:
        return fail(args.command, f"{exc}. Offsets were not committed; fix the analyzer "
                                  "(see the traceback above) and restart: nothing is lost.")
    except BusUnavailable as exc:
        return fail(args.command, str(exc), EXIT_UNAVAILABLE)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return fail(args.command, f"cannot reach PostgreSQL at {app.settings.database_url.split('@')[-1]}: "
                                  f"{reason}\nStart it with `wirewatch stack up` or set WIREWATCH_DATABASE_URL.",
                    EXIT_UNAVAILABLE)
