"""Pure producer policy: dedup decisions, poll scheduling/backoff, registry file, feed health."""
from datetime import datetime, timedelta, timezone

import pytest

from producers.dedup import Seen, Verdict, decide, unique_by_id
from producers.feeds import FeedResult, feed_health
from producers.registry import RegistryError, parse_registry
from producers.schedule import MAX_BACKOFF, Outcome, backoff_delay, next_poll, parse_retry_after
from schemas.messages import WireItem

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def item(id_="rss-1", body="text", h="hash-a"):
    return WireItem(id=id_, source="rss", headline="H", body=body, received_at=NOW.isoformat(), content_hash=h)


def test_new_changed_unchanged():
    assert decide(item(), None).verdict is Verdict.NEW and decide(item(), None).version == 1
    same = decide(item(h="hash-a"), Seen(3, "hash-a", "story-1"))
    assert same.verdict is Verdict.UNCHANGED and not same.publish
    changed = decide(item(h="hash-b"), Seen(3, "hash-a", "story-1"))
    assert (changed.verdict, changed.version, changed.story_id) == (Verdict.CHANGED, 4, "story-1")


def test_repeats_in_one_feed_fold_to_one():
    items, repeats = unique_by_id([item("a"), item("b"), item("a", h="x")])
    assert [i.id for i in items] == ["a", "b"] and repeats == 1 and items[0].content_hash == "x"


def test_success_keeps_interval_failures_back_off_per_feed():
    when, failures = next_poll(NOW, 60, 0, Outcome(True))
    assert (when - NOW) == timedelta(seconds=60) and failures == 0
    when, failures = next_poll(NOW, 60, 2, Outcome(False))
    assert failures == 3 and (when - NOW) == timedelta(seconds=60 * 8)
    assert backoff_delay(60, 30) == MAX_BACKOFF
    when, _ = next_poll(NOW, 60, 0, Outcome(False, retry_after=900))
    assert (when - NOW) == timedelta(seconds=900)
    when, _ = next_poll(NOW, 100, 0, Outcome(True), jitter=1.0)
    assert (when - NOW) == timedelta(seconds=110)


def test_retry_after_seconds_or_date():
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Tue, 01 Dec 2026 12:05:00 GMT", NOW) == 300
    assert parse_retry_after("soon", NOW) is None


def test_registry_file(tmp_path):
    cfg = parse_registry("""
defaults: {interval: 60}
feeds:
  - url: https://example.org/a.rss
    name: A
  - https://example.org/b.rss
watch_dirs:
  - path: drop
poller: {queue_items: 10, read_timeout: 2}
""", "t.yaml", base_dir=tmp_path)
    assert [(f.url, f.interval, f.kind) for f in cfg.feeds] == [
        ("https://example.org/a.rss", 60, "http"), ("https://example.org/b.rss", 60, "http"),
        (f"dir:{tmp_path / 'drop'}", 5, "dir")]
    assert cfg.options.queue_items == 10 and cfg.options.read_timeout == 2.0
    for bad in ("feeds: [{url: ftp://x/y}]", "feeds: [{url: 'https://x/a', interval: 0}]", "pollr: {}",
                "poller: {queue: 3}", "feeds: [https://x/a, https://x/a]"):
        with pytest.raises(RegistryError):
            parse_registry(bad, "t.yaml")


def test_feed_health():
    assert feed_health(FeedResult("x"), 0).status == "error"
    assert "not a feed" in feed_health(FeedResult("x", bozo=True, bozo_reason="SAX: junk"), 100).error
    assert feed_health(FeedResult("x", items=[item()], bozo=True, bozo_reason="r", version="rss20"), 9).status == "bozo"
    assert feed_health(FeedResult("x", bozo=True, bozo_reason="r", version="rss20"), 9).failed
    assert feed_health(FeedResult("x", version="rss20"), 9).status == "ok"
