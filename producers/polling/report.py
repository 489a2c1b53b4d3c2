"""What one poll (or the daemon's polling so far) did, counted across the fetch and sink threads."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class PollReport:
    feeds: int = 0
    not_modified: int = 0
    bozo: int = 0
    errors: int = 0
    fetched: int = 0
    published: int = 0
    unchanged: int = 0
    new_versions: int = 0
    dropped: int = 0
    files: int = 0
    pending: int = 0  # items still waiting for the broker when poll_once gave up
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)

    def summary(self) -> str:
        return (f"{self.feeds} feed(s) polled: {self.not_modified} not modified, {self.bozo} malformed, "
                f"{self.errors} failed; {self.fetched} item(s) fetched, {self.published} published "
                f"({self.new_versions} new version(s)), {self.unchanged} unchanged, {self.dropped} dropped"
                + (f"; {self.files} file(s)" if self.files else "")
                + (f"; {self.pending} NOT yet published" if self.pending else ""))
