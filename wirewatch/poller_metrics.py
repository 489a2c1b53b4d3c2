"""The feed poller's counters in Prometheus (the PollObserver of producers.polling.ports)."""
from __future__ import annotations

from wirewatch import metrics


class PrometheusPollObserver:
    def feed_errors(self, n: int = 1) -> None:
        metrics.FEED_ERRORS.inc(n)

    def items_fetched(self, n: int) -> None:
        metrics.ITEMS_FETCHED.inc(n)

    def items_published(self, n: int) -> None:
        metrics.ITEMS_PUBLISHED.inc(n)
