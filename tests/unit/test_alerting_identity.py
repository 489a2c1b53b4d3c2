"""Event identity: one key per topic, target, event family, country and 14-day window."""
from datetime import date, datetime, timezone

from consumers.alerting.identity import (
    WINDOW_DAYS, country_in_text, country_of_place, event_key, identify, resolve_country, source_of, window_start,
)

T = "arrests-of-opposition-leaders"


def ident(**kw):
    base = dict(frame_place=None, dateline="PHNOM PENH", evidence="Kem Sokha was arrested.",
                headline="h", published_at=None, received_at="2017-09-05T10:00:00+00:00")
    base.update(kw)
    return identify(T, "Kem Sokha", "arrest", **base)


def test_same_event_from_different_stories_has_the_same_key():
    a = ident()
    b = ident(dateline=None, evidence="Cambodian opposition leader Kem Sokha was detained.",
              received_at="2017-09-07T23:00:00+00:00")
    assert a.country == b.country == "Cambodia"
    assert a.event_key == b.event_key


def test_target_is_case_and_space_insensitive():
    assert identify(T, "kem  SOKHA", "arrest", frame_place=None, dateline="Phnom Penh", evidence="", headline="",
                    published_at=None, received_at="2017-09-05T10:00:00Z").event_key == ident().event_key


def test_published_time_wins_over_received_time():
    a = ident(published_at="2017-09-03T00:00:00+00:00", received_at="2026-01-01T00:00:00+00:00")
    assert a.window_start == window_start(datetime(2017, 9, 3, tzinfo=timezone.utc))


def test_different_topic_event_country_or_window_give_different_keys():
    a = ident()
    assert identify("other", "Kem Sokha", "arrest", frame_place=None, dateline="PHNOM PENH", evidence="",
                    headline="", published_at=None, received_at="2017-09-05T10:00:00+00:00").event_key != a.event_key
    assert ident(dateline="MOSCOW", evidence="x").event_key != a.event_key
    assert ident(received_at="2017-10-30T10:00:00+00:00").event_key != a.event_key
    assert event_key(T, "Kem Sokha", "release", "Cambodia", a.window_start) != a.event_key


def test_windows_are_fourteen_days_on_a_fixed_grid():
    starts = {window_start(datetime(2017, 9, d, tzinfo=timezone.utc)) for d in range(1, 29)}
    assert all((s - date(1970, 1, 5)).days % WINDOW_DAYS == 0 for s in starts)
    assert len(starts) in (2, 3)


def test_country_resolution():
    assert country_of_place("PHNOM PENH") == "Cambodia"
    assert country_of_place("VALPARAISO, Chile") == "Chile"
    assert country_of_place("Atlantis") is None
    assert country_in_text("Ugandan police arrested him") == "Uganda"
    assert country_in_text("nothing here") is None
    assert resolve_country(None, None, "no place", "Cambodia charges leader") == "Cambodia"
    assert resolve_country("Moscow", "PHNOM PENH", None, None) == "Russia"  # the frame's place first


def test_identity_to_dict_round_trips_the_essentials():
    d = ident().to_dict()
    assert d["country"] == "Cambodia" and d["window_days"] == 14 and len(d["event_key"]) == 64


def test_source_is_the_host_else_feed_else_source_kind():
    assert source_of("https://www.Reuters.com/a/b", None, "rss") == "reuters.com"
    assert source_of(None, "https://feeds.example.org/x.xml", "rss") == "feeds.example.org"
    assert source_of(None, None, "reuters-text") == "reuters-text"
    assert source_of(None, "/data/wire/story.txt", "reuters-text") == "reuters-text"
    assert source_of(None, "AFP", "ninjs") == "afp"
