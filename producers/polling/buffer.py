"""The poller's bounded in-memory buffer between the fetch threads and the sink."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from producers.dropdir import FileIdentity
from schemas.messages import WireItem


@dataclass
class Batch:
    """Items of one response (or one dropped file), and what to record once all are acked."""

    feed_id: int
    origin: str
    items: list[WireItem]
    validators: tuple[str | None, str | None] | None = None
    file: FileIdentity | None = None


class Buffer:
    """Bounded by items, not batches. put() blocks while full; one oversize batch may enter alone."""

    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._batches: list[Batch] = []
        self._items = 0
        self._unfinished = 0
        self._cond = threading.Condition()

    def full(self) -> bool:
        with self._cond:
            return self._items >= self.capacity

    def put(self, batch: Batch, stop: threading.Event) -> bool:
        with self._cond:
            while self._items and self._items + len(batch.items) > self.capacity:
                if stop.is_set():
                    return False
                self._cond.wait(0.5)
            self._batches.append(batch)
            self._items += len(batch.items)
            self._unfinished += 1
            self._cond.notify_all()
            return True

    def peek(self, timeout: float, max_items: int = 500) -> list[Batch]:
        """The oldest batches (at least one, up to about max_items items); they stay queued."""
        with self._cond:
            if not self._batches:
                self._cond.wait(timeout)
            out: list[Batch] = []
            n = 0
            for batch in self._batches:
                if out and n + len(batch.items) > max_items:
                    break
                out.append(batch)
                n += len(batch.items)
            return out

    def pop(self, count: int = 1) -> None:
        with self._cond:
            for _ in range(count):
                batch = self._batches.pop(0)
                self._items -= len(batch.items)
                self._unfinished -= 1
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return self._items
