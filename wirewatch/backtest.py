"""Backtests: what a new or edited topic would have fired over stored items. Sends nothing.

`wirewatch backtest` and the console's preview both run this.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

CHUNK = 64


@dataclass(frozen=True)
class Hit:
    item_id: str
    headline: str
    target: str | None
    evidence: str
    already_alerted: bool  # the stored topic alerted on this item already


def backtest(engine, analyzer, topic, since: datetime | None = None, limit: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> Iterator[Hit]:
    """Hits of ``topic`` over stored items since ``since``; with ``limit``, only the newest
    ``limit`` items (the analysis is the cost: a few items per second per core)."""
    from consumers.matching.engine import Matcher, MatchInput
    from wirewatch.views import alerted_item_ids, stored_items

    matcher = Matcher([topic])
    rows = stored_items(engine, since, limit)
    alerted = alerted_item_ids(engine, topic.name)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        analyses = analyzer.analyse_many([(r.headline, r.body or "") for r in chunk])
        for row, analysis in zip(chunk, analyses):
            for m in matcher.match(MatchInput(row.id, row.headline, row.body or "", analysis)):
                yield Hit(row.id, row.headline or "", m.target, m.evidence, row.id in alerted)
        if progress:
            progress(min(start + CHUNK, len(rows)), len(rows))

