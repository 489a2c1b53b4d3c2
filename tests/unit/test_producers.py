from pathlib import Path

from producers.feeds import parse_feed
from producers.identity import content_hash, item_id, normalise_url
from producers.ninjs import parse_ninjs
from producers.publisher import publish
from producers.reuters_text import ParseError, parse_story, split_dateline
from producers.sources import read_sources
from schemas.messages import decode_wire_item

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "eval-data" / "seed" / "kem-sokha-arrest.txt"


def test_reference_story_parses_with_dateline():
    item = parse_story(SEED.read_text(), "seed")
    assert item.dateline_place == "PHNOM PENH"
    assert item.headline == ""
    assert item.body.startswith("Around half the opposition members")
    assert "Kem Sokha, was arrested on Sept. 3" in item.body


def test_headline_line_and_dateline():
    item = parse_story("Court frees leader\nLIMA (Reuters) - A court freed him.\n", "x")
    assert (item.headline, item.dateline_place, item.body) == ("Court frees leader", "LIMA", "A court freed him.")


def test_dateline_with_country_and_dash_variants():
    assert split_dateline("MARRAKESH, Morocco (Reuters) \u2013 Text")[0] == "MARRAKESH, Morocco"
    assert split_dateline("No dateline here") == (None, "No dateline here")


def test_bad_text_is_data_not_exception():
    assert isinstance(parse_story("", "x"), ParseError)
    assert isinstance(parse_story("a\x00b", "x"), ParseError)


def test_ids_are_stable_and_content_free():
    a = item_id("rss", guid="g-1", url="https://a/1", headline="x")
    b = item_id("rss", guid="g-1", url="https://b/2", headline="y")
    assert a == b
    u1 = item_id("rss", url="https://A.example/story/?utm_source=x&id=2", headline="Hello  world")
    u2 = item_id("rss", url="https://a.example/story?id=2", headline="hello world")
    assert u1 == u2
    assert normalise_url("HTTPS://Ex.com/a/?b=1&utm_medium=z") == "https://ex.com/a?b=1"
    assert content_hash("H", "a  b") == content_hash("H ", "a b")


def test_feed_entries_become_items():
    rss = (ROOT / "samples/wire/fictional-wire.rss").read_bytes()
    result = parse_feed(rss, "sample.rss")
    assert not result.bozo
    assert len(result.items) == 3
    first = result.items[0]
    assert first.guid == "sample-call-for-arrest-1"
    assert first.dateline_place == "TBILISI"
    assert first.published_at.startswith("2026-11-02T08:00:00")


def test_malformed_feed_is_recorded_not_raised():
    result = parse_feed(b"<rss><channel><item><title>x</title></item>", "broken.rss")
    assert result.bozo and result.bozo_reason


def test_ninjs_item():
    items = parse_ninjs((ROOT / "samples/wire/fictional-ninjs.json").read_bytes(), "n.json")
    assert len(items) == 1 and items[0].dateline_place == "ACCRA"
    assert parse_ninjs(b'{"headline": "no uri"}', "n")[0].reason == "ninjs item has no `uri`"


def test_sample_wire_all_parse():
    parsed = list(read_sources([str(ROOT / "samples/wire")], fetch=None))
    assert sum(len(p.items) for p in parsed) == 8
    assert not any(p.errors for p in parsed)


def test_missing_path_is_reported():
    (parsed,) = read_sources(["/nonexistent/x.txt"], fetch=None)
    assert parsed.errors[0].reason == "no such file or directory"


class FakeFuture:
    def __init__(self, error=None):
        self.error = error

    def get(self, timeout=None):
        if self.error:
            raise self.error


class FakeBus:
    def __init__(self, fail_ids=()):
        self.sent, self.flushed, self.fail_ids = [], False, set(fail_ids)

    def send(self, topic, key, value):
        self.sent.append((topic, key, value))
        return FakeFuture(RuntimeError("broker said no") if key.decode() in self.fail_ids else None)

    def flush(self, timeout=None):
        self.flushed = True


def test_publish_counts_only_acknowledged():
    items = [parse_story(SEED.read_text(), "seed"), parse_story("H\nLIMA (Reuters) - b.", "x")]
    bus = FakeBus(fail_ids={items[1].id})
    report = publish(bus, "items", items)
    assert bus.flushed
    assert report.acknowledged == 1
    assert report.failed[0][0] == items[1].id
    topic, key, value = bus.sent[0]
    assert key == items[0].id.encode() and decode_wire_item(value) == items[0]


def test_text_story_starting_with_a_company_tag_is_not_taken_for_a_feed():
    from producers.sources import parse_bytes, sniff_format

    data = b"<IBM> profit rises\nARMONK, N.Y. (Reuters) - <International Business Machines Corp> said..."
    assert sniff_format(data, "story.txt") == "text"
    parsed = parse_bytes(data, "story.txt")
    assert parsed.items[0].headline == "<IBM> profit rises" and not parsed.errors
    assert sniff_format(b"<rss/>", "https://x.invalid/feed") == "feed"
    assert sniff_format(b'{"uri": "u"}', "item.json") == "ninjs"
