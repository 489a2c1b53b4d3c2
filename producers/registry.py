"""The feed registry file (config/feeds.yaml): feeds, watched drop directories, poller limits.

Pure: YAML text in, FeedsConfig out (or RegistryError naming the key to fix). The
poller copies these entries into the `feeds` table, which also holds feeds added with
`wirewatch feeds add`, and every feed's state.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from producers.dir_walk import UnsafeDirectory, check_root
from producers.schedule import MIN_INTERVAL
from producers.url_policy import UrlPolicy, UrlRefused, redact

MAX_INTERVAL = 365 * 86400.0

DEFAULT_INTERVAL = 300.0
DEFAULT_DIR_INTERVAL = 5.0


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class FeedSpec:
    url: str                    # http(s) URL, or dir:/absolute/path for a watched directory
    name: str
    interval: float = DEFAULT_INTERVAL
    kind: str = "http"          # http | dir


@dataclass(frozen=True)
class PollerOptions:
    fetch_workers: int = 4
    queue_items: int = 2000             # in-memory items waiting for the broker; polling pauses when full
    max_response_bytes: int = 5 * 1024 * 1024
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    publish_timeout: float = 30.0       # per attempt; failed items are reconciled, then retried
    story_window_days: float = 7.0      # how far back a near-duplicate may join a story
    dir_settle_seconds: float = 2.0     # a dropped file must be this old (still being written?)
    max_file_bytes: int = 10 * 1024 * 1024
    max_entries: int = 1000             # entries read from one response; the rest are logged as truncated
    max_dir_files: int = 1000           # new files read per drop-directory poll; the rest wait for the next
    max_dir_depth: int = 8              # subdirectory levels below a drop directory


@dataclass(frozen=True)
class FeedsConfig:
    feeds: list[FeedSpec] = field(default_factory=list)
    options: PollerOptions = field(default_factory=PollerOptions)
    source: str | None = None


def dir_url(path: str | Path) -> str:
    """dir:/resolved/path; RegistryError for / or a system directory (see producers.dir_walk)."""
    try:
        return f"dir:{check_root(path)}"
    except UnsafeDirectory as exc:
        raise RegistryError(f"drop directory refused: {exc}") from None


def validate_url(url: str, policy: UrlPolicy | None = None) -> str:
    """The normalised URL. With a UrlPolicy, its addresses are checked too (literal ones, and names
    as they resolve now; the fetch checks again on every connect)."""
    url = url.strip()
    if url.startswith("dir:"):
        return dir_url(url[4:])
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise RegistryError(f"feed url {redact(url)!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RegistryError(f"feed url {redact(url)!r} must be http(s)://host/... "
                            f"(or dir:/path for a drop directory)")
    if parts.username is not None or parts.password is not None:
        raise RegistryError(f"feed url {redact(url)!r}: credentials in feed URLs are not accepted "
                            f"(they would be stored, logged and shown in plain text)")
    if policy is not None:
        try:
            policy.check_url(url, resolve=True)
        except UrlRefused as exc:
            raise RegistryError(f"feed url {redact(url)!r} refused: {exc}") from None
    return url


def _interval(value: Any, where: str) -> float:  # Any: whatever the YAML held
    try:
        interval = float(value)
    except (TypeError, ValueError):
        raise RegistryError(f"{where}: interval {value!r} is not a number of seconds") from None
    if not math.isfinite(interval) or interval > MAX_INTERVAL:
        raise RegistryError(f"{where}: interval {value!r} must be a finite number of seconds up to "
                            f"{MAX_INTERVAL:.0f} (a year)")
    if interval < MIN_INTERVAL:
        raise RegistryError(f"{where}: interval {interval:g}s is below the {MIN_INTERVAL:g}s minimum")
    return interval


def parse_registry(text: str, source: str = "<feeds>", base_dir: Path | None = None) -> FeedsConfig:
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise RegistryError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise RegistryError(f"{source}: expected a mapping with `feeds:` (and optionally `watch_dirs:`, `poller:`)")
    unknown = set(doc) - {"defaults", "feeds", "watch_dirs", "poller"}
    if unknown:
        raise RegistryError(f"{source}: unknown key(s) {sorted(unknown)}; known: defaults, feeds, watch_dirs, poller")
    defaults = doc.get("defaults") or {}
    default_interval = _interval(defaults.get("interval", DEFAULT_INTERVAL), f"{source}: defaults")
    specs: list[FeedSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(doc.get("feeds") or []):
        where = f"{source}: feeds[{index}]"
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not entry.get("url"):
            raise RegistryError(f"{where}: each feed needs a `url`")
        url = validate_url(str(entry["url"]))
        if url in seen:
            raise RegistryError(f"{where}: {url} is listed twice")
        seen.add(url)
        specs.append(FeedSpec(url=url, name=str(entry.get("name") or urlsplit(url).netloc),
                              interval=_interval(entry.get("interval", default_interval), where)))
    for index, entry in enumerate(doc.get("watch_dirs") or []):
        where = f"{source}: watch_dirs[{index}]"
        if isinstance(entry, str):
            entry = {"path": entry}
        if not isinstance(entry, dict) or not entry.get("path"):
            raise RegistryError(f"{where}: each watched directory needs a `path`")
        path = Path(os.path.expandvars(str(entry["path"]))).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        url = dir_url(path)
        if url in seen:
            raise RegistryError(f"{where}: {path} is listed twice")
        seen.add(url)
        specs.append(FeedSpec(url=url, name=str(entry.get("name") or path.name), kind="dir",
                              interval=_interval(entry.get("interval", DEFAULT_DIR_INTERVAL), where)))
    options = doc.get("poller") or {}
    if not isinstance(options, dict):
        raise RegistryError(f"{source}: `poller` must be a mapping")
    known = PollerOptions.__dataclass_fields__
    bad = set(options) - set(known)
    if bad:
        raise RegistryError(f"{source}: unknown poller option(s) {sorted(bad)}; known: {', '.join(known)}")
    try:
        opts = PollerOptions(**{k: type(getattr(PollerOptions(), k))(v) for k, v in options.items()})
    except (TypeError, ValueError) as exc:
        raise RegistryError(f"{source}: bad poller option: {exc}") from None
    return FeedsConfig(specs, opts, source)


def load_registry(path: Path) -> FeedsConfig:
    """The registry file at `path` (settings.feeds_file, WIREWATCH_FEEDS_FILE); none there: no file feeds."""
    if not path.is_file():
        return FeedsConfig(source=str(path))
    return parse_registry(path.read_text(encoding="utf-8"), str(path), base_dir=path.parent)
