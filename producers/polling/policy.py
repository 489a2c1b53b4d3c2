"""What to publish from fetched batches: new items and new versions, each with its story.

Pure apart from the two store reads it is handed (seen-state, story candidates): dedup
by id and content hash (producers.dedup), then near-duplicate story clustering
(producers.story). Due times and backoff are producers.schedule's.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from producers import story
from producers.dedup import Decision, Seen, Verdict, decide, unique_by_id
from producers.polling.buffer import Batch
from producers.polling.ports import FeedStore, Row
from producers.polling.report import PollReport
from schemas.messages import WireItem


def decide_batches(batches: list[Batch], store: FeedStore, since: datetime, report: PollReport) -> list[Row]:
    """New items and new versions with their version and story_id; unchanged ones drop out.

    Batches are decided in order against the seen-state plus what earlier items of
    the same call decided, so one id in two feeds is published once per content.
    `since`: how far back a near-duplicate may join a story.
    """
    entries: list[tuple[WireItem, int]] = []
    for batch in batches:
        items, _repeats = unique_by_id(batch.items)
        entries.extend((item, batch.feed_id) for item in items)
    seen = store.seen(sorted({item.id for item, _f in entries}))
    chosen: list[tuple[WireItem, int, Decision]] = []
    fps: dict[tuple[str, int], story.Fingerprint] = {}
    for item, feed_id in entries:
        decision = decide(item, seen.get(item.id))
        if not decision.publish:
            report.add(unchanged=1)
            continue
        seen[item.id] = Seen(decision.version, item.content_hash, decision.story_id)
        fps[(item.id, decision.version)] = story.fingerprint(item.headline, item.body)
        chosen.append((item, feed_id, decision))
    wanted = {k for item, _f, d in chosen if not d.story_id for k in fps[(item.id, d.version)].bands}
    index = store.story_candidates(wanted, since)
    stories: dict[str, str] = {}  # story of ids decided earlier in this call
    out: list[Row] = []
    for item, feed_id, decision in chosen:
        fp = fps[(item.id, decision.version)]
        story_id = decision.story_id or stories.get(item.id)
        if story_id is None:
            pool = {c.item_id: c for key in fp.bands for c in index.get(key, ())}
            story_id, _score = story.choose_story(fp, pool.values())
            story_id = story_id or story.new_story_id(item.id)
            if fp.clusterable:  # later items of this same call can join it
                for key in fp.bands:
                    index.setdefault(key, []).append(story.Candidate(item.id, story_id, fp.signature))
        stories[item.id] = story_id
        if decision.verdict is Verdict.CHANGED:
            report.add(new_versions=1)
        final = replace(item, version=decision.version, story_id=story_id)
        out.append((final, feed_id, story.pack(fp.signature) if fp.clusterable else None))
    return out
