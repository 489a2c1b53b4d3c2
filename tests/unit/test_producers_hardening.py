"""Issue 12, producers: hostile bytes, URLs, servers and drop directories (regression tests).

The slow servers here are socket threads on 127.0.0.1 that stop by themselves.
"""
from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest

from producers.dir_walk import UnsafeDirectory, check_root, read_regular, walk
from producers.dropdir import FileIdentity, read_file, scan
from producers.feeds import parse_feed
from wirewatch.adapters.http_fetch import FetchError, FetchLimits, _Backend, _Deadline, fetch_feed, fetcher
from producers.ninjs import parse_ninjs
from producers.registry import RegistryError, parse_registry, validate_url
from producers.sanitise import clean_text
from producers.sources import parse_response, read_sources
from producers.url_policy import UrlPolicy, UrlRefused, redact
from schemas.messages import decode_wire_item, encode
from tests.socket_server import SocketServer, serving

LOCAL = UrlPolicy(allow_hosts=("127.0.0.1",))


def rss(*items: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            + "".join(items) + "</channel></rss>").encode("utf-8")


def entry(guid: str, title: str, description: str) -> str:
    return f"<item><guid>{guid}</guid><title>{title}</title><description>{description}</description></item>"


# --- finding 1, 6, 7: text that PostgreSQL or UTF-8 cannot take ---------------------------


def test_nul_and_controls_in_an_rss_entry_are_removed_and_counted():
    data = rss(entry("g1", "Court\x00 frees leader", "LIMA (Reuters) - A court\x00 freed\x01 her.\x0b")
               ).replace(b"\\x00", b"\x00")
    result = parse_feed(data, "https://example.com/feed")
    (item,) = result.items
    assert "\x00" not in item.body + item.headline and "\x01" not in item.body
    assert item.headline == "Court frees leader" and item.body.startswith("A court freed her")
    assert result.sanitised >= 3
    assert decode_wire_item(encode(item)) == item


def test_surrogate_and_nul_character_references_do_not_crash_feedparser():
    # `&#55296;` raised UnicodeEncodeError from inside feedparser.
    result = parse_feed(rss(entry("g1", "A &#55296; b &#0; c", "x &#xDFFF; y &#1114112; z")), "f")
    (item,) = result.items
    encode(item)
    assert "\ufffd" in item.headline and "\x00" not in item.headline


def test_clean_text_keeps_tabs_and_newlines():
    assert clean_text("a\tb\nc\r\n\x00d\x1fe\ud800") == ("a\tb\nc\r\nde\ufffd", 3)


def test_lone_surrogate_in_ninjs_is_replaced_not_a_traceback():
    data = b'{"uri": "urn:x:1", "headline": "Leader \\ud800 held", "body_text": "ACCRA (Reuters) - Text \\udfff."}'
    (item,) = parse_ninjs(data, "item.json")
    assert item.headline == "Leader \ufffd held" and "\ufffd" in item.body
    assert decode_wire_item(encode(item)).headline == item.headline


def test_a_bad_ninjs_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a-bad.json").write_bytes(b'{"uri": "u1", "headline": "\\ud800", "body_text": "b\\u0000c"}')
    (tmp_path / "b-latin1.json").write_bytes('{"uri": "u2", "headline": "Caf\xe9"}'.encode("latin-1"))
    (tmp_path / "c-good.json").write_bytes(b'{"uri": "u3", "headline": "Fine", "body_text": "ok"}')
    parsed = {Path(p.origin).name: p for p in read_sources([str(tmp_path)], fetch=None)}
    assert [i.body for i in parsed["a-bad.json"].items] == ["bc"]
    assert [i.headline for i in parsed["c-good.json"].items] == ["Fine"]
    (error,) = parsed["b-latin1.json"].errors
    assert "not valid UTF-8 at byte offset 30" in error.reason and "iconv" in error.reason
    assert "surrogates" not in error.reason


def test_values_longer_than_the_wire_schema_allows_are_cut_not_lost():
    place = "P" * 150 + ", " + "Q" * 100
    data = json.dumps({"uri": "u" * 3000, "headline": "H" * 5000, "located": place, "language": "x" * 99,
                       "links": [{"href": "https://e.com/" + "a" * 3000}], "body_text": "b"}).encode()
    (item,) = parse_ninjs(data, "n.json")
    encode(item)
    assert len(item.headline) == 2000 and len(item.dateline_place) == 200 and len(item.language) == 35


def test_ninjs_with_wrong_types_is_data():
    for doc in ({"uri": "u", "headline": "h", "links": 5, "language": 7, "bodies": [{"value": 3}]},
                {"uri": "  "}, [1, "x", None], {"uri": "u", "headline": {"en": "\x00"}, "body_text": ["x"]}):
        for result in parse_ninjs(json.dumps(doc).encode(), "n.json"):
            if not hasattr(result, "reason"):
                encode(result)


# --- finding 5: entries per fetch -----------------------------------------------------------


