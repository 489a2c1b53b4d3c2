"""Dedup decisions: is a freshly parsed item new, a new version, or already published?

Pure. The poller loads the durable seen-state (what the broker has acknowledged, from
PostgreSQL) and asks `decide` about each item; it then publishes `Decision.version`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from schemas.messages import WireItem


class Verdict(str, Enum):
    NEW = "new"                # never published: version 1
    CHANGED = "changed"        # same id, different content: version + 1
    UNCHANGED = "unchanged"    # same id, same content: publish nothing


@dataclass(frozen=True)
class Seen:
    """The last acknowledged version of an id."""

    version: int
    content_hash: str
    story_id: str | None = None


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    version: int
    story_id: str | None = None  # kept from the seen-state for a new version

    @property
    def publish(self) -> bool:
        return self.verdict is not Verdict.UNCHANGED


def decide(item: WireItem, seen: Seen | None) -> Decision:
    if seen is None:
        return Decision(Verdict.NEW, max(1, item.version))
    if seen.content_hash == item.content_hash:
        return Decision(Verdict.UNCHANGED, seen.version, seen.story_id)
    return Decision(Verdict.CHANGED, seen.version + 1, seen.story_id)


def unique_by_id(items: Iterable[WireItem]) -> tuple[list[WireItem], int]:
    """Keep the last occurrence of each id (a feed listing an item twice publishes it once).

    Returns (items in first-seen order, how many repeats were folded).
    """
    order: dict[str, WireItem] = {}
    repeats = 0
    for item in items:
        if item.id in order:
            repeats += 1
        order[item.id] = item
    return list(order.values()), repeats
