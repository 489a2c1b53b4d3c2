"""Watched topics at run time: hot reload from YAML, mirrored into the topics table.

A new topic set goes live only once the store has it (alerts name their topic version);
a broken file or a failed save keeps the current set running, and is never fatal after
the first load.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Protocol

from consumers.matching.engine import Match, Matcher, MatchInput
from consumers.matching.topics import TopicFileError, TopicSet
from consumers.understanding.model import Analysis
from schemas.messages import WireItem

log = logging.getLogger(__name__)


class TopicSource(Protocol):
    """Where topic sets come from (consumers.matching.topics.TopicFileWatcher)."""

    def poll(self) -> TopicSet | None:
        """A new topic set when the source changed since the last poll, else None."""
        ...


class TopicStore(Protocol):
    """Where the live topic definitions are mirrored (the topics table)."""

    def save_topics(self, topics: Sequence[dict]) -> None: ...


class TopicRuntime:
    """Holds the current Matcher; `refresh()` swaps it when the topics file changes."""

    def __init__(self, watcher: TopicSource, store: TopicStore, check_every: float = 2.0) -> None:
        self.watcher = watcher
        self.store = store
        self.check_every = check_every
        self.matcher: Matcher | None = None
        self._last_check = 0.0
        self._pending: TopicSet | None = None  # a new topic set whose save to the database failed

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_check < self.check_every:
            return
        self._last_check = now
        try:
            topics = self.watcher.poll()
        except TopicFileError as exc:
            if self.matcher is None:
                raise  # nothing to fall back on: refuse to start with a broken file
            # the watcher raises once per version of a bad file, so this logs once
            log.error("topics file rejected, keeping the %d current topics:\n%s",
                      len(self.matcher.topics), exc)
            return
        except Exception:  # noqa: BLE001 - a topic edit must never kill a running consumer
            if self.matcher is None:
                raise
            log.exception("topics file could not be loaded, keeping the %d current topics",
                          len(self.matcher.topics))
            return
        topics = topics if topics is not None else self._pending
        if topics is None:
            return
        # Alerts name their topic version, so a new set goes live only once it is stored; the
        # watcher has moved on already, so a failed save is retried on later refreshes.
        self._pending = topics
        try:
            self.store.save_topics([
                {"name": t.name, "title": t.title, "version": t.version,
                 "fingerprint": t.fingerprint, "definition": t.definition()}
                for t in topics
            ])
        except Exception as exc:  # noqa: BLE001 - e.g. the database is down for a while
            if self.matcher is None:
                raise
            log.warning("new topics not stored yet (%s: %s); keeping the %d current topics and retrying",
                        type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "",
                        len(self.matcher.topics))
            return
        self._pending = None
        self.matcher = Matcher(list(topics))
        log.info("watching %d topic(s): %s", len(topics), ", ".join(t.name for t in topics))

    def match(self, doc: MatchInput) -> list[Match]:
        if self.matcher is None:  # refresh() has not loaded a topic set yet
            raise RuntimeError("no topic set loaded: TopicRuntime.refresh() found none to match against")
        return self.matcher.match(doc)

    @staticmethod
    def match_input(item: WireItem, analysis: Analysis) -> MatchInput:
        return MatchInput(id=item.id, headline=item.headline, body=item.body, analysis=analysis)