def test_entries_per_fetch_are_capped_and_the_cut_reported():
    data = rss(*(entry(f"g{i}", f"Story {i}", f"Body {i}") for i in range(1500)))
    result = parse_feed(data, "f")
    assert (len(result.items), result.entries, result.truncated) == (1000, 1500, 500)
    assert len(parse_feed(data, "f", max_entries=10).items) == 10


def test_poller_option_for_the_entry_cap():
    config = parse_registry("poller:\n  max_entries: 50\n  max_dir_files: 7\n")
    assert (config.options.max_entries, config.options.max_dir_files) == (50, 7)


# --- finding 4: which URLs may be fetched -------------------------------------------------


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/feed", "http://localhost:8080/feed", "http://10.1.2.3/feed", "http://192.168.0.1/",
    "http://172.16.5.4/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/feed",
    "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://100.64.0.1/",
])
def test_private_loopback_and_link_local_urls_are_refused_by_default(url):
    with pytest.raises(UrlRefused):
        UrlPolicy().check_url(url)
    with pytest.raises(RegistryError, match="refused"):
        validate_url(url, UrlPolicy())


def test_allow_list_and_allow_private_are_explicit():
    UrlPolicy(allow_hosts=("127.0.0.1",)).check_url("http://127.0.0.1:9/x")
    UrlPolicy(allow_hosts=("10.0.0.0/8",)).check_url("http://10.9.8.7/x")
    UrlPolicy(allow_hosts=("feeds.internal",)).check_address("feeds.internal", "10.0.0.1")
    UrlPolicy(allow_private=True).check_url("http://192.168.1.1/")
    with pytest.raises(UrlRefused):
        UrlPolicy(allow_hosts=("10.0.0.0/8",)).check_url("http://192.168.1.1/")
    UrlPolicy().check_url("https://93.184.216.34/feed")  # public: fine

    class S:
        feed_allow_hosts, feed_allow_private = " 127.0.0.1 , Feeds.Internal ", False
    assert UrlPolicy.from_settings(S()).allow_hosts == ("127.0.0.1", "feeds.internal")


def test_credentials_are_refused_and_never_echoed():
    for check in (lambda u: validate_url(u), lambda u: UrlPolicy().check_url(u)):
        with pytest.raises((RegistryError, UrlRefused)) as info:
            check("https://alice:hunter2@feeds.example.com/rss")
        assert "hunter2" not in str(info.value) and "alice" not in str(info.value)
    assert redact("https://alice:hunter2@h.example/x?q=1") == "https://***@h.example/x?q=1"
    assert redact("https://h.example/x") == "https://h.example/x"


def test_the_connect_check_uses_resolved_addresses():
    deadline = _Deadline(5)
    try:
        with pytest.raises(UrlRefused, match="loopback"):
            _Backend(deadline, UrlPolicy()).connect_tcp("localhost", 9, timeout=1)
    finally:
        deadline.cancel()


def test_produce_url_publishes_only_feeds_ninjs_or_wire_stories():
    secret = parse_response(b"DB_PASSWORD=hunter2\n", "http://x.example/secret.txt", {"content-type": "text/plain"})
    assert not secret.items and "not published" in secret.errors[0].reason
    page = parse_response(b"<html><body>hi</body></html>", "http://x.example/", {"content-type": "text/html"})
    assert not page.items and page.errors
    xml_not_feed = parse_response(b"<config><pw>x</pw></config>", "http://x.example/c", {"content-type": "text/xml"})
    assert not xml_not_feed.items and xml_not_feed.errors
    feed = parse_response(rss(entry("g", "T", "B")), "http://x.example/f", {"content-type": "application/rss+xml"})
    assert len(feed.items) == 1
    story = parse_response(b"Court frees leader\nLIMA (Reuters) - A court freed her.", "http://x.example/s.txt",
                           {"content-type": "text/plain; charset=utf-8"})
    assert len(story.items) == 1
    ninjs = parse_response(b'{"uri": "u", "headline": "H"}', "http://x.example/n", {"content-type": "application/json"})
    assert len(ninjs.items) == 1
    mislabelled = parse_response(rss(entry("g", "T", "B")), "http://x.example/f", {"content-type": "text/html"})
    assert len(mislabelled.items) == 1   # a feed served as text/html is still a feed
    secret_json = parse_response(b'{"api_key": "k"}', "http://x.example/k.json", {"content-type": "application/json"})
    assert not secret_json.items


# --- finding 2: a total deadline that really holds --------------------------------------------


@pytest.fixture
def serve():
    yield from serving(SocketServer)


def trickle_headers(conn, stop, every=0.5):
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nX-Pad: " + b"a" * 200:
        if stop.wait(every):
            return
        conn.sendall(bytes([byte]))


