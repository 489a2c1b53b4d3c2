"""Feed ingestion against real Kafka + PostgreSQL and a real HTTP server on 127.0.0.1.

The server serves the 279 feed files of ../shared/eval-data/feeds in place (read, never
copied), plus a few endpoints made up here: a 10 MB response, a server that never
answers, a redirect loop, and fictional feeds for the story-clustering tests.
"""
from __future__ import annotations

import csv
import functools
import json
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import select, text

from producers.feeds import feed_health, parse_feed
from producers.registry import FeedsConfig, FeedSpec, PollerOptions
from schemas.messages import decode_wire_item
from schemas.tables import Feed, FeedFile, FeedItem
from tests.conftest import EVAL_DATA
from producers.polling.buffer import Batch
from producers.polling.ports import utcnow

FEEDS = EVAL_DATA / "feeds"
XML = "application/xml"
BIG = 10 * 1024 * 1024
_HEADER = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.I | re.M)


def content_type_for(path: Path) -> str:
    """application/xml, or the Content-Type a feedparser test file asks for in its `Header:` line."""
    with open(path, "rb") as fh:
        match = _HEADER.search(fh.read(2048))
    return match.group(1).decode("ascii") if match else XML


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".xml": XML}
    fiction: dict[str, bytes] = {}
    hits: Counter = Counter()

    def log_message(self, *args):
        pass

    def guess_type(self, path):
        return content_type_for(Path(path)) if str(path).endswith(".xml") else super().guess_type(path)

    def do_GET(self):  # noqa: N802
        self.hits[self.path] += 1
        if self.path.startswith("/big"):
            self.send_response(200)
            self.send_header("Content-Type", XML)
            if self.path == "/big-declared":
                self.send_header("Content-Length", str(BIG))
            self.end_headers()
            chunk = b"<!-- padding -->" * 4096
            try:
                for _ in range(BIG // len(chunk) + 1):
                    self.wfile.write(chunk)
            except OSError:
                pass  # the client aborted, as it should
            return
        if self.path.startswith("/loop/"):
            n = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/loop/{n + 1}")
            self.end_headers()
            return
        if self.path.startswith("/fiction/"):
            body = self.fiction.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", XML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@pytest.fixture
def settings(settings):
    """The test servers are on 127.0.0.1, which the feed address policy refuses by default."""
    return settings.model_copy(update={"feed_allow_hosts": "127.0.0.1"})


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_Handler, directory=str(FEEDS))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def silent():
    """Accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.5)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    stop.set()
    for conn in held:
        conn.close()
    sock.close()


def manifest() -> list[dict]:
    with open(FEEDS / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_topic(app) -> list:
    """Every record of the items topic, decoded."""
    consumer = KafkaConsumer(bootstrap_servers=app.settings.kafka_bootstrap.split(","), group_id=None,
                             enable_auto_commit=False)
    try:
        tps = [TopicPartition(app.names.items, p) for p in consumer.partitions_for_topic(app.names.items) or []]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        out = []
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in tps) and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=1000).values():
                out.extend(decode_wire_item(r.value) for r in records)
        return out
    finally:
        consumer.close()


def feeds_by_url(app) -> dict[str, dict]:
    with app.engine.connect() as conn:
        return {r.url: dict(r._mapping) for r in conn.execute(select(*Feed.__table__.c))}


def options(**kw) -> PollerOptions:
    return PollerOptions(**{"fetch_workers": 4, **kw})


def test_corpus_published_once_second_poll_nothing_malformed_recorded(app, server):
    rows = manifest()
    assert len(rows) == 279
    specs = [FeedSpec(f"{server}/{r['file']}", r["file"]) for r in rows]
    started = time.monotonic()
    report = app.feed_poller(FeedsConfig(specs, options())).poll_once(timeout=120)
    first = time.monotonic() - started
    assert report.feeds == 279 and report.pending == 0

    # What each file should give, parsed here from the same bytes and Content-Type.
    expected_ids: dict[str, set] = defaultdict(set)
    unhealthy = set()
    for r in rows:
        url = f"{server}/{r['file']}"
        data = (FEEDS / r["file"]).read_bytes()
        parsed = parse_feed(data, url, {"content-type": content_type_for(FEEDS / r["file"])})
        health = feed_health(parsed, len(data))
        if health.status != "ok":
            unhealthy.add(r["file"])
        if not health.failed:
            for item in parsed.items:
                expected_ids[item.id].add(item.content_hash)

    records = read_topic(app)
    copies = Counter((r.id, r.version) for r in records)
    assert copies and max(copies.values()) == 1, [k for k, n in copies.items() if n > 1][:5]
    assert {r.id for r in records} == set(expected_ids)
    versions = defaultdict(list)
    for r in records:
        versions[r.id].append(r.version)
    for item_id, vs in versions.items():  # one version per content change, numbered 1..n
        assert sorted(vs) == list(range(1, len(vs) + 1))
        assert len(vs) >= len(expected_ids[item_id])
    assert all(r.story_id for r in records)

    state = feeds_by_url(app)
    recorded = {r["file"] for r in rows if state[f"{server}/{r['file']}"]["last_status"] in ("bozo", "error")}
    assert recorded == unhealthy
    for r in rows:  # every recorded problem says why
        s = state[f"{server}/{r['file']}"]
        if r["file"] in recorded:
            assert s["last_error"] or s["bozo_reason"], r["file"]
    # feedparser's own verdict (MANIFEST `Expect`) and the two real-world failures
    expect_bozo = {r["file"] for r in rows if r["feedparser_test_expect"].startswith("bozo")}
    real_failures = {"real-snapshots/gesab001-headlines/dailytelegraph.xml",
                     "real-snapshots/gesab001-headlines/animatedstoriesfromthebible.xml"}
    assert expect_bozo | real_failures <= recorded
    assert "empty response" in state[f"{server}/real-snapshots/gesab001-headlines/dailytelegraph.xml"]["last_error"]
    assert "not a feed" in state[f"{server}/real-snapshots/gesab001-headlines/animatedstoriesfromthebible.xml"][
        "last_error"]
    # The 35 files the stdlib XML parser rejects: all recorded, except multi-byte encodings
    # (UTF-16/32, Big5, EUC-KR) the stdlib cannot read but feedparser reads correctly.
    not_stdlib = {r["file"] for r in rows if r["stdlib_xml_wellformed"] == "no"}
    assert len(not_stdlib) == 35
    readable = not_stdlib - recorded
    assert all(f.startswith("feedparser-tests/encoding/") for f in readable), readable
    assert all(not r["feedparser_test_expect"].startswith("bozo") for r in rows if r["file"] in readable)
    assert sum(s["items_published"] for s in state.values()) == len(records)

    # Second poll: 304 (Last-Modified) for every feed read; nothing new is published.
    started = time.monotonic()
    again = app.feed_poller(FeedsConfig(specs, options())).poll_once(timeout=120)
    assert again.published == 0 and again.pending == 0
    assert again.not_modified == 279 - len({r["file"] for r in rows
                                            if state[f"{server}/{r['file']}"]["last_status"] == "error"})
    assert len(read_topic(app)) == len(records)
    print(f"\ncorpus: {len(records)} records from 279 feeds in {first:.1f}s; "
          f"second poll {time.monotonic() - started:.1f}s; {len(recorded)} feed errors")


def test_oversize_silent_and_redirect_loop_fail_alone(app, server, silent):
    good = f"{server}/real-snapshots/gesab001-headlines/bbc.xml"
    specs = [FeedSpec(f"{server}/big", "big"), FeedSpec(f"{server}/big-declared", "big-declared"),
             FeedSpec(silent, "silent"), FeedSpec(f"{server}/loop/0", "loop"), FeedSpec(good, "bbc", 60)]
    started = time.monotonic()
    report = app.feed_poller(FeedsConfig(specs, options(read_timeout=1.0, total_timeout=5.0))).poll_once(timeout=60)
    assert time.monotonic() - started < 30
    assert report.published == 69 and report.errors == 4
    state = feeds_by_url(app)
    assert "exceeds the 5242880-byte limit (aborted after" in state[f"{server}/big"]["last_error"]
    assert "exceeds the 5242880-byte limit" in state[f"{server}/big-declared"]["last_error"]
    assert "read timeout" in state[silent]["last_error"]
    assert "more than 5 redirects" in state[f"{server}/loop/0"]["last_error"]
    assert state[good]["last_status"] == "ok" and state[good]["items_published"] == 69
    for url in (f"{server}/big", silent):
        s = state[url]
        assert s["last_status"] == "error" and s["consecutive_failures"] == 1
        # backed off: 2 x interval (300 s), +-10% jitter; the good feed keeps its 60 s
        assert (s["next_poll_at"] - s["last_polled_at"]).total_seconds() >= 540
    assert (state[good]["next_poll_at"] - state[good]["last_polled_at"]).total_seconds() <= 66


def rss(items: list[dict]) -> bytes:
    entries = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link>"
        + (f"<guid>{i['guid']}</guid>" if i.get("guid") else "")
        + f"<description>{i['body']}</description></item>" for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            f"<link>http://example.test/</link><description>d</description>{entries}</channel></rss>").encode()


ARREST = ("NAIROBI (Reuters) - Police in Nairobi detained opposition leader Amara Wekesa on Tuesday, "
          "hours after she called for protests against the disputed election result, her party said. "
          "An interior ministry spokesman confirmed the arrest and said she would appear in court on Wednesday.")
ARREST_OTHER = ("Police in Nairobi detained opposition leader Amara Wekesa on Tuesday, hours after she called "
                "for protests against the disputed election result, her party said. A government spokesman "
                "confirmed the arrest and said she would appear before a magistrate on Wednesday.")
FLOODS = ("NAIROBI (Reuters) - Floods closed the main highway out of Nairobi on Tuesday after a night of heavy "
          "rain, the roads authority said, stranding hundreds of lorries on the route to the port of Mombasa.")


def test_same_story_across_feeds_one_story_id_and_it_survives_restart(app, server):
    _Handler.fiction.update({
        "/fiction/a.xml": rss([{"title": "Kenyan opposition leader Wekesa detained in Nairobi",
                                "link": "https://wire-a.example/kenya/wekesa-detained", "guid": "a-1001",
                                "body": ARREST},
                               {"title": "Floods close Nairobi highway", "link": "https://wire-a.example/floods",
                                "guid": "a-1002", "body": FLOODS}]),
        "/fiction/b.xml": rss([{"title": "Police detain Kenya opposition leader Amara Wekesa",
                                "link": "https://news-b.example/2026/12/01/wekesa?utm_source=rss",
                                "body": ARREST_OTHER}]),
    })
    specs = [FeedSpec(f"{server}/fiction/a.xml", "a"), FeedSpec(f"{server}/fiction/b.xml", "b")]
    assert app.feed_poller(FeedsConfig(specs, options())).poll_once().published == 3
    by_headline = {r.headline: r for r in read_topic(app)}
    arrest_a = by_headline["Kenyan opposition leader Wekesa detained in Nairobi"]
    arrest_b = by_headline["Police detain Kenya opposition leader Amara Wekesa"]
    floods = by_headline["Floods close Nairobi highway"]
    assert arrest_a.url != arrest_b.url and arrest_a.id != arrest_b.id
    assert arrest_a.story_id == arrest_b.story_id
    assert floods.story_id != arrest_a.story_id  # same dateline, different story

    # A restarted poller: a re-issue joins the persisted cluster; a changed body is version 2.
    _Handler.fiction["/fiction/c.xml"] = rss([{"title": "UPDATE 1-Kenyan opposition leader Wekesa detained",
                                               "link": "https://wire-c.example/x", "guid": "c-7",
                                               "body": ARREST + " Her lawyer said the charges were political."}])
    _Handler.fiction["/fiction/a.xml"] = rss([{"title": "Kenyan opposition leader Wekesa detained in Nairobi",
                                               "link": "https://wire-a.example/kenya/wekesa-detained",
                                               "guid": "a-1001", "body": ARREST + " She denies wrongdoing."}])
    specs.append(FeedSpec(f"{server}/fiction/c.xml", "c"))
    report = app.feed_poller(FeedsConfig(specs, options())).poll_once()
    assert (report.published, report.new_versions) == (2, 1)
    records = read_topic(app)
    reissue = next(r for r in records if r.headline.startswith("UPDATE 1-"))
    assert reissue.story_id == arrest_a.story_id
    v2 = [r for r in records if r.id == arrest_a.id]
    assert sorted(r.version for r in v2) == [1, 2] and {r.story_id for r in v2} == {arrest_a.story_id}
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT story_id) FROM feed_items")).scalar() == 2


def test_drop_directory_each_file_once_across_restarts(app, tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "a.txt").write_text("Court frees Kenyan opposition leader\nNAIROBI (Reuters) - A court freed her.\n")
    port = "Port reopens\nMOMBASA (Reuters) - The port reopened on Tuesday. " + "Ships queued offshore. " * 30
    (drop / "b.txt").write_text(port)
    (drop / "items.json").write_text(json.dumps([
        {"uri": "urn:ninjs:1", "headline": "Ninjs one", "body_text": "First ninjs body."},
        {"uri": "urn:ninjs:2", "headline": "Ninjs two", "body_text": "Second ninjs body."}]))
    (drop / "bad.txt").write_bytes(b"\x00\x01binary")
    config = FeedsConfig([FeedSpec(f"dir:{drop}", "drop", 5, "dir")], options(dir_settle_seconds=0))

    first = app.feed_poller(config).poll_once()
    assert (first.published, first.dropped) == (4, 1)
    assert app.feed_poller(config).poll_once().published == 0          # restart: nothing again
    (drop / "a.txt").touch()                                           # new mtime, same bytes
    assert app.feed_poller(config).poll_once().published == 0
    (drop / "b.txt").write_text(port + "\n\nThe authority expects normal traffic by Friday.\n")
    again = app.feed_poller(config).poll_once()    # same id (headline + opening), new body: version 2
    assert (again.published, again.new_versions) == (1, 1)

    records = read_topic(app)
    assert Counter((r.id, r.version) for r in records).most_common(1)[0][1] == 1 and len(records) == 5
    with app.engine.connect() as conn:
        files = {Path(r.path).name: r for r in conn.execute(select(FeedFile))}
    assert files["bad.txt"].status == "error" and "binary" in files["bad.txt"].error
    assert files["a.txt"].status == "published" and len(files["a.txt"].sha256) == 64
    state = feeds_by_url(app)[f"dir:{drop}"]
    assert state["items_published"] == 5 and state["items_dropped"] == 1


def test_crash_between_ack_and_mark_is_reconciled_not_resent(app, server):
    url = f"{server}/real-snapshots/gesab001-headlines/nytimes.xml"
    config = FeedsConfig([FeedSpec(url, "nyt")], options())
    crashed = app.feed_poller(config)
    crashed.sync_registry()
    feed = crashed.store.due(utcnow(), force=True)[0]
    data = (FEEDS / "real-snapshots/gesab001-headlines/nytimes.xml").read_bytes()
    items = parse_feed(data, url, {"content-type": XML}).items
    rows = crashed._decide(Batch(feed.id, url, items))
    crashed.store.journal(crashed.topic, rows)
    sent, failed, _poisoned = crashed._send(rows[:12])  # the broker acks 12 ...
    crashed._drop_producer()                     # ... and the process dies before marking them
    assert len(sent) == 12 and not failed

    report = app.feed_poller(config).poll_once()  # restart: reconcile, send the other 8, then poll
    assert report.published == len(items) == 20
    records = read_topic(app)
    assert len(records) == 20 and len({(r.id, r.version) for r in records}) == 20
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM feed_outbox")).scalar() == 0
        assert conn.execute(select(FeedItem.id)).all().__len__() == 20
    assert app.feed_poller(config).poll_once().published == 0


def test_feeds_cli_add_poll_show_remove(app, server, tmp_path, monkeypatch, capsys):
    from wirewatch import cli
    from wirewatch.settings import get_settings

    registry = tmp_path / "feeds.yaml"
    registry.write_text(f"feeds:\n  - url: {server}/real-snapshots/gesab001-headlines/wsj.xml\n    name: WSJ\n"
                        f"  - url: {server}/real-snapshots/gesab001-headlines/dailytelegraph.xml\n")
    for key, value in {"WIREWATCH_TOPIC_PREFIX": app.settings.topic_prefix,
                       "WIREWATCH_DB_SCHEMA": app.settings.db_schema,
                       "WIREWATCH_FEEDS_FILE": str(registry),
                       "WIREWATCH_FEED_ALLOW_HOSTS": "127.0.0.1"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        assert cli.main(["feeds", "add", f"{server}/feedparser-tests/illformed/aaa_illformed.xml",
                               "--name", "broken", "--interval", "60"]) == 0
        assert cli.main(["feeds", "add", "ftp://nope/x"]) == 2
        assert cli.main(["feeds", "poll", "--once"]) == 0
        capsys.readouterr()
        assert cli.main(["feeds", "show"]) == 0
        out = capsys.readouterr().out
        blocks = {b.split("\n", 1)[0]: b for b in ("\n" + out).split("\n#") if b.strip()}
        wsj = next(b for h, b in blocks.items() if "WSJ" in h)
        assert "last status: ok (HTTP 200)" in wsj and "items published: 6 " in wsj
        assert "next poll: 20" in wsj and "last error: -" in wsj
        empty = next(b for h, b in blocks.items() if "dailytelegraph" in h)
        assert "last status: error" in empty and "last error: empty response (0 bytes)" in empty
        assert "backing off: 1 failure(s) in a row" in empty
        broken = next(b for h, b in blocks.items() if "broken" in h)
        assert "malformed (bozo): SAXParseException" in broken and "items published: 0 " in broken
        assert cli.main(["feeds", "list"]) == 0
        assert capsys.readouterr().out.count("\n") == 3
        assert cli.main(["feeds", "remove", f"{server}/feedparser-tests/illformed/aaa_illformed.xml"]) == 0
        assert cli.main(["feeds", "show", "--json"]) == 0
        shown = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
        assert len(shown) == 2 and {"last_status", "last_error", "items_published", "next_poll_at"} <= set(shown[0])
    finally:
        get_settings.cache_clear()
