"""When to poll a feed next: the interval after a success, exponential backoff after failures.

Pure: times are passed in, randomness (jitter) is passed in. Each feed backs off on its
own; one failing feed never delays another.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

MIN_INTERVAL = 5.0          # seconds; protects publishers from a typo like `interval: 0`
MAX_BACKOFF = 3600.0        # a broken feed is still retried every hour
JITTER = 0.1                # +-10% spreads feeds that were added together


@dataclass(frozen=True)
class Outcome:
    """What a poll produced, as far as scheduling cares."""

    ok: bool                           # fetched (200 or 304) and read as a feed
    retry_after: float | None = None   # seconds, from a 429/503 Retry-After header


def clamp_interval(interval: float) -> float:
    return max(MIN_INTERVAL, float(interval))


def backoff_delay(interval: float, failures: int, *, max_backoff: float = MAX_BACKOFF) -> float:
    """interval * 2^failures, capped (failures >= 1 is the count including this one)."""
    base = clamp_interval(interval)
    return min(max_backoff, base * (2 ** max(0, min(failures, 30))))


def next_poll(now: datetime, interval: float, failures_before: int, outcome: Outcome,
              jitter: float = 0.0) -> tuple[datetime, int]:
    """(next poll time, consecutive failures after this poll). `jitter` in [-1, 1]."""
    if outcome.ok:
        delay, failures = clamp_interval(interval), 0
    else:
        failures = failures_before + 1
        delay = backoff_delay(interval, failures)
        if outcome.retry_after:
            delay = max(delay, min(outcome.retry_after, 6 * MAX_BACKOFF))
    delay *= 1.0 + JITTER * max(-1.0, min(1.0, jitter))
    return now + timedelta(seconds=delay), failures


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def is_due(next_poll_at: datetime | None, now: datetime) -> bool:
    return next_poll_at is None or next_poll_at <= now
