"""Delivery rules: validation with file:line errors, and planning (digest, cap, quiet hours, mute)."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from consumers.alerting.delivery_config import (
    DeliveryFileError, DeliveryRule, DeliveryRulesSource, load_delivery, parse_delivery, parse_recipients,
)
from consumers.alerting.delivery_schedule import delivery_key, digest_batch_key, next_slot, plan_delivery, quiet_until
from tests.conftest import ROOT

UTC = timezone.utc
PARIS = ZoneInfo("Europe/Paris")


def test_the_shipped_file_is_valid():
    config = load_delivery(ROOT / "config" / "delivery.yaml", ("ops@example.org",))
    assert config.recipients_for("anything") == [("default", "ops@example.org")]


def test_errors_name_file_and_line_all_at_once():
    text = """timezone: Mars/Olympus
rules:
  - name: Bad Name
    topics: ["*"]
    recipients: [not-an-address, "a@b.c\\r\\nBcc: x@y.z"]
  - name: digest
    topics: [t]
    mode: digest
  - name: ok
    topics: [t]
    quiet_hours: {start: "25:00", end: "07:00"}
    snooze_until: 2026-12-01T08:00:00
    colour: blue
"""
    with pytest.raises(DeliveryFileError) as err:
        parse_delivery(text, "delivery.yaml")
    msgs = [str(e) for e in err.value.errors]
    assert "delivery.yaml:1: file: timezone: unknown time zone 'Mars/Olympus'" in msgs[0]
    expected = [(3, "must be a slug"), (5, "invalid email address 'not-an-address'"), (5, "invalid email address"),
                (6, "a digest needs every_minutes or daily_at"), (11, "quiet_hours.start"),
                (12, "give a UTC offset"), (13, "unknown key 'colour'")]
    for line, needle in expected:
        assert any(m.startswith(f"delivery.yaml:{line}:") and needle in m for m in msgs), (line, needle, msgs)


def test_invalid_yaml_reports_its_line():
    with pytest.raises(DeliveryFileError, match=r"x.yaml:3: invalid YAML"):
        parse_delivery("rules:\n  - name: a\n   topics: [\n", "x.yaml")


def test_recipients_each_once_first_rule_wins_and_defaults_fill_in():
    config = parse_delivery("""
rules:
  - {name: desk, topics: [t1], recipients: [a@x.org, B@x.org]}
  - {name: all, topics: ["*"], recipients: [b@x.org, c@x.org]}
  - {name: fallback, topics: [t2]}
