"""RSS, Atom and RDF feeds through feedparser: bytes in, WireItems out.

A malformed feed is data: feedparser's bozo flag and reason travel in the result,
and whatever entries it still recovered are used.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import feedparser

from producers.html_text import html_to_text
from producers.identity import content_hash, item_id, normalise_text
from producers.reuters_text import ParseError, split_dateline
from schemas.messages import WireItem, now_iso


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


def _iso(struct: time.struct_time | None) -> str | None:
    if not struct:
        return None
    try:
        return datetime(*struct[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return None


def _entry_body(entry) -> str:
    for content in entry.get("content") or []:
        if content.get("value"):
            return html_to_text(content["value"])
    return html_to_text(entry.get("summary") or entry.get("description") or "")


def parse_feed(data: bytes, origin: str, headers: dict | None = None) -> FeedResult:
    """Parse feed bytes; `origin` (the URL or file) only labels the items."""
    parsed = feedparser.parse(data, response_headers=headers or {})
    result = FeedResult(origin=origin, bozo=bool(parsed.get("bozo")), title=parsed.feed.get("title"),
                        version=parsed.get("version") or None, encoding=parsed.get("encoding") or None)
    if result.bozo:
        exc = parsed.get("bozo_exception")
        result.bozo_reason = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    language = parsed.feed.get("language")
    for index, entry in enumerate(parsed.entries):
        headline = normalise_text(html_to_text(entry.get("title") or ""))
        body = _entry_body(entry)
        place, body = split_dateline(body)
        if not headline and not body:
            result.errors.append(ParseError(f"{origin}#{index}", "entry has neither title nor text"))
            continue
        url = entry.get("link") or None
        guid = entry.get("id") or None
        result.items.append(
            WireItem(
                id=item_id("rss", guid=guid, url=url, headline=headline, body=body, feed_url=origin),
                source="rss",
                feed=origin,
                url=url,
                guid=guid,
                headline=headline,
                body=body,
                language=(language or None) and language[:35],
                dateline_place=place,
                published_at=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
                received_at=now_iso(),
                content_hash=content_hash(headline, body),
            )
        )
    return result


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
