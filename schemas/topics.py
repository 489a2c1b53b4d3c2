"""Kafka topic names: one place, versioned with the message they carry."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicNames:
    """The topics of one deployment, all under a common prefix."""

    prefix: str = "wirewatch"

    @property
    def items(self) -> str:
        return f"{self.prefix}.items.v1"

    @property
    def alerts(self) -> str:
        return f"{self.prefix}.alerts.v1"

    @property
    def dead_letters(self) -> str:
        return f"{self.prefix}.deadletter.v1"

    def all(self) -> tuple[str, str, str]:
        return (self.items, self.alerts, self.dead_letters)
