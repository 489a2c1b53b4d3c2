"""Retention: forget old story text and mentions, keep every alert and its evidence.

`prune(engine, older_than)` works on items RECEIVED before now - older_than:

- items.body is set to NULL (headline, url and every other column stay; the generated
  search_vector is recomputed, so a pruned story is still found by its headline);
- their item_entities rows (mentions with offsets) are deleted; entities stay.

alerts and alert_items are not touched, so alerts_v and every evidence sentence
survive. It runs in batches (one short transaction each), so the consumer is never
blocked for long, and running it twice is harmless (the second run finds nothing).

`wirewatch db prune --older-than 90d [--dry-run]` calls it (wirewatch/cli/sql.py); the
daemon calls it once a day when the setting `prune_older_than` is not empty
(`start_daily_prune`).
"""
from __future__ import annotations

import logging
import re
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger("wirewatch.adapters.postgres_retention")

UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PART = re.compile(r"(\d+)\s*([smhdw])")
_WHOLE = re.compile(r"^(?:\s*\d+\s*[smhdw])+\s*$")
BATCH = 5000
DAY = timedelta(days=1)
MAX_DURATION = timedelta(days=36500)  # 100 years: far enough back, and now - it stays a valid date
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TOO_LONG = 10**30


def _shown(value) -> str:
    return repr(value[:40] + "..." if isinstance(value, str) and len(value) > 40 else value)


def parse_duration(value: str) -> timedelta:
    """'90d', '12h', '4w', '30m', '45s', or combinations such as '1w2d'. Must be > 0."""
    if not isinstance(value, str) or not _WHOLE.match(value.strip().lower()):
        raise ValueError(f"invalid duration {_shown(value)}: use a number and a unit s, m, h, d or w, "
                         "e.g. 90d, 12h, 4w")
    seconds = 0
    for number, unit in _PART.findall(value.strip().lower()):
        # In whole seconds first: timedelta (and datetime.now() - it) overflow long before
        # a Python int does. 30 digits is far past MAX_DURATION in any unit.
        seconds += int(number) * _SECONDS[unit] if len(number) <= 30 else _TOO_LONG
        if seconds > MAX_DURATION.total_seconds():
            raise ValueError(f"invalid duration {_shown(value)}: at most {MAX_DURATION.days}d (100 years), e.g. 90d")
    total = timedelta(seconds=seconds)
    if total <= timedelta(0):
        raise ValueError(f"invalid duration {_shown(value)}: must be longer than zero")
    return total


def retention_setting(value: str | None) -> timedelta | None:
    """The `prune_older_than` setting: empty (or off/none/0) disables pruning, else a duration."""
    if value is None or value.strip().lower() in ("", "off", "none", "0"):
        return None
    return parse_duration(value)


_CANDIDATES = """
    SELECT i.id FROM items i
    WHERE i.received_at < :cutoff
      AND (i.body IS NOT NULL OR EXISTS (SELECT 1 FROM item_entities m WHERE m.item_id = i.id))
      AND i.id > :after
    ORDER BY i.id
    LIMIT :batch
"""


def prune(engine: Engine, older_than: timedelta, dry_run: bool = False, *, now: datetime | None = None,
          batch: int = BATCH) -> dict:
    """Clear bodies and delete mentions of items received more than `older_than` ago.

    Returns {"cutoff", "dry_run", "items" (items touched), "bodies" (bodies cleared),
    "mentions" (item_entities rows deleted), "alerts_kept", "evidence_kept"}. With dry_run,
    the same counts for what WOULD be removed, and nothing changes.
    """
    if older_than <= timedelta(0):
        raise ValueError("older_than must be longer than zero")
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    counts = {"cutoff": cutoff.isoformat(), "dry_run": dry_run, "items": 0, "bodies": 0, "mentions": 0}
    if dry_run:
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT count(*) FILTER (WHERE i.body IS NOT NULL) AS bodies,"
                " count(*) FILTER (WHERE i.body IS NOT NULL OR EXISTS (SELECT 1 FROM item_entities m"
                "   WHERE m.item_id = i.id)) AS items "
                "FROM items i WHERE i.received_at < :cutoff"), {"cutoff": cutoff}).one()
            mentions = conn.execute(text(
                "SELECT count(*) FROM item_entities m JOIN items i ON i.id = m.item_id "
                "WHERE i.received_at < :cutoff"), {"cutoff": cutoff}).scalar_one()
        counts.update(items=row.items, bodies=row.bodies, mentions=mentions)
    else:
        after = ""
        while True:
            with engine.begin() as conn:
                params = {"cutoff": cutoff, "after": after, "batch": batch}
                ids = conn.execute(text(_CANDIDATES), params).scalars().all()
                if not ids:
                    break
                counts["mentions"] += conn.execute(
                    text("DELETE FROM item_entities WHERE item_id = ANY(:ids)"), {"ids": ids}).rowcount
                counts["bodies"] += conn.execute(
                    text("UPDATE items SET body = NULL WHERE id = ANY(:ids) AND body IS NOT NULL"),
                    {"ids": ids}).rowcount
                counts["items"] += len(ids)
                after = ids[-1]
            if len(ids) < batch:
                break
    with engine.connect() as conn:
        counts["alerts_kept"] = conn.execute(text("SELECT count(*) FROM alerts")).scalar_one()
        counts["evidence_kept"] = conn.execute(text("SELECT count(*) FROM alert_items")).scalar_one()
    return counts


def summary(counts: dict) -> str:
    verb = "would clear" if counts["dry_run"] else "cleared"
    return (f"items received before {counts['cutoff']}: {verb} {counts['bodies']} bodies and "
            f"{counts['mentions']} mentions in {counts['items']} items; "
            f"kept {counts['alerts_kept']} alerts and {counts['evidence_kept']} evidence rows")


class DailyPrune:
    """Calls prune() at start, then every `every` (a day), until `stop` is set. Errors are
    logged and retried at the next turn; they never stop the daemon."""

    def __init__(self, engine: Engine, older_than: timedelta, every: timedelta = DAY) -> None:
        self.engine = engine
        self.older_than = older_than
        self.every = every
        self.runs = 0
        self.last: dict | None = None

    def run_once(self) -> dict | None:
        try:
            self.last = prune(self.engine, self.older_than)
            log.info("retention: %s", summary(self.last))
        except Exception:  # noqa: BLE001 - a failed prune must not take the daemon down
            log.exception("retention: prune failed; retrying in %s", self.every)
            self.last = None
        self.runs += 1
        return self.last

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.run_once()
            if stop.wait(self.every.total_seconds()):
                break


def start_daily_prune(engine: Engine, prune_older_than: str | None,
                      stop: threading.Event) -> threading.Thread | None:
    """For `wirewatch run`: a daemon thread pruning once a day, or None when the
    setting (`settings.prune_older_than`) is empty."""
    older_than = retention_setting(prune_older_than)
    if older_than is None:
        return None
    pruner = DailyPrune(engine, older_than)
    thread = threading.Thread(target=pruner.run, args=(stop,), name="retention", daemon=True)
    thread.start()
    log.info("retention: pruning item bodies and mentions older than %s once a day", older_than)
    return thread
