"""The items stage: decode → analyse → match → store, as pure logic behind small ports.

`ItemsStage.handle(records)` returns what must be written (items, alerts) and what must
go to the dead-letter topic; the caller stores it in one transaction and only then
commits offsets. Nothing here touches Kafka or the database.
"""
from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from consumers.understanding.model import Analysis
from schemas.messages import Alert, DeadLetter, MessageError, WireItem, decode_wire_item, now_iso

log = logging.getLogger(__name__)
STAGE = "items"


@dataclass(frozen=True)
class Record:
    """One consumed Kafka record, whatever client delivered it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp_ms: int | None = None  # the producer's CreateTime, for publish→stored latency


@dataclass
class ProcessedItem:
    item: WireItem
    record: Record
    analysis: Analysis
    alerts: list[Alert] = field(default_factory=list)


@dataclass
class BatchResult:
    processed: list[ProcessedItem] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)

    @property
    def alerts(self) -> list[Alert]:
        return [a for p in self.processed for a in p.alerts]


# (headline, body, published_at) per item; published_at may be None
Analyse = Callable[[Sequence[tuple[str, str, str | None]]], list[Analysis]]


def dead_letter(record: Record, reason: str, stage: str = STAGE) -> DeadLetter:
    b64 = lambda raw: base64.b64encode(raw).decode("ascii") if raw is not None else None  # noqa: E731
    return DeadLetter(
        reason=reason,
        stage=stage,
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        key_b64=b64(record.key),
        value_b64=b64(record.value) or "",
        failed_at=now_iso(),
    )


def alert_key(topic: str, item_id: str, target: str | None) -> str:
    """One alert per topic, item and target: a replay recomputes the same key."""
    return hashlib.sha256(f"{topic}\x1f{item_id}\x1f{(target or '').lower()}".encode()).hexdigest()


def build_alert(item: WireItem, record: Record, match, extractor_version: str) -> Alert:
    """One Alert v1 message per (topic, item, target). `alert_key` keys the message (and the
    story's row in alert_items); `explanation.event_identity.event_key` names the event-level
    alert it belongs to (consumers/alerting/identity.py)."""
    from consumers.alerting.identity import identify

    event = getattr(match, "event", None)
    explanation = dict(match.explanation())
    explanation.setdefault("topic_version", match.version)
    explanation.setdefault("extractor_version", extractor_version)
    identity = identify(
        match.topic, match.target, event.event if event else None,
        frame_place=event.place if event else None, dateline=item.dateline_place,
        evidence=match.evidence, headline=item.headline,
        published_at=item.published_at, received_at=item.received_at,
    )
    explanation.setdefault("event_identity", identity.to_dict())
    optional = {"event_key": identity.event_key} if "event_key" in Alert.__dataclass_fields__ else {}
    return Alert(
        **optional,
        alert_key=alert_key(match.topic, item.id, match.target),
        topic=match.topic,
        topic_title=match.title,
        topic_version=match.version,
        item_id=item.id,
        headline=item.headline or None,
        url=item.url,
        target=match.target,
        target_role=event.target_role if event else None,
        event=event.event if event else None,
        action=event.action if event else None,
        place=(event.place if event and event.place else item.dateline_place),
        evidence=match.evidence or item.headline,
        score=match.score,
        rule=match.rule,
        explanation=explanation,
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        created_at=now_iso(),
    )


class ItemRejected(Exception):
    """The analyser gave up on this one item (over its time or memory budget); the message
    is the dead-letter reason. Not a sign of a broken analyser."""


class StageInterrupted(Exception):
    """Stop was requested mid-batch: abandon the batch uncommitted (it is redelivered)."""


class SystemicFailure(RuntimeError):
    """Analysis fails for every item: a broken deployment, not poison input. Stop, don't dead-letter."""


class ItemsStage:
    """Pure stage logic. `analyse` and `match` are injected (spaCy and the topic engine)."""

    # This many failures in a row with no success in between means the analyzer itself is
    # broken; dead-lettering the whole stream would hide that, so the stage stops instead.
    MAX_CONSECUTIVE_FAILURES = 20

    def __init__(self, analyse: Analyse, match: Callable, extractor_version: str) -> None:
        self._analyse = analyse
        self._match = match
        self._extractor_version = extractor_version
        self._failures_in_a_row = 0

    def decode(self, records: Sequence[Record]) -> tuple[list[tuple[Record, WireItem]], list[DeadLetter]]:
        good, bad = [], []
        for record in records:
            try:
                good.append((record, decode_wire_item(record.value)))
            except MessageError as exc:
                bad.append(dead_letter(record, f"invalid WireItem: {exc}"))
        return good, bad

    def _analyse_isolating(self, decoded):
        """Analyse as one batch; if that fails, item by item so one poison item can't block the rest.

        `analyse` returns one result per pair: an Analysis, or an exception standing for that
        item's failure (`ItemRejected` when it went over budget)."""
        # the publication time goes along: roles are resolved as of the story's date
        pairs = [(item.headline, item.body, item.published_at) for _, item in decoded]
        results: list[Analysis | Exception]
        try:
            results = list(self._analyse(pairs))
        except (StageInterrupted, SystemicFailure):
            raise
        except Exception:
            log.warning("batch analysis failed; retrying item by item", exc_info=True)
            results = []
            for pair in pairs:
                try:
                    results.append(self._analyse([pair])[0])
                except (StageInterrupted, SystemicFailure):
                    raise
                except Exception as exc:
                    results.append(exc)
        return [(record, item, *self._outcome(result)) for (record, item), result in zip(decoded, results)]

    def _outcome(self, result) -> tuple[Analysis | None, str | None]:
        if isinstance(result, ItemRejected):
            return None, str(result)
        if isinstance(result, Exception):
            self._failures_in_a_row += 1
            if self._failures_in_a_row >= self.MAX_CONSECUTIVE_FAILURES:
                raise SystemicFailure(
                    f"analysis failed for {self._failures_in_a_row} items in a row "
                    f"(last: {type(result).__name__}: {result}); stopping without committing") from result
            return None, f"analysis failed: {type(result).__name__}: {result}"
        self._failures_in_a_row = 0
        return result, None

    def handle(self, records: Sequence[Record], match_input: Callable) -> BatchResult:
        decoded, dead = self.decode(records)
        result = BatchResult(dead_letters=dead)
        if not decoded:
            return result
        for record, item, analysis, error in self._analyse_isolating(decoded):
            if error:
                result.dead_letters.append(dead_letter(record, error))
                continue
            try:
                matches = self._match(match_input(item, analysis))
            except Exception as exc:
                log.warning("matching failed for %s", item.id, exc_info=True)
                result.dead_letters.append(dead_letter(record, f"matching failed: {type(exc).__name__}: {exc}"))
                continue
            alerts = [build_alert(item, record, m, self._extractor_version) for m in matches]
            result.processed.append(ProcessedItem(item, record, analysis, alerts))
        return result
