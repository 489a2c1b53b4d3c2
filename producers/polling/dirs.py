"""Polling a watched drop directory (the `dir:` feeds of producers.polling.poller).

Each new or changed file becomes one Batch; the file's identity is recorded only once
its items are acknowledged. What the directory walk refuses (symlinks, non-regular
files, runaway depth) is logged once per path and reason, not on every 5-second poll.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

from producers.dir_walk import UnsafeDirectory
from producers.dropdir import FileIdentity, read_file, scan
from producers.polling.buffer import Batch, Buffer
from producers.polling.ports import FeedRow, FeedStore, PollObserver
from producers.polling.report import PollReport
from producers.registry import PollerOptions

log = logging.getLogger("wirewatch.feeds")


class DirHost(Protocol):
    """What poll_dir uses of the poller (producers.polling.poller.FeedPoller)."""

    store: FeedStore
    options: PollerOptions
    report: PollReport
    observer: PollObserver
    buffer: Buffer
    told: set[tuple[str, str]]  # refusals already logged

    def mark_busy(self, feed_id: int, delta: int) -> None: ...


def poll_dir(poller: DirHost, feed: FeedRow, stop: threading.Event) -> None:
    """One poll of a watched drop directory: new or changed files become one Batch each."""
    directory = Path(feed.url[len("dir:"):])
    poller.report.add(feeds=1)
    if not directory.is_dir():
        poller.observer.feed_errors()
        poller.report.add(errors=1)
        log.warning("watched directory %s does not exist", directory)
        poller.store.record_poll(feed, status="error", error=f"no such directory: {directory}", errors=1,
                                 failed=True)
        return
    known = poller.store.known_files(str(directory))
    fetched = dropped = errors = 0
    o = poller.options
    try:  # max_bytes=None: read_file records an oversize file as an error, visible in `feeds show`
        found = scan(directory, {p: k for p, (k, _s, _n) in known.items()}, o.dir_settle_seconds,
                     max_bytes=None, max_depth=o.max_dir_depth, max_files=o.max_dir_files)
    except UnsafeDirectory as exc:
        poller.observer.feed_errors()
        poller.report.add(errors=1)
        log.error("watched directory refused: %s", exc)
        poller.store.record_poll(feed, status="error", error=f"refused: {exc}", errors=1, failed=True)
        return
    for path, why in found.refused:
        if (path, why) not in poller.told:
            poller.told.add((path, why))
            poller.observer.feed_errors()
            log.warning("drop directory %s: refused %s: %s", directory, path, why)
    if found.truncated:
        log.warning("drop directory %s: more than %d new files; the rest wait for the next poll",
                    directory, o.max_dir_files)
    for ident in (FileIdentity(f.path, f.size, f.mtime_ns) for f in found.files):
        if stop.is_set():
            break
        actual, parsed = read_file(ident, poller.options.max_file_bytes)
        previous = known.get(actual.path)
        if previous and actual.sha256 and previous[0].sha256 == actual.sha256:
            # touched, not changed: remember the new size/mtime, publish nothing
            poller.store.finish_batch(feed.id, None, actual, previous[2])
            continue
        poller.report.add(files=1)
        for error in parsed.errors:
            log.warning("file %s: dropped: %s", error.origin, error.reason)
        dropped += len(parsed.errors)
        errors += len(parsed.errors)
        fetched += len(parsed.items)
        if parsed.errors:
            poller.observer.feed_errors(len(parsed.errors))
        poller.observer.items_fetched(len(parsed.items))
        if not parsed.items:
            reason = "; ".join(e.reason for e in parsed.errors) or "no items"
            poller.store.record_file_error(feed.id, actual, reason)
            continue
        poller.mark_busy(feed.id, +1)
        if not poller.buffer.put(Batch(feed.id, actual.path, parsed.items, None, actual), stop):
            poller.mark_busy(feed.id, -1)
            break
    poller.report.add(fetched=fetched, dropped=dropped)
    poller.store.record_poll(feed, status="ok", fetched=fetched, dropped=dropped, errors=errors,
                             error=None)
