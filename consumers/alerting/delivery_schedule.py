"""Delivery scheduling: a rule and a clock → when (and how) one delivery goes out.

``plan_delivery`` is the pure decision the notifier makes for each new delivery:
mute → drop; snooze → wait; digest (or over the hourly cap) → the next digest slot;
quiet hours → wait until they end. Digest slots sit on a grid in the rule's local time,
and every delivery of one recipient, rule and slot shares a batch key, so they go out
as ONE email. The rules themselves come from consumers/alerting/delivery_config.py.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from consumers.alerting.delivery_config import DeliveryRule


@dataclass(frozen=True)
class Plan:
    action: str                 # "send" (at `due`) or "mute" (drop the delivery)
    due: datetime
    digest_slot: datetime | None = None  # set: the delivery joins this digest
    reasons: tuple[str, ...] = field(default=())

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) or "immediate"


def _utc(t: datetime) -> datetime:
    return t.astimezone(timezone.utc)


def next_slot(every_minutes: int | None, daily_at: time | None, tz: ZoneInfo, after: datetime) -> datetime:
    """The first digest slot strictly after `after` (UTC result)."""
    local = after.astimezone(tz)
    if daily_at is not None:
        cand = datetime.combine(local.date(), daily_at, tzinfo=tz)
        if cand <= local:
            cand = datetime.combine(local.date() + timedelta(days=1), daily_at, tzinfo=tz)
        return _utc(cand)
    step = every_minutes or 60
    midnight = datetime.combine(local.date(), time(0), tzinfo=tz)
    minutes = (local - midnight).total_seconds() / 60
    n = int(minutes // step) + 1
    cand = midnight + timedelta(minutes=n * step)
    next_midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz)
    return _utc(min(cand, next_midnight))


def quiet_until(rule: DeliveryRule, t: datetime) -> datetime | None:
    """The end of the quiet hours `t` falls in, else None. Windows may wrap midnight."""
    if rule.quiet_hours is None:
        return None
    start, end = rule.quiet_hours
    tz = rule.tz
    local = t.astimezone(tz)
    now = local.time()
    if start < end:
        inside = start <= now < end
        end_day = local.date()
    else:  # wraps midnight, e.g. 22:00-07:00
        inside = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return _utc(datetime.combine(end_day, end, tzinfo=tz))


def plan_delivery(rule: DeliveryRule, now: datetime, *, sent_last_hour: int = 0,
                  alert_muted: bool = False) -> Plan:
    """When to send one new delivery under `rule` (pure; the notifier supplies the counts).

    1. The alert is muted (``wirewatch alerts mute``) or the rule is muted now → drop.
    2. Snoozed → wait until the snooze ends.
    3. Digest mode → the next digest slot after that; immediate mode with
       `sent_last_hour` >= cap_per_hour → the next overflow digest slot (the rule's own
       digest schedule if it has one, else every ``overflow_every_minutes``).
    4. Quiet hours at that time → wait until they end (a digest keeps its slot identity,
       so everything of that slot still goes out as one email).
    """
    if alert_muted:
        return Plan("mute", now, None, ("alert muted",))
    if rule.mute_until is not None and now < rule.mute_until:
        return Plan("mute", now, None, (f"rule {rule.name} muted until {rule.mute_until.isoformat()}",))
    reasons: list[str] = []
    t = now
    if rule.snooze_until is not None and t < rule.snooze_until:
        t = _utc(rule.snooze_until)
        reasons.append(f"snoozed until {rule.snooze_until.isoformat()}")
    slot = None
    if rule.mode == "digest":
        slot = next_slot(rule.every_minutes, rule.daily_at, rule.tz, t)
        reasons.append(f"digest at {slot.astimezone(rule.tz).strftime('%Y-%m-%d %H:%M %Z')}")
    elif rule.cap_per_hour is not None and sent_last_hour >= rule.cap_per_hour:
        every = rule.every_minutes or (None if rule.daily_at else rule.overflow_every_minutes)
        slot = next_slot(every, rule.daily_at, rule.tz, t)
        reasons.append(f"over the cap of {rule.cap_per_hour}/hour: rolled into the digest at "
                       f"{slot.astimezone(rule.tz).strftime('%Y-%m-%d %H:%M %Z')}")
    if slot is not None:
        t = slot
    end = quiet_until(rule, t)
    if end is not None:
        t = end
        reasons.append(f"quiet hours until {end.astimezone(rule.tz).strftime('%H:%M %Z')}")
    return Plan("send", _utc(t), slot, tuple(reasons))


def digest_batch_key(recipient: str, rule: str, slot: datetime) -> str:
    return hashlib.sha256(f"digest\x1f{recipient.lower()}\x1f{rule}\x1f{_utc(slot).isoformat()}".encode()).hexdigest()


def delivery_key(event_key: str, level: int, recipient: str) -> str:
    """Idempotency key of one delivery: the alert's event, its escalation level, the recipient."""
    return hashlib.sha256(f"delivery\x1f{event_key}\x1f{level}\x1f{recipient.lower()}".encode()).hexdigest()
