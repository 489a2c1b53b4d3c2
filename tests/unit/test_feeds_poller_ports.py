"""The feed poller loop on in-memory fakes of its ports: no database, broker or network."""
from __future__ import annotations

import threading

from producers.dedup import Seen
from producers.feeds import parse_feed
from producers.polling.buffer import Batch
from producers.polling.poller import FeedPoller
from producers.polling.ports import FeedRow, FetchError, FetchResult, ReadBack
from producers.polling.reconcile import read_back
from producers.registry import FeedsConfig, FeedSpec, PollerOptions
from schemas.messages import encode


def rss(prefix: str, n: int) -> bytes:
    items = "".join(f"<item><guid>{prefix}-{i}</guid><title>{prefix} story {i}</title>"
                    f"<description>NAIROBI (Reuters) - Body {i}.</description></item>" for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


class Store:
    """Just enough of the FeedStore port, in memory."""

    def __init__(self) -> None:
        self.feeds: dict[int, FeedRow] = {}
        self.items: dict[str, Seen] = {}
        self.journaled: dict[tuple[str, int], tuple] = {}
        self.polls: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    def refused(self, exc):
        return False

    def sync_registry(self, config):
        for i, spec in enumerate(config.feeds, 1):
            self.feeds[i] = FeedRow(i, spec.url, spec.name, spec.kind, spec.interval, None, None, 0, None)

    def due(self, now, force=False):
        return list(self.feeds.values())

    def record_poll(self, feed, **kw):
        with self._lock:
            self.polls.append((feed.url, kw))

    def finish_batch(self, *args):
        pass

    def seen(self, ids):
        return {i: self.items[i] for i in ids if i in self.items}

    def story_candidates(self, keys, since):
        return {}

    def journal(self, topic, rows):
        self.journaled.update({(r[0].id, r[0].version): r for r in rows})
        return []

    def outbox(self, topic):
        return list(self.journaled.values())

    def checkpoints(self, topic):
        return {}

    def mark(self, topic, sent, checkpoint=None, only_if_outbox_empty=True):
        for s in sent:
            self.items[s.item_id] = Seen(s.version, s.content_hash, s.story_id)
            self.journaled.pop((s.item_id, s.version), None)


class Lock:
    schema = "fake"

    def acquire(self):
        return True

    def release(self):
        pass


class Delivered:
    def __init__(self, offset):
        self.partition, self.offset = 0, offset

    def get(self, timeout=None):
        return self


class Bus:
    def __init__(self):
        self.keys: list[bytes] = []
        self.closed = False

    def send(self, topic, key, value):
        self.keys.append(key)
        return Delivered(len(self.keys) - 1)

    def flush(self, timeout=None):
        pass

    def close(self):
        self.closed = True


class Counts:
    def __init__(self):
        self.errors = self.fetched = self.published = 0

    def feed_errors(self, n=1):
        self.errors += n

    def items_fetched(self, n):
        self.fetched += n

    def items_published(self, n):
        self.published += n


def fetch(url, *, etag=None, last_modified=None):
    if url.endswith("/down"):
        raise FetchError("HTTP 503 Service Unavailable", kind="http", status=503, retry_after="60")
    return FetchResult(url, 200, rss(url[-1], 5), {"content-type": "application/rss+xml"})


def nothing_in_topic(topic, marks, keys):
    return ReadBack([], {}, 0)


def poller(store, bus, counts=None) -> FeedPoller:
    config = FeedsConfig([FeedSpec("https://wire.example/a", "a"), FeedSpec("https://wire.example/b", "b"),
                          FeedSpec("https://wire.example/down", "down")], PollerOptions(fetch_workers=2))
    return FeedPoller(store=store, lock=Lock(), connect=lambda: bus, fetch=fetch, reader=nothing_in_topic,
                      topic="items", config=config, observer=counts)


def test_publishes_each_item_once_records_failures_and_closes_the_bus():
    store, bus, counts = Store(), Bus(), Counts()
    with poller(store, bus, counts) as p:
        report = p.poll_once(timeout=30)
    assert (report.feeds, report.published, report.errors, report.pending) == (3, 10, 1, 0)
    assert (counts.errors, counts.fetched, counts.published) == (1, 10, 10)
    assert len(set(bus.keys)) == len(bus.keys) == 10 and bus.closed
    down = [kw for url, kw in store.polls if url.endswith("/down")]
    assert down[0]["failed"] and down[0]["http_status"] == 503 and down[0]["retry_after"] == 60.0

    again = poller(store, Bus()).poll_once(timeout=30)   # the default observer counts nothing
    assert (again.published, again.unchanged) == (0, 10)


def test_read_back_marks_what_the_topic_already_has():
    store, bus = Store(), Bus()
    p = poller(store, bus)
    p.sync_registry()
    feed = store.due(None, force=True)[0]
    items = parse_feed(rss("a", 3), feed.url).items
    rows = p._decide(Batch(feed.id, feed.url, items))
    in_topic = rows[0][0]
    found, ends, scanned, left = read_back(
        lambda topic, marks, keys: ReadBack([(in_topic.id.encode(), b"not a wire item", 0, 6),
                                             (in_topic.id.encode(), encode(in_topic), 0, 7)], {0: 9}, 9),
        "items", {}, rows)
    assert [(s.item_id, s.offset, s.feed_id) for s in found] == [(in_topic.id, 7, feed.id)]
    assert (ends, scanned, left) == ({0: 9}, 9, 2)
