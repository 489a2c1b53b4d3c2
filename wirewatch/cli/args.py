"""argparse types with ranges: a value out of range is a usage error (exit 2) saying what
is allowed, never a traceback from PostgreSQL (bigint), datetime or timedelta overflow."""
from __future__ import annotations

import argparse
import math
import re
from datetime import datetime, timezone

BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint: ids and LIMIT
_INTEGER = re.compile(r"^[+-]?[0-9]{1,30}$")
MAX_ROWS = 1_000_000  # --limit: more would not be read by anyone, and is held in memory


def bounded_int(low: int, high: int, what: str = "a whole number"):
    def parse(value: str) -> int:
        text = value.strip()
        # At most 30 digits: int() of a 5,000-digit string is itself refused by Python.
        if not _INTEGER.match(text):
            raise argparse.ArgumentTypeError(f"{value[:40]!r} is not {what} from {low} to {high}")
        number = int(text)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{value[:40]} is out of range: give {what} from {low} to {high}")
        return number

    parse.__name__ = what  # argparse names the type in its "invalid ... value" message
    return parse


def bounded_float(low: float, high: float, what: str = "a number of seconds"):
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value[:40]!r} is not {what}") from None
        if not math.isfinite(number) or not low <= number <= high:
            raise argparse.ArgumentTypeError(
                f"{value[:40]} is out of range: give {what} from {_num(low)} to {_num(high)}")
        return number

    parse.__name__ = what
    return parse


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.0f}"


def since_date(value: str) -> datetime:
    """YYYY-MM-DD or an ISO-8601 date-time; without a zone it is UTC."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value[:40]!r} is not a date: use YYYY-MM-DD (e.g. 2020-01-01) or an ISO-8601 date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


ALERT_ID = bounded_int(1, BIGINT_MAX, "an alert id")
ROW_LIMIT = bounded_int(1, MAX_ROWS, "a row count")
