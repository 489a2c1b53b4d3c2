"""PostgreSQL sink for the items stage: one transaction per batch, idempotent by keys.

Replays are harmless: items upsert on id (a row changes only for a newer version),
entities on (name, label), mentions are rewritten only for changed items. Alerts are
event-level: they upsert on their unique event_key, each story is a row of alert_items
(unique per alert and item), and the email outbox rows (deliveries) have a unique
idempotency key. So a replay adds no evidence, escalates nothing and queues no email.

Values PostgreSQL would refuse (NUL, lone surrogates, over-long names) are cleaned or cut
first (wirewatch/adapters/postgres_fields.py) and noted in items.limits, so the story and its alert
are kept rather than dead-lettered.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, delete, func, literal_column, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Connection, Engine

from consumers.pipeline import ProcessedItem
from schemas.tables import Alert, AlertItem, Delivery, Entity, Item, Mention, Topic
from wirewatch.adapters.postgres_fields import clean_processed, cut


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _item_row(p: ProcessedItem, extractor_version: str, notes: Sequence[str] = ()) -> dict:
    i = p.item
    # The analysis caps (another stage's notes) first, then what the store changed.
    limits = [str(n) for n in getattr(p.analysis, "limits", ()) or ()] + list(notes)
    return dict(
        id=i.id, version=i.version, source=i.source, feed=i.feed, url=i.url, guid=i.guid,
        headline=i.headline, body=i.body, language=i.language, dateline_place=i.dateline_place,
        published_at=_ts(i.published_at), received_at=_ts(i.received_at),
        content_hash=i.content_hash, story_id=i.story_id, extractor_version=extractor_version,
        kafka_topic=p.record.topic, kafka_partition=p.record.partition, kafka_offset=p.record.offset,
        limits=[n.replace("\x00", "") for n in limits],
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
        cleaned = [clean_processed(p) for p in processed]
        processed = [p for p, _ in cleaned]
        notes = {id(p): n for p, n in cleaned}
        latest = _latest(processed)
        if not latest:
            return []
        with self.engine.begin() as conn:
            changed = self._upsert_items(conn, latest, extractor_version, notes)
            self._write_mentions(conn, [p for p in latest if p.item.id in changed])
            return self._insert_alerts(conn, [a for p in processed for a in p.alerts])

    def _upsert_items(self, conn: Connection, latest, extractor_version, notes: dict) -> set[str]:
        stmt = insert(Item).values([_item_row(p, extractor_version, notes.get(id(p), ())) for p in latest])
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
            .values([{"canonical_name": n, "label": label} for n, label in sorted(keys)])
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
        # executemany: one cached statement (insertmanyvalues), not a new giant VALUES list per batch.
        conn.execute(insert(Mention), rows)

    # --- alerts: one per event, evidence per story, outbox rows (consumers/alerting) ---

    def set_delivery_rules(self, source) -> None:
        """Inject the delivery rules (a `DeliveryRulesSource`; bootstrap's App.store does)."""
        self.__dict__["_delivery_source"] = source

    def _delivery_config(self):
        src = self.__dict__.get("_delivery_source")
        if src is None:
            raise RuntimeError("PostgresStore has no delivery rules: build it with wirewatch.bootstrap "
                               "(App.store), or call set_delivery_rules(DeliveryRulesSource(...)) first")
        return src.current()

    def _insert_alerts(self, conn: Connection, alerts) -> list[str]:
        """Attach each matched story to its event-level alert; return the message keys of the
        stories that opened an alert or escalated one (what deserves a log line)."""
        if not alerts:
            return []
        evidence = self._evidence(conn, alerts)
        if not evidence:
            return []
        self._resolve_event_keys(conn, evidence)
        groups: dict[str, list[_Evidence]] = {}
        for ev in sorted(evidence, key=lambda e: (e.seen_at, e.alert.source_offset or 0, e.alert.item_id)):
            groups.setdefault(ev.identity.event_key, []).append(ev)
        now = datetime.now(timezone.utc)
        heads = self._upsert_event_alerts(conn, groups, now)
        new_items = self._insert_alert_items(conn, groups, heads)
        loud: list[str] = []
        outbox: list[tuple[_Head, int]] = []
        for key, head in heads.items():
            fresh = [ev for ev in groups[key] if (head.id, ev.alert.item_id) in new_items]
            if head.inserted:
                loud.append(groups[key][0].alert.alert_key)
                outbox.append((head, 0))
                continue
            change = self._escalation(head, fresh)
            if change is not None:
                self._record_escalation(conn, head, change, now)
                loud.append(next(ev.alert.alert_key for ev in fresh if ev.alert.item_id == change.item_id))
                outbox.append((head, change.level))
        touched = sorted({alert_id for alert_id, _ in new_items})
        if touched:
            self._refresh_counters(conn, touched)
        self._queue_deliveries(conn, outbox, now)
        return loud

    @staticmethod
    def _evidence(conn: Connection, alerts) -> list["_Evidence"]:
        from consumers.alerting import escalation as esc
        from consumers.alerting import identity as ident

        rows = {r.id: r for r in conn.execute(
            select(Item.id, Item.url, Item.feed, Item.source, Item.headline, Item.dateline_place,
                   Item.published_at, Item.received_at).where(Item.id.in_(sorted({a.item_id for a in alerts}))))}
        out, seen = [], set()
        for a in alerts:
            item = rows.get(a.item_id)
            if item is None or a.alert_key in seen:
                continue
            seen.add(a.alert_key)
            frame = a.explanation.get("event") or {}
            stored = a.explanation.get("event_identity") or {}
            identity = ident.identify(
                a.topic, a.target, a.event, frame_place=frame.get("place"), dateline=item.dateline_place,
                evidence=a.evidence, headline=item.headline,
                published_at=item.published_at, received_at=item.received_at)
            if stored.get("event_key") and stored.get("window_start"):
                # What the message says wins (it was computed from this very item version).
                identity = ident.EventIdentity(
                    stored["event_key"], a.topic, a.target, ident.normalise_target(a.target), a.event,
                    stored.get("country"), date.fromisoformat(stored["window_start"]),
                    ident.parse_time(stored.get("seen_at")) or identity.seen_at)
            if len(identity.target_key) > 300 or len(identity.country or "") > 100:  # the column sizes
                identity = replace(identity, target_key=cut(identity.target_key, 300),
                                   country=cut(identity.country, 100))
            stage = esc.stage_of(a.action, frame.get("status"), a.evidence, (frame.get("details") or {}).get("lemma"))
            hits = [h.get("text") for h in a.explanation.get("hits") or []]
            terms = [t for t in [frame.get("trigger"), a.target, *hits] if t]
            out.append(_Evidence(a, identity, stage, ident.source_of(item.url, item.feed, item.source),
                                 item.url, identity.seen_at, terms))
        return out

    @staticmethod
    def _resolve_event_keys(conn: Connection, evidence: list["_Evidence"]) -> None:
        """Country "when known" and window edges (see consumers/alerting/identity.py)."""
        from consumers.alerting.identity import WINDOW_DAYS

        def compatible(a: str | None, b: str | None) -> bool:
            return a is None or b is None or a.casefold() == b.casefold()

        # A story that is already evidence for an alert stays with that alert, whenever it is
        # replayed: re-publishing it weeks later must not open a second alert (nor mail again).
        attached = {
            (r.item_id, r.topic_name, r.target_key, r.event): r
            for r in conn.execute(
                select(AlertItem.item_id, Alert.topic_name, Alert.target_key, Alert.event,
                       Alert.country, Alert.window_start)
                .join(Alert, Alert.id == AlertItem.alert_id)
                .where(AlertItem.item_id.in_(sorted({ev.alert.item_id for ev in evidence}))))
        }
        bases: dict[tuple, list[_Evidence]] = {}
        for ev in evidence:
            i = ev.identity
            prior = attached.get((ev.alert.item_id, i.topic, i.target_key, i.event))
            if prior is not None:
                ev.identity = i.with_country(prior.country, prior.window_start)
                continue
            bases.setdefault((i.topic, i.target_key, i.event, i.window_start), []).append(ev)
        for (topic, target_key, event, start), evs in bases.items():
            prev = start - timedelta(days=WINDOW_DAYS)
            found = conn.execute(
                select(Alert.event_key, Alert.country, Alert.window_start, Alert.last_seen_at)
                .where(Alert.topic_name == topic, Alert.target_key == target_key,
                       Alert.event.is_not_distinct_from(event), Alert.window_start.in_([start, prev]))
                .order_by(Alert.window_start.desc(), Alert.id)
            ).all()
            for ev in evs:
                if any(f.event_key == ev.identity.event_key for f in found):
                    continue
                for f in found:
                    if not compatible(f.country, ev.identity.country):
                        continue
                    if f.window_start == start or (
                            f.last_seen_at is not None and f.last_seen_at >= ev.seen_at - timedelta(days=WINDOW_DAYS)):
                        ev.identity = ev.identity.with_country(f.country, f.window_start)
                        break
            # In-batch: stories of unknown country join a new alert of a known one.
            known = [ev for ev in evs if ev.identity.country and not any(
                f.event_key == ev.identity.event_key for f in found)]
            for ev in evs:
                if ev.identity.country is None and known and not any(
                        f.event_key == ev.identity.event_key for f in found):
                    ev.identity = ev.identity.with_country(known[0].identity.country, known[0].identity.window_start)

    @staticmethod
    def _upsert_event_alerts(conn: Connection, groups, now: datetime) -> dict[str, "_Head"]:
        rows = []
        for key, evs in sorted(groups.items()):  # a fixed lock order: concurrent batches cannot deadlock
            first, a = evs[0], evs[0].alert
            top = max(evs, key=lambda e: e.stage.rank).stage
            rows.append(dict(
                event_key=key, alert_key=a.alert_key, topic_name=a.topic, topic_version=a.topic_version,
                item_id=a.item_id, target=a.target, target_role=a.target_role, event=a.event,
                action=a.action, place=a.place, evidence=a.evidence,
                evidence_start=(a.explanation.get("evidence") or {}).get("start"),
                evidence_end=(a.explanation.get("evidence") or {}).get("end"),
                score=a.score, rule=a.rule, explanation=a.explanation,
                extractor_version=a.explanation.get("extractor_version"),
                kafka_topic=a.source_topic, kafka_partition=a.source_partition, kafka_offset=a.source_offset,
                target_key=first.identity.target_key, country=first.identity.country,
                window_start=first.identity.window_start, stage=top.name, stage_rank=top.rank,
                escalation=0, escalations=[], evidence_count=len(evs),
                source_count=len({e.source for e in evs}), first_seen_at=evs[0].seen_at,
                last_seen_at=max(e.seen_at for e in evs), updated_at=now,
            ))
        stmt = insert(Alert).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Alert.event_key],
            set_={"updated_at": stmt.excluded.updated_at,
                  "country": func.coalesce(Alert.country, stmt.excluded.country)},
        ).returning(Alert.id, Alert.event_key, Alert.topic_name, Alert.stage_rank, Alert.escalation,
                    Alert.muted_at, literal_column("(xmax = 0)").label("inserted"))
        return {r.event_key: _Head(r.id, r.event_key, r.topic_name, r.stage_rank, r.escalation,
                                   r.muted_at is not None, bool(r.inserted))
                for r in conn.execute(stmt)}

    @staticmethod
    def _insert_alert_items(conn: Connection, groups, heads) -> set[tuple[int, str]]:
        rows, seen = [], set()
        for key, evs in groups.items():
            alert_id = heads[key].id
            for ev in evs:
                a = ev.alert
                if (alert_id, a.item_id) in seen:
                    continue
                seen.add((alert_id, a.item_id))
                rows.append(dict(
                    alert_id=alert_id, item_id=a.item_id, alert_key=a.alert_key, evidence=a.evidence,
                    evidence_start=(a.explanation.get("evidence") or {}).get("start"),
                    evidence_end=(a.explanation.get("evidence") or {}).get("end"),
                    terms=ev.terms, action=a.action, stage=ev.stage.name, stage_rank=ev.stage.rank,
                    source=ev.source[:300], url=ev.url, country=ev.identity.country,
                    published_at=ev.seen_at, kafka_topic=a.source_topic,
                    kafka_partition=a.source_partition, kafka_offset=a.source_offset,
                ))
        stmt = insert(AlertItem).values(rows).on_conflict_do_nothing(
            index_elements=[AlertItem.alert_id, AlertItem.item_id])
        return {(r.alert_id, r.item_id) for r in conn.execute(stmt.returning(AlertItem.alert_id, AlertItem.item_id))}

    @staticmethod
    def _escalation(head: "_Head", fresh: list["_Evidence"]):
        from consumers.alerting.escalation import escalation

        return escalation(head.stage_rank, head.escalation, [(ev.alert.item_id, ev.stage) for ev in fresh])

    @staticmethod
    def _record_escalation(conn: Connection, head: "_Head", change, now: datetime) -> None:
        entry = json.dumps([change.to_dict(now.isoformat())])
        conn.execute(
            update(Alert).where(Alert.id == head.id).values(
                stage=change.new.name, stage_rank=change.new.rank, escalation=change.level,
                escalation_reason=change.reason, updated_at=now,
                escalations=Alert.escalations.op("||")(text("CAST(:entry AS jsonb)").bindparams(entry=entry)),
            ))
        # A newer level makes older, not yet claimed emails about this alert pointless.
        conn.execute(
            update(Delivery).where(Delivery.alert_id == head.id, Delivery.escalation < change.level,
                                   Delivery.status == "pending")
            .values(status="superseded", last_error=f"superseded by escalation {change.level}"))
        head.escalation, head.stage_rank = change.level, change.new.rank

    @staticmethod
    def _refresh_counters(conn: Connection, alert_ids: list[int]) -> None:
        conn.execute(text(
            "UPDATE alerts a SET evidence_count = s.n, source_count = s.sources, "
            "first_seen_at = s.first_seen, last_seen_at = s.last_seen "
            "FROM (SELECT alert_id, count(*) AS n, count(DISTINCT source) AS sources, "
            "      min(published_at) AS first_seen, max(published_at) AS last_seen "
            "      FROM alert_items WHERE alert_id = ANY(:ids) GROUP BY alert_id) s "
            "WHERE a.id = s.alert_id").bindparams(ids=alert_ids))

    def _queue_deliveries(self, conn: Connection, outbox: list[tuple["_Head", int]], now: datetime) -> None:
        """The outbox rows, in the batch transaction: one per alert, level and recipient."""
        if not outbox:
            return
        from consumers.alerting.delivery_schedule import delivery_key

        config = self._delivery_config()
        rows = []
        for head, level in outbox:
            if head.muted:
                continue
            for rule, recipient in config.recipients_for(head.topic):
                rows.append(dict(idempotency_key=delivery_key(head.event_key, level, recipient),
                                 alert_id=head.id, escalation=level, recipient=recipient, rule=rule,
                                 status="pending", next_attempt_at=now, created_at=now))
        if rows:
            conn.execute(insert(Delivery).values(rows).on_conflict_do_nothing(
                index_elements=[Delivery.idempotency_key]))


@dataclass
class _Evidence:
    alert: object  # schemas.messages.Alert
    identity: object  # consumers.alerting.identity.EventIdentity
    stage: object  # consumers.alerting.escalation.Stage
    source: str
    url: str | None
    seen_at: datetime
    terms: list


@dataclass
class _Head:
    id: int
    event_key: str
    topic: str
    stage_rank: int
    escalation: int
    muted: bool
    inserted: bool
