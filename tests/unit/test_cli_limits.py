"""Out-of-range numbers, dates and durations on the command line are usage errors (exit 2)
that say what is allowed, not tracebacks from PostgreSQL or datetime (no services needed)."""
from __future__ import annotations

import argparse
from datetime import datetime, timezone

import pytest

from wirewatch.cli import build_parser, main
from wirewatch.cli.args import ALERT_ID, ROW_LIMIT, since_date

HUGE = "99999999999999999999"
ID_10_23 = str(10**23)  # 24 digits: past PostgreSQL bigint


@pytest.mark.parametrize("argv, hint", [
    (["alerts", "--limit", HUGE], "from 1 to 1000000"),
    (["alerts", "--limit", "0"], "from 1 to 1000000"),
    (["alerts", "--limit", "-5"], "from 1 to 1000000"),
    (["alerts", "show", ID_10_23], "alert id from 1 to 9223372036854775807"),
    (["alerts", "ack", "0"], "alert id from 1"),
    (["alerts", "rate", ID_10_23, "good"], "alert id from 1"),
    (["alerts", "show", "9" * 5000], "is not an alert id"),
    (["alerts", "show", "1.5"], "is not an alert id"),
    (["deliveries", "--limit", HUGE], "from 1 to 1000000"),
    (["deliveries", "--retry", ID_10_23], "delivery id from 1"),
    (["dlq", "list", "--limit", HUGE], "from 1 to 1000000"),
    (["consume", "--until-idle", "nan"], "out of range"),
    (["consume", "--until-idle", "inf"], "out of range"),
    (["consume", "--until-idle", "-1"], "out of range"),
    (["eval", "ner", "--limit", HUGE], "number of articles from 1"),
    (["backtest", "--topic", "x", "--since", "yesterday"], "use YYYY-MM-DD"),
    (["backtest", "--topic", "x", "--since", "2020-13-45"], "use YYYY-MM-DD"),
])
def test_out_of_range_arguments_are_usage_errors_with_a_hint(argv, hint, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert hint in err
    assert "Traceback" not in err and len(err) < 2000


@pytest.mark.parametrize("value", ["999999999999d", "36501d", "9" * 5000 + "s", "999999999999w"])
def test_db_prune_with_an_absurd_duration_says_the_maximum(value, capsys):
    assert main(["db", "prune", "--older-than", value]) == 2  # before any database access
    err = capsys.readouterr().err
    assert "at most 36500d (100 years)" in err and "Traceback" not in err and len(err) < 500


def test_valid_values_still_parse():
    args = build_parser().parse_args(["alerts", "show", "9223372036854775807"])
    assert args.id == 2**63 - 1
    assert build_parser().parse_args(["alerts", "--limit", "1000000"]).limit == 1_000_000
    assert build_parser().parse_args(["consume", "--until-idle", "0.5"]).until_idle == 0.5
    assert ALERT_ID("+7") == 7 and ROW_LIMIT(" 20 ") == 20
    args = build_parser().parse_args(["backtest", "--topic", "x", "--since", "2020-01-01"])
    assert args.since == datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert since_date("2020-01-01T05:00:00+02:00").utcoffset().total_seconds() == 7200


def test_type_errors_are_argparse_errors():
    with pytest.raises(argparse.ArgumentTypeError):
        ROW_LIMIT("1e3")


def test_feed_interval_and_timeout_refuse_nan_and_infinity():
    import pytest

    from producers.registry import RegistryError, _interval
    from wirewatch.cli import build_parser

    for value in ("nan", "inf", "1e300", "0"):
        with pytest.raises(SystemExit) as exc:
            build_parser().parse_args(["feeds", "add", "http://example.com/feed", "--interval", value])
        assert exc.value.code == 2
        with pytest.raises(RegistryError):
            _interval(value, "feeds.yaml")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["feeds", "poll", "--once", "--timeout", "nan"])
