"""Publish WireItems to the items topic and count only what the broker acknowledged."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from schemas.messages import MessageError, WireItem, encode


class Pending(Protocol):
    def get(self, timeout: float | None = None) -> object: ...


class Outbound(Protocol):
    """The slice of a Kafka producer the publisher needs (see wirewatch.adapters.kafka_bus)."""

    def send(self, topic: str, key: bytes, value: bytes) -> Pending: ...

    def flush(self, timeout: float | None = None) -> None: ...


@dataclass
class PublishReport:
    acknowledged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (item id, reason)

    def merge(self, other: "PublishReport") -> None:
        self.acknowledged += other.acknowledged
        self.failed.extend(other.failed)


def publish(bus: Outbound, topic: str, items: Iterable[WireItem], timeout: float = 60.0) -> PublishReport:
    """Send, flush, then read every delivery result: an item counts once the broker acked it."""
    report = PublishReport()
    pending: list[tuple[str, Pending]] = []
    for item in items:
        try:
            value = encode(item)
        except MessageError as exc:
            report.failed.append((item.id, str(exc)))
            continue
        pending.append((item.id, bus.send(topic, item.id.encode("utf-8"), value)))
    bus.flush(timeout)
    for item_id, future in pending:
        try:
            future.get(timeout=timeout)
            report.acknowledged += 1
        except Exception as exc:  # delivery errors are per record; report each one
            report.failed.append((item_id, f"{type(exc).__name__}: {exc}"))
    return report
