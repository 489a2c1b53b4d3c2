"""Issue 12 acceptance: a NUL byte in one feed entry, under the real daemon (`wirewatch run`).

Before the fix the entry was recovered into the feed outbox, PostgreSQL's JSONB refused
`\\u0000`, and the sink logged "publishing paused ... N item(s) waiting" forever: no
feed's items were published again. Now every other feed's items are published, and the
story itself is consumed into `items`, its NUL removed.

Real feeds of ../shared/eval-data/feeds are served in place by an HTTP server in this
test; the NUL story is fictional.
"""
from __future__ import annotations

import functools
import threading
from http.server import ThreadingHTTPServer

import pytest
from sqlalchemy import text

from producers.feeds import feed_health, parse_feed
from tests.integration.test_feeds_poller import FEEDS, XML, _Handler

REAL = ["real-snapshots/gesab001-headlines/nytimes.xml", "real-snapshots/gesab001-headlines/wsj.xml",
        "real-snapshots/gesab001-headlines/bbc.xml"]
NUL_FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fictional wire</title>'
    b"<item><guid>fiction-nul-1</guid><title>Opposition leader detained in fictional Eastland</title>"
    b"<description>EASTVILLE (Reuters) - Police in the fictional republic of Eastland detained\x00 opposition "
    b"leader Mara Quill on Tuesday, her party said.</description></item>"
    b"<item><guid>fiction-nul-2</guid><title>Eastland court sets bail hearing</title>"
    b"<description>EASTVILLE (Reuters) - A court in fictional Eastland will hear a bail request on Friday."
    b"</description></item></channel></rss>"
)


@pytest.fixture
def server():
    _Handler.fiction["/fiction/nul.xml"] = NUL_FEED
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(FEEDS)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    _Handler.fiction.pop("/fiction/nul.xml", None)


def test_nul_in_one_feed_entry_every_feed_published_and_the_story_stored(env, server):
    urls = [f"{server}/{name}" for name in REAL] + [f"{server}/fiction/nul.xml"]
    expected: set[str] = set()
    for url in urls:
        data = NUL_FEED if url.endswith("nul.xml") else (FEEDS / url.split("/", 3)[3]).read_bytes()
        parsed = parse_feed(data, url, {"content-type": XML})
        assert not feed_health(parsed, len(data)).failed
        expected.update(item.id for item in parsed.items)
    nul_id = next(i.id for i in parse_feed(NUL_FEED, urls[-1]).items if i.guid == "fiction-nul-1")
    feeds_file = env.tmp / "feeds.yaml"
    feeds_file.write_text("feeds:\n" + "".join(f"  - url: {u}\n    interval: 3600\n" for u in urls))
    daemon = env.spawn("run", name="daemon", extra_env={
        "WIREWATCH_FEEDS_FILE": str(feeds_file),
        "WIREWATCH_FEED_ALLOW_HOSTS": "127.0.0.1",   # the test server; refused by default
        "WIREWATCH_CONSUMER_PROCESSES": "1",
        "WIREWATCH_METRICS_PORT": "0",
    })
    env.wait_for(lambda: (env.scalar("SELECT count(*) FROM feed_items") or 0) == len(expected), 180,
                 f"all {len(expected)} feed items published")
    env.wait_for(lambda: env.scalar(f"SELECT count(*) FROM items WHERE id = '{nul_id}'") == 1, 300,
                 "the NUL story consumed into items")
    assert daemon.poll() is None, open(daemon.log_path).read()[-3000:]
    assert env.scalar("SELECT count(*) FROM feed_outbox") == 0
    with env.app.engine.connect() as conn:
        assert {r for (r,) in conn.execute(text("SELECT id FROM feed_items"))} == expected
    body = env.scalar(f"SELECT body FROM items WHERE id = '{nul_id}'")
    assert "\x00" not in body and "detained opposition leader Mara Quill" in body
    log = open(daemon.log_path).read()
    assert "publishing paused" not in log, log[-3000:]
