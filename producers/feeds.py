"""RSS, Atom and RDF feeds through feedparser: bytes in, WireItems out.

A malformed feed is data: feedparser's bozo flag and reason travel in the result,
and whatever entries it still recovered are used.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser

from producers.html_text import html_to_text
from producers.identity import content_hash, item_id, normalise_text
from producers.reuters_text import ParseError, split_dateline
from producers.sanitise import Cleaner, fit
from schemas.messages import WireItem, now_iso

MAX_ENTRIES = 1000   # per fetch: one response must not flood the topic (50,000 entries were seen)
# Numeric character references feedparser turns into characters it then cannot encode
# (`&#55296;` raised UnicodeEncodeError from inside feedparser) or PostgreSQL cannot store.
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _bad_charref(match: re.Match) -> bytes:
    value = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    if value in (9, 10, 13) or (32 <= value < 0xD800) or (0xDFFF < value <= 0x10FFFF):
        return match.group(0)
    return b"&#xFFFD;"


@dataclass
class FeedResult:
    origin: str
    items: list[WireItem] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    bozo: bool = False
    bozo_reason: str | None = None
    title: str | None = None
    version: str | None = None    # feedparser's format name (rss20, atom10, ...); empty: not a feed
    encoding: str | None = None
    entries: int = 0              # entries in the document, before the cap
    truncated: int = 0            # entries left out by the cap
    sanitised: int = 0            # control characters / lone surrogates removed from the text


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return None


def _entry_body(entry) -> str:
    for content in entry.get("content") or []:
        if isinstance(content, dict) and isinstance(content.get("value"), str) and content["value"]:
            return html_to_text(content["value"])
    return html_to_text(_text(entry.get("summary") or entry.get("description")))


def parse_feed(data: bytes, origin: str, headers: dict | None = None, max_entries: int = MAX_ENTRIES
               ) -> FeedResult:
    """Parse feed bytes; `origin` (the URL or file) only labels the items.

    Only the first `max_entries` entries become items (`truncated` says how many not).
    Every text field is cleaned of NUL and other C0 controls (PostgreSQL rejects NUL).
    """
    try:
        parsed = feedparser.parse(_CHARREF.sub(_bad_charref, data), response_headers=headers or {})
    except Exception as exc:  # noqa: BLE001 (feedparser's own bugs on hostile input are data too)
        return FeedResult(origin=origin, bozo=True, bozo_reason=f"feed parser failed: {type(exc).__name__}: {exc}")
    result = FeedResult(origin=origin, bozo=bool(parsed.get("bozo")), title=parsed.feed.get("title"),
                        version=parsed.get("version") or None, encoding=parsed.get("encoding") or None)
    if result.bozo:
        bozo_exc = parsed.get("bozo_exception")
        result.bozo_reason = f"{type(bozo_exc).__name__}: {bozo_exc}" if bozo_exc else "malformed feed"
    clean = Cleaner()
    result.title = clean(result.title)
    result.bozo_reason = clean(result.bozo_reason)
    language = clean(parsed.feed.get("language"))
    language = language if isinstance(language, str) else None
    entries = parsed.entries
    result.entries = len(entries)
    if max_entries is not None and len(entries) > max_entries:
        result.truncated = len(entries) - max_entries
        entries = entries[:max_entries]
    for index, entry in enumerate(entries):
        headline = normalise_text(clean(html_to_text(_text(entry.get("title")))))
        body = clean(_entry_body(entry))
        place, body = split_dateline(body)
        headline, body = fit("headline", headline), fit("body", body)
        if not headline and not body:
            result.errors.append(ParseError(f"{origin}#{index}", "entry has neither title nor text"))
            continue
        url = clean(_text(entry.get("link"))) or None
        guid = clean(_text(entry.get("id"))) or None
        result.items.append(
            WireItem(
                id=item_id("rss", guid=guid, url=url, headline=headline, body=body, feed_url=origin),
                source="rss",
                feed=fit("feed", origin),
                url=fit("url", url),
                guid=fit("guid", guid),
                headline=headline,
                body=body,
                language=(language or None) and language[:35],
                dateline_place=fit("dateline_place", place),
                published_at=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
                received_at=now_iso(),
                content_hash=content_hash(headline, body),
            )
        )
    result.sanitised = clean.changed
    return result


def _text(value) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class FeedHealth:
    """How a fetched document reads as a feed: ok, bozo (malformed, entries recovered) or error."""

    status: str                  # ok | bozo | error
    error: str | None = None     # why it is an error (or the bozo reason)

    @property
    def failed(self) -> bool:
        """Counts as a failed poll for backoff: nothing usable came back."""
        return self.status == "error"


def feed_health(result: FeedResult, body_size: int) -> FeedHealth:
    if body_size == 0:
        return FeedHealth("error", "empty response (0 bytes)")
    if not result.version and not result.items:
        reason = result.bozo_reason or "no RSS, Atom or RDF root element"
        return FeedHealth("error", f"not a feed: {reason}")
    if result.bozo:
        if not result.items and not result.errors:
            return FeedHealth("error", f"malformed feed, no entries recovered: {result.bozo_reason}")
        return FeedHealth("bozo", result.bozo_reason)
    return FeedHealth("ok")