""", "d.yaml", default_recipients=("ops@x.org",))
    assert config.recipients_for("t1") == [("desk", "a@x.org"), ("desk", "B@x.org"), ("all", "c@x.org")]
    assert config.recipients_for("t2") == [("all", "b@x.org"), ("all", "c@x.org"), ("fallback", "ops@x.org")]


def test_parse_recipients_drops_invalid_ones():
    assert parse_recipients(" a@x.org, bad, b@y.org\r\nBcc: z@z.org ,") == ("a@x.org",)


def test_immediate_sends_now():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    plan = plan_delivery(DeliveryRule("r"), now)
    assert plan.action == "send" and plan.due == now and plan.digest_slot is None


def test_digest_every_n_minutes_uses_a_local_grid():
    rule = DeliveryRule("d", mode="digest", every_minutes=15, timezone="Asia/Kolkata")  # UTC+05:30
    now = datetime(2026, 3, 2, 12, 7, tzinfo=UTC)  # 17:37 local
    plan = plan_delivery(rule, now)
    assert plan.digest_slot == datetime(2026, 3, 2, 12, 15, tzinfo=UTC) == plan.due
    assert plan_delivery(rule, plan.digest_slot).digest_slot == plan.digest_slot + timedelta(minutes=15)


def test_daily_digest_in_a_time_zone_across_dst():
    rule = DeliveryRule("d", mode="digest", daily_at=time(8, 0), timezone="Europe/Paris")
    # 2026-03-29 is the spring-forward day in Paris: 08:00 local is 06:00 UTC, the day before 07:00 UTC.
    assert (next_slot(None, time(8), PARIS, datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
            == datetime(2026, 3, 29, 6, 0, tzinfo=UTC))
    assert plan_delivery(rule, datetime(2026, 3, 28, 6, 30, tzinfo=UTC)).due == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)


def test_over_the_cap_rolls_into_the_next_digest():
    rule = DeliveryRule("r", cap_per_hour=3, overflow_every_minutes=60)
    now = datetime(2026, 3, 2, 12, 20, tzinfo=UTC)
    assert plan_delivery(rule, now, sent_last_hour=2).digest_slot is None
    plan = plan_delivery(rule, now, sent_last_hour=3)
    assert plan.digest_slot == datetime(2026, 3, 2, 13, 0, tzinfo=UTC) and "cap of 3/hour" in plan.reason


def test_quiet_hours_wrap_midnight_and_delay_until_they_end():
    rule = DeliveryRule("r", quiet_hours=(time(22), time(7)), timezone="Europe/Paris")
    late = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)  # 23:30 in Paris (UTC+2)
    assert quiet_until(rule, late) == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)
    early = datetime(2026, 7, 2, 3, 0, tzinfo=UTC)  # 05:00 Paris
    assert plan_delivery(rule, early).due == datetime(2026, 7, 2, 5, 0, tzinfo=UTC)
    assert quiet_until(rule, datetime(2026, 7, 2, 10, 0, tzinfo=UTC)) is None
    day = DeliveryRule("r", quiet_hours=(time(12), time(14)))
    assert quiet_until(day, datetime(2026, 7, 2, 13, 0, tzinfo=UTC)) == datetime(2026, 7, 2, 14, 0, tzinfo=UTC)


def test_quiet_hours_keep_the_digest_slot_identity():
    rule = DeliveryRule("d", mode="digest", every_minutes=60, quiet_hours=(time(22), time(7)))
    plan = plan_delivery(rule, datetime(2026, 7, 1, 22, 10, tzinfo=UTC))
    assert plan.digest_slot == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert plan.due == datetime(2026, 7, 2, 7, 0, tzinfo=UTC)


def test_snooze_waits_and_mute_drops():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    snoozed = DeliveryRule("r", snooze_until=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    assert plan_delivery(snoozed, now).due == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    muted = DeliveryRule("r", mute_until=datetime(2026, 3, 3, tzinfo=UTC))
    assert plan_delivery(muted, now).action == "mute"
    assert plan_delivery(muted, datetime(2026, 3, 4, tzinfo=UTC)).action == "send"
    assert plan_delivery(DeliveryRule("r"), now, alert_muted=True).action == "mute"


def test_keys_are_deterministic_and_distinct():
    slot = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)
    assert digest_batch_key("A@x.org", "d", slot) == digest_batch_key("a@x.org", "d", slot)
    assert delivery_key("e", 0, "a@x.org") != delivery_key("e", 1, "a@x.org")
    assert delivery_key("e", 0, "A@x.org") == delivery_key("e", 0, "a@x.org")


def test_source_hot_reload_keeps_last_good_rules(tmp_path):
    path = tmp_path / "delivery.yaml"
    path.write_text("rules:\n  - {name: a, topics: ['*'], recipients: [a@x.org]}\n")
    src = DeliveryRulesSource(path)
    assert src.current().rules[0].name == "a"
    path.write_text("rules:\n  - {name: b, topics: ['*'], recipients: [b@x.org], mode: bogus}\n")
    assert src.current().rules[0].name == "a"  # broken edit: kept
    path.write_text("rules:\n  - {name: c, topics: ['*'], recipients: [c@x.org]}\n# changed size\n")
    assert src.current().rules[0].name == "c"
    with pytest.raises(DeliveryFileError):
        bad = tmp_path / "bad.yaml"
        bad.write_text("rules: 3\n")
        DeliveryRulesSource(bad).current()
