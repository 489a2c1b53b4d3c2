"""Issue 12 against real Kafka + PostgreSQL: one bad item, feed or file never stalls the poller.

Servers are threads on 127.0.0.1 (allowed explicitly where a test needs them); they stop
with the test.
"""
from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, text

from producers.dropdir import FileIdentity
from producers.feeds import parse_feed
from producers.registry import FeedsConfig, FeedSpec, PollerOptions, RegistryError
from producers.url_policy import UrlPolicy
from schemas.tables import Feed
from tests.integration.test_feeds_poller import read_topic
from tests.socket_server import SocketServer, serving
from producers.polling.buffer import Batch
from producers.polling.ports import utcnow
from wirewatch.adapters.postgres_feeds import FeedStore


def rss(prefix: str, n: int, description: str = "A court freed her on {i}.") -> bytes:
    items = "".join(f"<item><guid>{prefix}-{i}</guid><title>{prefix} story {i}</title>"
                    f"<description>NAIROBI (Reuters) - {description.format(i=i)}</description></item>"
                    for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}</channel></rss>'.encode()


class Server(SocketServer):
    """Serves `routes` (path -> bytes, or a callable(conn, stop) for misbehaving endpoints)."""

    def __init__(self, routes: dict) -> None:
        self.routes, self.hits = routes, []
        super().__init__()
        self.base = self.url

    def handle(self, conn, request: bytes) -> None:
        path = request.split(b" ", 2)[1].decode()
        self.hits.append(path)
        route = self.routes.get(path)
        if callable(route):
            route(conn, self.stop)
        elif route is None:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: "
                         + str(len(route)).encode() + b"\r\nConnection: close\r\n\r\n" + route)


@pytest.fixture
def serve():
    yield from serving(Server)


def slowloris(conn, stop):
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nX-Pad: " + b"a" * 500:
        if stop.wait(1.0):
            return
        conn.sendall(bytes([byte]))


def local(app, **options) -> tuple[object, PollerOptions]:
    settings = app.settings.model_copy(update={"feed_allow_hosts": "127.0.0.1"})
    app.settings = settings
    return app, PollerOptions(**{"fetch_workers": 4, **options})


def test_an_item_the_database_refuses_is_dropped_alone_not_every_feed_paused(app, serve, caplog):
    server = serve({"/a.xml": rss("alpha", 5), "/b.xml": rss("beta", 5)})
    app, opts = local(app)
    config = FeedsConfig([FeedSpec(f"{server.base}/a.xml", "a"), FeedSpec(f"{server.base}/b.xml", "b")], opts)
    poller = app.feed_poller(config)
    poller.sync_registry()
    poller.recover()   # as the sink does first
    feed = poller.store.due(utcnow(), force=True)[0]
    good = parse_feed(rss("gamma", 3), feed.url).items
    # Bypass the producer boundary on purpose: a NUL PostgreSQL JSONB refuses, as before the fix.
    poison = replace(good[0], id="rss-poison", body="text with a \x00 NUL")
    with caplog.at_level(logging.ERROR, logger="wirewatch.feeds"):
        poller.process(Batch(feed.id, feed.url, [poison, *good]))   # was: raised; the sink paused forever
    assert "rss-poison" in caplog.text and "not published" in caplog.text
    assert {r.id for r in read_topic(app)} == {i.id for i in good}
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM feed_outbox")).scalar() == 0
        row = conn.execute(select(Feed.last_error, Feed.items_dropped).where(Feed.id == feed.id)).one()
    assert "rss-poison not published" in row.last_error and row.items_dropped == 1
    report = app.feed_poller(config).poll_once(timeout=60)   # and every feed goes on
    assert report.published == 10 and report.pending == 0


def test_nul_in_a_feed_entry_is_cleaned_and_every_feed_published(app, serve):
    nul = rss("nul", 3).replace(b"A court freed her on 1.", b"A court\x00 freed her on 1.")
    server = serve({"/nul.xml": nul, "/ok.xml": rss("ok", 4)})
    app, opts = local(app)
    config = FeedsConfig([FeedSpec(f"{server.base}/nul.xml", "nul"), FeedSpec(f"{server.base}/ok.xml", "ok")], opts)
    report = app.feed_poller(config).poll_once(timeout=60)
    assert (report.published, report.pending) == (7, 0)
    bodies = {r.headline: r.body for r in read_topic(app)}
    assert bodies["nul story 1"] == "A court freed her on 1."


def test_four_slowloris_feeds_do_not_starve_the_others(app, serve):
    routes = {f"/slow{i}.xml": slowloris for i in range(4)}
    routes["/fast.xml"] = rss("fast", 3)
    server = serve(routes)
    app, opts = local(app, total_timeout=3.0, read_timeout=10.0)
    specs = [FeedSpec(f"{server.base}/slow{i}.xml", f"slow{i}") for i in range(4)]
    config = FeedsConfig([*specs, FeedSpec(f"{server.base}/fast.xml", "fast")], opts)
    started = time.monotonic()
    report = app.feed_poller(config).poll_once(timeout=60)
    elapsed = time.monotonic() - started
    assert elapsed < 20, f"poll took {elapsed:.0f}s"      # was: forever
    assert report.published == 3 and report.errors == 4
    with app.engine.connect() as conn:
        errors = [r.last_error for r in conn.execute(select(Feed.last_error).where(Feed.name.like("slow%")))]
    assert all("gave up" in e and "at most 3s" in e for e in errors), errors


