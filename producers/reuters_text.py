"""Reuters-style text stories: optional headline line, then `PLACE (Reuters) - body`.

Parsing is pure: text in, WireItem (or ParseError) out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from producers.identity import content_hash, item_id, normalise_text
from producers.sanitise import clean_text, fit
from schemas.messages import WireItem, now_iso

DATELINE = re.compile(
    r"^\s*(?P<place>[^()\n]{1,80}?)\s*\((?P<agency>Reuters|REUTERS|Reuters Breakingviews)\)\s*[-\u2013\u2014]+\s*"
)
MAX_BODY = 1_000_000


@dataclass(frozen=True)
class ParseError:
    """A story that could not be read, and why. Bad input is data, not an exception."""

    origin: str
    reason: str


def split_dateline(body: str) -> tuple[str | None, str]:
    """Return (place, body without the dateline). The place keeps its own spelling."""
    match = DATELINE.match(body)
    if not match:
        return None, body
    place = match.group("place").strip(" ,")
    return (place or None), body[match.end():]


def parse_story(text: str, origin: str, *, published_at: str | None = None) -> WireItem | ParseError:
    if "\x00" in text:
        return ParseError(origin, "binary content (NUL bytes): not a text story")
    text, _changed = clean_text(text)  # other C0 controls; lone surrogates from a caller's str
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return ParseError(origin, "empty story")
    headline = ""
    if not DATELINE.match(lines[0]) and len(lines) > 1:
        rest = [line for line in lines[1:] if line.strip()]
        # The first line is a headline when the dateline opens the next paragraph, or when
        # it is short and unpunctuated like a headline.
        if rest and (DATELINE.match(rest[0]) or (len(lines[0]) <= 200 and not lines[0].endswith("."))):
            headline, lines = lines[0].strip(), lines[1:]
    body = "\n".join(lines).strip()
    place, body = split_dateline(body)
    body = body.strip()
    headline = fit("headline", headline)
    if not body and not headline:
        return ParseError(origin, "no headline and no body")
    if len(body) > MAX_BODY:
        return ParseError(origin, f"body of {len(body)} characters exceeds the {MAX_BODY} limit")
    return WireItem(
        id=item_id("rt", headline=headline, body=body),
        source="reuters-text",
        feed=fit("feed", origin),
        headline=normalise_text(headline),
        body=body,
        language="en",
        dateline_place=fit("dateline_place", place),
        published_at=published_at,
        received_at=now_iso(),
        content_hash=content_hash(headline, body),
    )
