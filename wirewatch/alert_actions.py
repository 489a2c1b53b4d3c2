"""The analyst's writes: acknowledge, mute, unmute and rate alerts, requeue a delivery.

Each is one transaction; a missing row is reported as None/False, never as an exception.
SQLAlchemy is imported inside the functions: the CLI parser takes RATINGS from here, and
`wirewatch --help` should not load it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

RATINGS = ("good", "bad")
STATE_ACTIONS = ("ack", "mute", "unmute")


@dataclass(frozen=True)
class StateChange:
    alert_id: int
    action: str
    dropped: int = 0  # pending emails a mute dropped


def set_alert_state(engine: Engine, alert_id: int, action: str) -> StateChange | None:
    """ack / mute / unmute one alert; None when there is no such alert. Muting drops its pending emails."""
    from sqlalchemy import update

    from schemas.tables import Alert, Delivery

    if action not in STATE_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(STATE_ACTIONS)}, not {action!r}")
    now = datetime.now(timezone.utc)
    values = {"ack": {"acked_at": now}, "mute": {"muted_at": now}, "unmute": {"muted_at": None}}[action]
    with engine.begin() as conn:
        found = conn.execute(update(Alert).where(Alert.id == alert_id).values(**values).returning(Alert.id)).first()
        if found is None:
            return None
        dropped = 0
        if action == "mute":
            dropped = conn.execute(update(Delivery).where(Delivery.alert_id == alert_id, Delivery.status == "pending")
                                   .values(status="muted", last_error="alert muted by an operator")).rowcount
    return StateChange(alert_id, action, dropped)


def rate_alert(engine: Engine, alert_id: int, rating: str, note: str | None = None,
               rated_by: str | None = None) -> int | None:
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


def requeue_delivery(engine: Engine, delivery_id: int) -> bool:
    """Put one failed or uncertain delivery back in the queue; False if it is neither."""
    from sqlalchemy import update

    from consumers.alerting.notifier import FAILED_STATES
    from schemas.tables import Delivery

    with engine.begin() as conn:
        row = conn.execute(
            update(Delivery).where(Delivery.id == delivery_id, Delivery.status.in_(FAILED_STATES))
            .values(status="pending", attempts=0, next_attempt_at=datetime.now(timezone.utc),
                    last_error="requeued by an operator").returning(Delivery.id)).first()
    return row is not None
