"""Producer faults: the real feed poller process is killed -9 mid-poll, or loses Kafka mid-poll.

Afterwards every item of the 279 feeds in ../shared/eval-data/feeds (served in place by an
HTTP server in this test, slowed down so a poll takes a while) is in the items topic
exactly once: at most one record per (id, version), and every id there.
"""
from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer

import pytest

from producers.feeds import feed_health, parse_feed
from tests.conftest import ROOT
from tests.integration.test_feeds_poller import FEEDS, _Handler, content_type_for, manifest, read_topic
from wirewatch.stack import kafka_broker

POLLER = [sys.executable, "-m", "wirewatch.cli", "feeds", "poll"]


class _SlowHandler(_Handler):
    delay = 0.03

    def do_GET(self):  # noqa: N802
        time.sleep(self.delay)
        super().do_GET()


@pytest.fixture
def feeds(tmp_path):
    """(server base URL, feeds file, expected item ids)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SlowHandler, directory=str(FEEDS)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    rows = manifest()
    expected = set()
    lines = ["poller:", "  fetch_workers: 2", "  publish_timeout: 5", "  queue_items: 200", "feeds:"]
    for r in rows:
        url = f"{base}/{r['file']}"
        lines.append(f"  - url: {url}")
        data = (FEEDS / r["file"]).read_bytes()
        parsed = parse_feed(data, url, {"content-type": content_type_for(FEEDS / r["file"])})
        if not feed_health(parsed, len(data)).failed:
            expected.update(item.id for item in parsed.items)
    path = tmp_path / "feeds.yaml"
    path.write_text("\n".join(lines) + "\n")
    yield base, path, expected
    httpd.shutdown()


def spawn(env, *args, name: str, feeds_file) -> subprocess.Popen:
    log = open(env.tmp / f"{name}-{len(env.procs)}.log", "w")
    proc = subprocess.Popen(POLLER + list(args), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**env.env, "WIREWATCH_FEEDS_FILE": str(feeds_file),
                                 # the test server is on 127.0.0.1, refused by default
                                 "WIREWATCH_FEED_ALLOW_HOSTS": "127.0.0.1"}, start_new_session=True)
    proc.log_path = log.name
    env.procs.append(proc)
    return proc


def published(env) -> int:
    try:
        return env.scalar("SELECT count(*) FROM feed_items") or 0
    except Exception:  # noqa: BLE001
        return 0


def assert_exactly_once(env, expected: set) -> None:
    records = read_topic(env.app)
    copies = Counter((r.id, r.version) for r in records)
    assert max(copies.values()) == 1, [k for k, n in copies.items() if n > 1][:5]
    assert {r.id for r in records} == expected
    assert env.scalar("SELECT count(*) FROM feed_outbox") == 0
    assert env.scalar("SELECT count(*) FROM feed_items") == len(expected)


def test_kill_9_mid_poll_then_restart_publishes_every_item_once(env, feeds):
    base, feeds_file, expected = feeds
    poller = spawn(env, name="poller", feeds_file=feeds_file)
    env.wait_for(lambda: published(env) >= 60, 120, "the first items published")
    os.killpg(poller.pid, signal.SIGKILL)
    poller.wait(10)
    done = published(env)
    assert done < len(expected), "the poll finished before it could be killed"
    restarted = spawn(env, "--once", "--timeout", "120", name="restarted", feeds_file=feeds_file)
    env.wait_for(lambda: restarted.poll() is not None, 150, "the restarted poller to finish")
    assert restarted.returncode == 0, open(restarted.log_path).read()[-3000:]
    assert_exactly_once(env, expected)
    print(f"\nkilled after {done} of {len(expected)} items; restart published the rest once")


def test_kafka_down_mid_poll_items_wait_and_are_published_once(env, feeds):
    base, feeds_file, expected = feeds
    poller = spawn(env, name="poller", feeds_file=feeds_file)
    env.wait_for(lambda: published(env) >= 40, 120, "the first items published")
    kafka_broker.down(env.settings, log=lambda *_: None)
    try:
        at_outage = published(env)
        time.sleep(20)  # longer than the poller's delivery timeout: sends fail, items wait
        assert poller.poll() is None, "the poller died while Kafka was down"
        assert published(env) == at_outage, "items were marked published while the broker was down"
    finally:
        kafka_broker.up(env.settings, log=lambda *_: None)
    env.wait_for(lambda: published(env) == len(expected), 180, "every item published after Kafka returned")
    assert poller.poll() is None
    os.killpg(poller.pid, signal.SIGTERM)
    poller.wait(60)
    assert_exactly_once(env, expected)
    log = open(poller.log_path).read()
    assert "publishing paused" in log  # the outage was seen, and waited out
