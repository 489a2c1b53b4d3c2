"""Turn FILE, DIR and URL arguments into parsed WireItems (or ParseErrors).

The format is picked from the content, not trusted from the name alone: feeds start
with `<`, ninjs with `{`/`[`, anything else is a Reuters-style text story.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from producers.feeds import parse_feed
from producers.ninjs import parse_ninjs
from producers.reuters_text import ParseError, parse_story
from schemas.messages import WireItem

MAX_INPUT_BYTES = 10 * 1024 * 1024
SUFFIXES = {".txt", ".xml", ".rss", ".atom", ".rdf", ".json", ".jsonl", ".ninjs"}

Fetch = Callable[[str], tuple[bytes, dict]]


@dataclass(frozen=True)
class Parsed:
    origin: str
    items: list[WireItem]
    errors: list[ParseError]
    feed_error: str | None = None


FEED_SUFFIXES = (".xml", ".rss", ".atom", ".rdf")
NINJS_SUFFIXES = (".json", ".jsonl", ".ninjs")


def sniff_format(data: bytes, origin: str) -> str:
    """feed, ninjs or text: a known file extension decides; otherwise the first byte does.

    The extension wins because wire text can itself start with `<` (Reuters-21578 tags
    companies as `<IBM>`) or `{`.
    """
    name = origin.lower().split("?", 1)[0]
    if name.endswith(".txt"):
        return "text"
    if name.endswith(FEED_SUFFIXES):
        return "feed"
    if name.endswith(NINJS_SUFFIXES):
        return "ninjs"
    head = data.lstrip()[:1]
    return "feed" if head == b"<" else "ninjs" if head in (b"{", b"[") else "text"


def parse_bytes(data: bytes, origin: str, headers: dict | None = None) -> Parsed:
    kind = sniff_format(data, origin)
    if kind == "feed":
        feed = parse_feed(data, origin, headers)
        error = feed.bozo_reason if feed.bozo else None
        return Parsed(origin, feed.items, feed.errors, error)
    if kind == "ninjs":
        results = parse_ninjs(data, origin)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        results = [parse_story(text, origin)]
    items = [r for r in results if isinstance(r, WireItem)]
    errors = [r for r in results if isinstance(r, ParseError)]
    return Parsed(origin, items, errors)


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files):
                candidate = Path(root) / name
                if candidate.suffix.lower() in SUFFIXES and not name.startswith("."):
                    yield candidate
    else:
        yield path


def read_sources(args: list[str], fetch: Fetch) -> Iterator[Parsed]:
    """Yield one Parsed per file or URL; unreadable inputs become errors, not exceptions."""
    for arg in args:
        if arg.startswith(("http://", "https://")):
            try:
                data, headers = fetch(arg)
            except Exception as exc:  # any fetch failure is reported as data
                yield Parsed(arg, [], [ParseError(arg, f"fetch failed: {exc}")])
                continue
            yield parse_bytes(data, arg, headers)
            continue
        path = Path(arg)
        if not path.exists():
            yield Parsed(arg, [], [ParseError(arg, "no such file or directory")])
            continue
        for file in _files(path):
            size = file.stat().st_size
            if size > MAX_INPUT_BYTES:
                yield Parsed(str(file), [], [ParseError(str(file), f"{size} bytes exceeds the {MAX_INPUT_BYTES}-byte limit")])
                continue
            yield parse_bytes(file.read_bytes(), str(file))