def trickle_body(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<rss version='2.0'><channel>")
    for _ in range(200):
        if stop.wait(0.5):
            return
        conn.sendall(b" ")


@pytest.mark.parametrize("reply", [trickle_headers, trickle_body])
def test_a_trickling_server_is_cut_off_at_the_total_deadline(serve, reply):
    server = serve(reply)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_feed(f"{server.url}/feed.xml", policy=LOCAL,
                   limits=FetchLimits(connect_timeout=1, read_timeout=3, total_timeout=2))
    elapsed = time.monotonic() - started
    assert elapsed < 4, f"the 2 s deadline held the fetch for {elapsed:.1f}s"  # was: forever
    assert info.value.kind == "timeout"
    stated = float(str(info.value).split(" after ")[1].split("s")[0])
    assert abs(stated - elapsed) < 0.5, str(info.value)  # says the real time, not the configured one


def test_user_agent_is_a_setting_and_gzip_and_size_cap_still_work(serve):
    body = rss(entry("g", "T", "B"))

    def gzipped(conn, stop):
        data = gzip.compress(body)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n"
                     b"Content-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)

    server = serve(gzipped)

    class S:
        feed_allow_hosts, feed_allow_private, feed_user_agent = "127.0.0.1", False, "ExampleBot/2.0"
    data, headers = fetcher(S())(f"{server.url}/f.xml")
    assert data == body and "content-encoding" not in headers
    assert b"user-agent: examplebot/2.0" in server.requests[0].lower()
    with pytest.raises(FetchError) as info:
        fetch_feed(f"{server.url}/f.xml", policy=LOCAL, limits=FetchLimits(max_bytes=len(body) - 1))
    assert info.value.kind == "too_large"


def test_redirects_are_checked_hop_by_hop(serve):
    def to_metadata(conn, stop):
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest/\r\nContent-Length: 0\r\n\r\n")

    server = serve(to_metadata)
    with pytest.raises(FetchError) as info:
        fetch_feed(f"{server.url}/feed", policy=LOCAL)
    assert info.value.kind == "refused" and "link-local" in str(info.value)
    with pytest.raises(FetchError) as info:   # and the first hop itself, by default
        fetch_feed(f"{server.url}/feed")
    assert info.value.kind == "refused"


# --- finding 3: drop directories --------------------------------------------------------------


def test_symlinks_are_refused_and_never_read(tmp_path):
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "story.txt").write_text("Fine\nLIMA (Reuters) - A story.\n")
    (drop / "passwd.txt").symlink_to("/etc/passwd")
    (drop / "etc").symlink_to("/etc", target_is_directory=True)
    (drop / "loop.txt").symlink_to(drop / "loop.txt")
    found = scan(drop, {}, settle_seconds=0)
    assert [Path(f.path).name for f in found.files] == ["story.txt"]
    refused = {Path(p).name: why for p, why in found.refused}
    assert set(refused) == {"passwd.txt", "etc", "loop.txt"} and "symbolic link" in refused["passwd.txt"]
    # a file swapped for a link between the scan and the read is refused too (O_NOFOLLOW)
    ident, parsed = read_file(FileIdentity(str(drop / "passwd.txt"), 10, 0), 1 << 20)
    assert not parsed.items and "symbolic link" in parsed.errors[0].reason
    with pytest.raises(OSError):
        read_regular(str(drop / "passwd.txt"), 1 << 20)
    # `wirewatch produce DIR` walks the same way
    produced = list(read_sources([str(drop)], fetch=None))
    assert sum(len(p.items) for p in produced) == 1
    assert not any("root:" in i.body for p in produced for i in p.items)


def test_a_file_name_that_is_not_utf8_is_refused_not_recorded(tmp_path):
    (tmp_path / "ok.txt").write_text("Fine\nLIMA (Reuters) - A story.\n")
    fd = os.open(os.fsencode(tmp_path) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"Cafe\nLIMA (Reuters) - Text.\n")
    os.close(fd)
    found = scan(tmp_path, {}, settle_seconds=0)
    assert [Path(f.path).name for f in found.files] == ["ok.txt"]
    ((where, why),) = found.refused
    assert "caf\\xe9.txt" in where and "not valid UTF-8" in why
    where.encode("utf-8")  # loggable and storable


@pytest.mark.parametrize("root", ["/", "/etc", "/proc", "/usr/share", "/var", "/tmp", "/home"])
def test_system_roots_are_refused(root):
    with pytest.raises(UnsafeDirectory):
        check_root(root)
    with pytest.raises(RegistryError, match="system directory"):
        validate_url(f"dir:{root}")
    with pytest.raises(RegistryError):
        parse_registry(f"watch_dirs:\n  - {root}\n")


def test_depth_files_and_size_are_capped(tmp_path):
    deep = tmp_path
    for level in range(12):
        deep = deep / f"d{level}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("x")
    for i in range(30):
        (tmp_path / f"f{i:02}.txt").write_text("x")
    (tmp_path / "big.txt").write_bytes(b"x" * 5000)
    (tmp_path / "fifo.txt").parent.mkdir(exist_ok=True)
    os.mkfifo(tmp_path / "fifo.txt")
    found = walk(tmp_path, max_depth=3, max_files=10, max_bytes=1000)
    assert len(found.files) == 10 and found.truncated
    everything = walk(tmp_path, max_depth=3, max_files=1000, max_bytes=1000)
    reasons = " ".join(why for _p, why in everything.refused)
    assert "deeper than 3" in reasons and "exceeds the 1000-byte" in reasons and "not a regular file" in reasons
    assert not any(f.path.endswith("deep.txt") for f in everything.files)
