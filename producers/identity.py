"""Stable item ids and content hashes.

An id must not change between polls or restarts, so it is derived only from what
identifies the story (guid, or url + headline), never from fetch time.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TypeGuard
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_WS = re.compile(r"\s+")
# Tracking parameters differ between feeds for the same story; they say nothing about it.
_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|cmpid$|rpc$)")


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return _WS.sub(" ", text).strip()


def normalise_url(url: str) -> str:
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k.lower())]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(sorted(query)), ""))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def content_hash(headline: str, body: str) -> str:
    return _digest(normalise_text(headline), normalise_text(body))


def trustworthy_guid(guid: str | None, feed_url: str | None = None) -> TypeGuard[str]:
    """A guid identifies an item only if it is not blank and not the feed itself."""
    if not guid or not guid.strip():
        return False
    return guid.strip() != (feed_url or "").strip()


def item_id(
    prefix: str,
    *,
    guid: str | None = None,
    url: str | None = None,
    headline: str = "",
    body: str = "",
    feed_url: str | None = None,
) -> str:
    if trustworthy_guid(guid, feed_url):
        key = _digest("guid", guid.strip())
    elif url:
        key = _digest("url", normalise_url(url), normalise_text(headline).lower())
    else:
        # No guid and no url (a bare text story): headline plus the opening of the body.
        key = _digest("text", normalise_text(headline).lower(), normalise_text(body)[:500].lower())
    return f"{prefix}-{key[:32]}"
