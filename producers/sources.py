"""Turn FILE, DIR and URL arguments into parsed WireItems (or ParseErrors).

The format is picked from the content, not trusted from the name alone: feeds start
with `<`, ninjs with `{`/`[`, anything else is a Reuters-style text story.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from producers.dir_walk import UnsafeDirectory, check_root, read_regular, walk
from producers.feeds import MAX_ENTRIES, parse_feed
from producers.ninjs import parse_ninjs
from producers.reuters_text import DATELINE, ParseError, parse_story
from producers.sanitise import utf8_error
from producers.url_policy import redact
from schemas.messages import WireItem

MAX_INPUT_BYTES = 10 * 1024 * 1024

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


def parse_bytes(data: bytes, origin: str, headers: dict | None = None, kind: str | None = None,
                max_entries: int = MAX_ENTRIES) -> Parsed:
    kind = kind or sniff_format(data, origin)
    if kind == "feed":
        feed = parse_feed(data, origin, headers, max_entries=max_entries)
        error = feed.bozo_reason if feed.bozo else None
        return Parsed(origin, feed.items, feed.errors, error)
    if kind == "ninjs":
        results = parse_ninjs(data, origin)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")  # wire text predates UTF-8; Latin-1 decodes any byte
        results = [parse_story(text, origin)]
    items = [r for r in results if isinstance(r, WireItem)]
    errors = [r for r in results if isinstance(r, ParseError)]
    return Parsed(origin, items, errors)


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
               "text/xml", "application/x-rss+xml")
_NINJS_TYPES = ("application/json", "application/ninjs+json", "application/x-ndjson", "application/jsonl")


def parse_response(data: bytes, url: str, headers: dict | None = None) -> Parsed:
    """A fetched URL becomes items only if it is a feed, ninjs, or a wire story with a dateline.

    Anything else (an HTML page, an internal `secret.txt`) is refused: a URL is not a
    file someone chose to drop, and publishing whatever it returns leaks it to every reader.
    """
    ctype = ((headers or {}).get("content-type") or "").split(";", 1)[0].strip().lower()
    head = data.lstrip()[:1]
    label = redact(url)
    sniffable = ctype in ("", "text/plain", "application/octet-stream")
    declared_feed = ctype in _FEED_TYPES or ctype.endswith("+xml")
    if declared_feed or head == b"<":  # servers label feeds text/html too: the parse decides
        feed = parse_feed(data, url, headers)
        if feed.items or (feed.version and feed.errors):
            return Parsed(url, feed.items, feed.errors, feed.bozo_reason if feed.bozo else None)
        if declared_feed or sniffable:
            return Parsed(url, [], [ParseError(label, f"{ctype or 'the response'} is not an RSS, Atom or RDF "
                                                      f"feed with entries: not published")])
    elif ctype in _NINJS_TYPES or (head in (b"{", b"[") and sniffable):
        return parse_bytes(data, url, headers, kind="ninjs")
    elif sniffable:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return Parsed(url, [], [ParseError(label, utf8_error(data, exc))])
        lines = [line for line in text.splitlines() if line.strip()][:2]
        if any(DATELINE.match(line) for line in lines):
            return parse_bytes(data, url, headers, kind="text")
    return Parsed(url, [], [ParseError(label, f"{ctype or 'untyped'} response is neither a feed (RSS/Atom/RDF), "
                                              f"ninjs JSON nor a wire story with a `PLACE (Reuters) -` dateline; "
                                              f"not published")])


def _files(path: Path) -> Iterator[Path | ParseError]:
    if not path.is_dir():
        yield path
        return
    try:
        root = check_root(path)
    except UnsafeDirectory as exc:
        yield ParseError(str(path), str(exc))
        return
    found = walk(root, max_files=100_000, max_bytes=MAX_INPUT_BYTES)
    for where, why in found.refused:
        yield ParseError(where, f"refused: {why}")
    if found.truncated:
        yield ParseError(str(path), "more than 100000 files: the rest were not read")
    for f in found.files:
        yield Path(f.path)


def _read_named(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise ValueError(f"{size} bytes exceeds the {MAX_INPUT_BYTES}-byte limit")
    return path.read_bytes()


def read_sources(args: list[str], fetch: Fetch) -> Iterator[Parsed]:
    """Yield one Parsed per file or URL; unreadable inputs become errors, not exceptions."""
    for arg in args:
        if arg.startswith(("http://", "https://")):
            try:
                data, headers = fetch(arg)
            except Exception as exc:  # any fetch failure is reported as data
                yield Parsed(redact(arg), [], [ParseError(redact(arg), f"fetch failed: {exc}")])
                continue
            yield parse_response(data, arg, headers)
            continue
        path = Path(arg)
        if not path.exists():
            yield Parsed(arg, [], [ParseError(arg, "no such file or directory")])
            continue
        for file in _files(path):
            if isinstance(file, ParseError):
                yield Parsed(file.origin, [], [file])
                continue
            try:
                # a file named on the command line is the user's choice; inside a directory, no links
                data = read_regular(str(file), MAX_INPUT_BYTES) if file != path else _read_named(file)
            except (OSError, ValueError) as exc:
                yield Parsed(str(file), [], [ParseError(str(file), f"not read: {exc}")])
                continue
            yield parse_bytes(data, str(file))
