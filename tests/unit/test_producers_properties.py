"""Hostile-input properties of the producers (hypothesis).

Feed parsing gets random bytes and the real malformed feeds of ../shared/eval-data/feeds
(read in place) mutated byte-wise; the drop-directory reader gets random names,
contents and symlinks in a temporary directory. Every call stays within a time bound,
raises nothing (bad input is data: ParseError / bozo), and every item it yields is one
the wire schema accepts.
"""
from __future__ import annotations

import csv
import os
import shutil
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from producers.dropdir import FileIdentity, read_file, scan
from producers.feeds import parse_feed
from producers.ninjs import parse_ninjs
from producers.sources import parse_bytes, parse_response
from schemas.messages import decode_wire_item, encode
from tests.conftest import EVAL_DATA

FEEDS = EVAL_DATA / "feeds"
BOUND = 2.0   # seconds per call; inputs here are at most a few KB
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _malformed() -> list[bytes]:
    with open(FEEDS / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t") if r["stdlib_xml_wellformed"] == "no"]
    return [(FEEDS / r["file"]).read_bytes() for r in rows]


MALFORMED = _malformed()


def assert_items_encode(items) -> None:
    for item in items:
        assert decode_wire_item(encode(item)) == item


def timed(fn, *args, **kwargs):
    started = time.monotonic()
    out = fn(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"{fn.__name__} took {elapsed:.2f}s"
    return out


# Bytes that have broken parsers before: NUL, controls, surrogate and NUL charrefs,
# invalid UTF-8, CDATA and comment openers, deep nesting.
NASTY = [b"\x00", b"\x01", b"\x0b", b"&#0;", b"&#55296;", b"&#xDFFF;", b"&#1114112;", b"\xff", b"\xed\xa0\x80",
         b"\xc3", b"<![CDATA[", b"]]>", b"<!--", b"<item>", b"</item>", b"<title>", b"<description>",
         b"&amp;", b"&bogus;", b"<" * 50, b"\"", b"\r\n", b"\xef\xbb\xbf"]


@st.composite
def mutated_feed(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(MALFORMED)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "truncate", "flip"]))
        at = draw(st.integers(0, max(0, len(data))))
        if op == "insert":
            data[at:at] = draw(st.sampled_from(NASTY) | st.binary(max_size=16))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        elif data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
    return bytes(data)


def test_the_malformed_corpus_is_there():
    assert len(MALFORMED) == 35


@FAST
@given(st.binary(max_size=4096))
def test_random_bytes_as_a_feed(data):
    result = timed(parse_feed, data, "https://example.com/feed")
    assert_items_encode(result.items)


@FAST
@given(mutated_feed())
def test_mutated_malformed_feeds(data):
    result = timed(parse_feed, data, "https://example.com/feed")
    assert_items_encode(result.items)
    parsed = timed(parse_response, data, "https://example.com/feed", {"content-type": "application/xml"})
    assert_items_encode(parsed.items)


@FAST
@given(st.binary(max_size=2048), st.sampled_from(["x.txt", "x.xml", "x.json", "x.jsonl", "x", "x.rss"]))
def test_random_bytes_in_any_format(data, name):
    parsed = timed(parse_bytes, data, name)
    assert_items_encode(parsed.items)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),  # text includes surrogates
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
NINJS_KEYS = ["uri", "guid", "headline", "headlines", "body_text", "body_html", "bodies", "language", "located",
              "links", "firstcreated", "versioncreated"]


@FAST
@given(st.dictionaries(st.sampled_from(NINJS_KEYS), JSON | st.text(), max_size=8))
def test_random_ninjs_objects(obj):
    import json

    obj.setdefault("uri", "urn:x")
    for result in timed(parse_ninjs, json.dumps(obj).encode("utf-8"), "n.json"):
        if not hasattr(result, "reason"):
            assert_items_encode([result])


NAMES = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1,
                max_size=20).filter(lambda n: n not in (".", ".."))
SUFFIX = st.sampled_from([".txt", ".json", ".xml", ".rss", ".bin", ""])
TARGETS = st.sampled_from(["/etc/passwd", "/etc", "/", "/nonexistent", "SIBLING", "SELF", "PARENT"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["file", "link", "dir"]), NAMES, SUFFIX,
                          st.binary(max_size=512) | st.sampled_from(MALFORMED), TARGETS), max_size=12))
def test_drop_directory_reader(entries):
    root = Path(tempfile.mkdtemp(prefix="ww-prop-"))
    try:
        made = []
        for kind, name, suffix, content, target in entries:
            parent = made[-1] if made and made[-1].is_dir() and not made[-1].is_symlink() else root
            path = parent / (name + suffix)
            if os.path.lexists(path) or len(os.fsencode(path.name)) > 255:
                continue
            if kind == "file":
                path.write_bytes(content)
            elif kind == "dir":
                path.mkdir()
            else:
                named = {"SIBLING": str(root / "sibling.txt"), "SELF": str(path), "PARENT": str(root)}
                dest = named.get(target, target)
                path.symlink_to(dest)
            made.append(path)
        found = timed(scan, root, {}, 0.0)
        for f in found.files:
            assert not os.path.islink(f.path)
            assert Path(f.path).resolve().is_relative_to(root.resolve())
            ident, parsed = timed(read_file, FileIdentity(f.path, f.size, f.mtime_ns), 1 << 20)
            assert_items_encode(parsed.items)
        links = {str(p) for p in made if p.is_symlink()}
        assert links.isdisjoint(f.path for f in found.files)
    finally:
        shutil.rmtree(root, ignore_errors=True)
