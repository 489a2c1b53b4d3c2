"""PostgreSQL sink for the items stage: one transaction per batch, idempotent by keys.

Replays are harmless: items upsert on id (a row changes only for a newer version),
entities on (name, label), mentions are rewritten only for changed items, and alerts
insert on their unique alert_key with ON CONFLICT DO NOTHING.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Engine

from consumers.pipeline import ProcessedItem
from schemas.tables import Alert, Entity, Item, Mention, Topic


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item_row(p: ProcessedItem, extractor_version: str) -> dict:
    i = p.item
    return dict(
        id=i.id, version=i.version, source=i.source, feed=i.feed, url=i.url, guid=i.guid,
        headline=i.headline, body=i.body, language=i.language, dateline_place=i.dateline_place,
        published_at=_ts(i.published_at), received_at=_ts(i.received_at),
        content_hash=i.content_hash, story_id=i.story_id, extractor_version=extractor_version,
        kafka_topic=p.record.topic, kafka_partition=p.record.partition, kafka_offset=p.record.offset,
    )


def _latest(processed: Iterable[ProcessedItem]) -> list[ProcessedItem]:
    """One entry per item id, the highest version (a batch may hold replays)."""
    best: dict[str, ProcessedItem] = {}
    for p in processed:
        seen = best.get(p.item.id)
        if seen is None or p.item.version >= seen.item.version:
            best[p.item.id] = p
    return list(best.values())


class PostgresStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save_topics(self, topics: Sequence[dict]) -> None:
        """Upsert topic definitions (name, title, version, fingerprint, definition)."""
        if not topics:
            return
        stmt = insert(Topic).values(list(topics))
        stmt = stmt.on_conflict_do_update(
            index_elements=[Topic.name],
            set_={c: stmt.excluded[c] for c in ("title", "version", "fingerprint", "definition")}
            | {"updated_at": stmt.excluded.updated_at},
            where=Topic.fingerprint != stmt.excluded.fingerprint,
        )
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def save_batch(self, processed: Sequence[ProcessedItem], extractor_version: str) -> list[str]:
        """Store items, entities, mentions and alerts in ONE transaction; return new alert keys."""
        latest = _latest(processed)
        if not latest:
            return []
        with self.engine.begin() as conn:
            changed = self._upsert_items(conn, latest, extractor_version)
            self._write_mentions(conn, [p for p in latest if p.item.id in changed])
            return self._insert_alerts(conn, [a for p in processed for a in p.alerts])

    def _upsert_items(self, conn: Connection, latest, extractor_version) -> set[str]:
        stmt = insert(Item).values([_item_row(p, extractor_version) for p in latest])
        cols = [c.name for c in Item.__table__.columns if c.name not in ("id", "stored_at")]
        stmt = stmt.on_conflict_do_update(
            index_elements=[Item.id],
            set_={c: stmt.excluded[c] for c in cols},
            where=or_(
                Item.version < stmt.excluded.version,
                and_(Item.version == stmt.excluded.version, Item.content_hash != stmt.excluded.content_hash),
            ),
        ).returning(Item.id)
        return set(conn.execute(stmt).scalars())

    def _write_mentions(self, conn: Connection, changed: list[ProcessedItem]) -> None:
        if not changed:
            return
        conn.execute(delete(Mention).where(Mention.item_id.in_([p.item.id for p in changed])))
        keys = {(e.canonical, e.label) for p in changed for e in p.analysis.entities}
        if not keys:
            return
        conn.execute(
            insert(Entity)
            .values([{"canonical_name": n, "label": l} for n, l in sorted(keys)])
            .on_conflict_do_nothing(constraint="uq_entities_name_label")
        )
        names = sorted({n for n, _ in keys})
        ids = {
            (row.canonical_name, row.label): row.id
            for row in conn.execute(
                select(Entity.id, Entity.canonical_name, Entity.label).where(Entity.canonical_name.in_(names))
            )
        }
        rows = []
        for p in changed:
            merged: dict[int, dict] = {}
            for e in p.analysis.entities:
                entity_id = ids[(e.canonical, e.label)]
                row = merged.setdefault(entity_id, {
                    "item_id": p.item.id, "entity_id": entity_id, "mention_count": 0,
                    "first_position": e.first_position, "mentions": [], "aliases": [],
                })
                row["mentions"] += [{"start": m.start, "end": m.end, "text": m.text} for m in e.mentions]
                row["mention_count"] = len(row["mentions"])
                row["first_position"] = min(row["first_position"], e.first_position)
                row["aliases"] = sorted(set(row["aliases"]) | set(e.aliases))
            rows.extend(merged.values())
        conn.execute(insert(Mention).values(rows))

    def _insert_alerts(self, conn: Connection, alerts) -> list[str]:
        if not alerts:
            return []
        rows = []
        for a in alerts:
            rows.append(dict(
                alert_key=a.alert_key, topic_name=a.topic, topic_version=a.topic_version,
                item_id=a.item_id, target=a.target, target_role=a.target_role, event=a.event,
                action=a.action, place=a.place, evidence=a.evidence,
                evidence_start=(a.explanation.get("evidence") or {}).get("start"),
                evidence_end=(a.explanation.get("evidence") or {}).get("end"),
                score=a.score, rule=a.rule, explanation=a.explanation,
                extractor_version=a.explanation.get("extractor_version"),
                kafka_topic=a.source_topic, kafka_partition=a.source_partition,
                kafka_offset=a.source_offset,
            ))
        stmt = insert(Alert).values(rows).on_conflict_do_nothing(index_elements=[Alert.alert_key])
        return list(conn.execute(stmt.returning(Alert.alert_key)).scalars())