def test_private_address_feeds_are_refused_by_default(app, serve, capsys, monkeypatch):
    server = serve({"/f.xml": rss("private", 2)})
    store = FeedStore(app.engine)
    for url in (f"{server.base}/f.xml", "http://10.0.0.7/feed", "http://169.254.169.254/latest/meta-data/",
                "http://user:pw@feeds.example.com/rss"):
        with pytest.raises(RegistryError) as info:
            store.add_feed(url, policy=UrlPolicy())
        assert "pw@" not in str(info.value)
    # a feeds-file entry is refused when fetched: nothing is even requested
    config = FeedsConfig([FeedSpec(f"{server.base}/f.xml", "private")], PollerOptions())
    report = app.feed_poller(config).poll_once(timeout=30)
    assert report.published == 0 and report.errors == 1 and server.hits == []
    with app.engine.connect() as conn:
        assert "loopback" in conn.execute(select(Feed.last_error)).scalar_one()


def test_feeds_add_refuses_a_private_address_by_default(app, monkeypatch, capsys):
    from wirewatch import cli
    from wirewatch.settings import get_settings

    for key, value in {"WIREWATCH_TOPIC_PREFIX": app.settings.topic_prefix,
                       "WIREWATCH_DB_SCHEMA": app.settings.db_schema}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WIREWATCH_FEED_ALLOW_HOSTS", raising=False)
    get_settings.cache_clear()
    try:
        assert cli.main(["feeds", "add", "http://192.168.1.20/rss"]) == 2
        assert cli.main(["feeds", "add", "https://bob:s3cret@feeds.example.com/rss"]) == 2
        err = capsys.readouterr().err
        assert "private address" in err and "WIREWATCH_FEED_ALLOW_HOSTS" in err and "s3cret" not in err
        assert cli.main(["feeds", "add", "dir:/"]) == 2
        monkeypatch.setenv("WIREWATCH_FEED_ALLOW_HOSTS", "192.168.1.0/24")
        get_settings.cache_clear()
        assert cli.main(["feeds", "add", "http://192.168.1.20/rss"]) == 0   # allowed explicitly
    finally:
        get_settings.cache_clear()


def test_entry_cap_per_fetch_is_enforced_and_logged(app, serve, caplog):
    server = serve({"/flood.xml": rss("flood", 300)})
    app, opts = local(app, max_entries=120)
    config = FeedsConfig([FeedSpec(f"{server.base}/flood.xml", "flood")], opts)
    with caplog.at_level(logging.WARNING, logger="wirewatch.feeds"):
        report = app.feed_poller(config).poll_once(timeout=60)
    assert report.published == 120
    assert "300 entries in one response; only the first 120" in caplog.text


def test_drop_directory_symlinks_and_bad_files_do_not_block_the_rest(app, tmp_path, caplog):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "passwd.txt").symlink_to("/etc/passwd")
    (drop / "a-surrogate.json").write_bytes(b'{"uri": "urn:s:1", "headline": "Bad \\ud800 text", "body_text": "x"}')
    (drop / "b-latin1.json").write_bytes('{"uri": "urn:s:2", "headline": "Caf\xe9"}'.encode("latin-1"))
    (drop / "c-good.txt").write_text("Port reopens\nMOMBASA (Reuters) - The port reopened.\n")
    config = FeedsConfig([FeedSpec(f"dir:{drop}", "drop", 5, "dir")], PollerOptions(dir_settle_seconds=0))
    with caplog.at_level(logging.WARNING, logger="wirewatch.feeds"):
        first = app.feed_poller(config).poll_once(timeout=60)
    assert first.published == 2 and first.pending == 0
    assert "passwd.txt: symbolic link: not followed" in caplog.text
    headlines = {r.headline for r in read_topic(app)}
    assert headlines == {"Bad \ufffd text", "Port reopens"}
    assert not any(line.startswith("root:") for r in read_topic(app) for line in r.body.splitlines())
    assert app.feed_poller(config).poll_once(timeout=60).published == 0   # the bad file is remembered
    with app.engine.connect() as conn:
        files = {Path(r.path).name: (r.status, r.error) for r in conn.execute(text("SELECT * FROM feed_files"))}
    assert "passwd.txt" not in files
    assert files["b-latin1.json"][0] == "error" and "byte offset" in files["b-latin1.json"][1]


def test_poll_state_the_database_refuses_does_not_stall_the_sink(app, tmp_path, caplog):
    drop = tmp_path / "drop"
    drop.mkdir()
    config = FeedsConfig([FeedSpec(f"dir:{drop}", "drop", 5, "dir")], PollerOptions(dir_settle_seconds=0))
    poller = app.feed_poller(config)
    poller.sync_registry()
    poller.recover()
    feed = poller.store.due(utcnow(), force=True)[0]
    items = parse_feed(rss("state", 2), "f").items
    # a real refusal: sha256 is varchar(64)
    bad_state = FileIdentity(str(drop / "x.xml"), 1, 1, "f" * 100)
    with caplog.at_level(logging.ERROR, logger="wirewatch.feeds"):
        poller.process(Batch(feed.id, str(drop / "x.xml"), items, None, bad_state))   # was: raised, forever
    assert "poll state was refused" in caplog.text
    assert {r.id for r in read_topic(app)} == {i.id for i in items}
