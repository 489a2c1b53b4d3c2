"""IPTC ninjs (news in JSON) items, versions 1.x and 2.x: JSON in, WireItems out."""
from __future__ import annotations

import json
from datetime import datetime

from producers.html_text import html_to_text
from producers.identity import content_hash, item_id, normalise_text
from producers.reuters_text import ParseError, split_dateline
from producers.sanitise import Cleaner, fit, utf8_error
from schemas.messages import WireItem, now_iso


def _first_text(value) -> str:
    """ninjs 2 allows {"en": "..."} language maps where 1.x has plain strings."""
    if isinstance(value, dict):
        return next((v for v in value.values() if isinstance(v, str)), "")
    return value if isinstance(value, str) else ""


def _iso(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _clean_tree(value, clean: Cleaner):
    """Every string in the JSON value cleaned (lone surrogates from `\\ud800` escapes, NUL, controls)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_tree(v, clean) for v in value]
    if isinstance(value, dict):
        return {clean(k): _clean_tree(v, clean) for k, v in value.items()}
    return value


def parse_ninjs_object(obj: dict, origin: str) -> WireItem | ParseError:
    if not isinstance(obj, dict):
        return ParseError(origin, "ninjs item is not a JSON object")
    obj = _clean_tree(obj, Cleaner())
    uri = obj.get("uri") or obj.get("guid")
    if not isinstance(uri, str) or not uri.strip():
        return ParseError(origin, "ninjs item has no `uri`")
    headline = obj.get("headline")
    if not headline and isinstance(obj.get("headlines"), list) and obj["headlines"]:
        first = obj["headlines"][0]
        headline = first.get("value") if isinstance(first, dict) else None
    headline = normalise_text(_first_text(headline))
    body = _first_text(obj.get("body_text"))
    if not body:
        body = html_to_text(_first_text(obj.get("body_html")))
    if not body and isinstance(obj.get("bodies"), list) and obj["bodies"]:
        first = obj["bodies"][0]
        body = _first_text(first.get("value", "")) if isinstance(first, dict) else ""
        if isinstance(first, dict) and str(first.get("contenttype", "")).endswith("html"):
            body = html_to_text(body)
    place, body = split_dateline(body)
    headline, body = fit("headline", headline), fit("body", body)
    if not headline and not body:
        return ParseError(origin, "ninjs item has neither headline nor body")
    located = obj.get("located")
    url = None
    links = obj.get("links")
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and isinstance(link.get("href"), str) and link["href"]:
            url = link["href"]
            break
    return WireItem(
        id=item_id("ninjs", guid=uri),
        source="ninjs",
        feed=fit("feed", origin),
        url=fit("url", url),
        guid=fit("guid", uri),
        headline=headline,
        body=body,
        language=fit("language", obj.get("language") or None) if isinstance(obj.get("language"), str) else None,
        dateline_place=fit("dateline_place", place or (located if isinstance(located, str) else None) or None),
        published_at=_iso(obj.get("firstcreated") or obj.get("versioncreated")),
        received_at=now_iso(),
        content_hash=content_hash(headline, body),
    )


def parse_ninjs(data: bytes, origin: str) -> list[WireItem | ParseError]:
    """One ninjs object, a JSON array of them, or JSON Lines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [ParseError(origin, utf8_error(data, exc))]
    try:
        doc = json.loads(text)
        objects = doc if isinstance(doc, list) else [doc]
        return [parse_ninjs_object(obj, f"{origin}#{i}" if len(objects) > 1 else origin)
                for i, obj in enumerate(objects)]
    except json.JSONDecodeError:
        pass
    results: list[WireItem | ParseError] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            results.append(parse_ninjs_object(json.loads(line), f"{origin}:{lineno}"))
        except json.JSONDecodeError as exc:
            results.append(ParseError(f"{origin}:{lineno}", f"not JSON: {exc.msg}"))
    return results
