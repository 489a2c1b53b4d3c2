"""Stage heartbeats: each long-running loop stamps a small file; health checks read them.

After arq's health check: the loop itself writes the beat (not a side thread), so a
loop that is stuck stops beating even when its process is alive. `/healthz` and
`wirewatch check` report a stage whose newest beat is older than the stale limit.
Files are per process (`<group>.<stage>.<pid>.json`), written atomically; a file whose
process is gone is ignored and removed.
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

MIN_INTERVAL = 1.0  # at most one write a second per process


class Heartbeat:
    def __init__(self, directory: Path, group: str, stage: str) -> None:
        self.path = Path(directory) / f"{_safe(group)}.{_safe(stage)}.{os.getpid()}.json"
        self.group, self.stage = group, stage
        self._last = 0.0

    def beat(self, state: str = "running", force: bool = False) -> None:
        now = time.time()
        if not force and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"group": self.group, "stage": self.stage, "pid": os.getpid(),
                                       "host": socket.gethostname(), "beat": now, "state": state}))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a full or read-only disk must not stop the stage; health then reports it stale

    def remove(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


@dataclass(frozen=True)
class Beat:
    stage: str
    pid: int
    age: float
    state: str

    @property
    def label(self) -> str:
        return f"{self.stage}[pid {self.pid}]"


def read_beats(directory: Path, group: str, now: float | None = None) -> list[Beat]:
    """Beats of live processes of this consumer group on this host, newest state per pid."""
    now = time.time() if now is None else now
    beats = []
    for path in sorted(Path(directory).glob(f"{_safe(group)}.*.json")):
        try:
            data = json.loads(path.read_text())
            pid = int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if data.get("host") == socket.gethostname() and not _alive(pid):
            try:
                path.unlink()
            except OSError:
                pass
            continue
        beats.append(Beat(str(data.get("stage")), pid, max(0.0, now - float(data.get("beat", 0))),
                          str(data.get("state", ""))))
    return beats


def stale(beats: list[Beat], limit: float) -> list[Beat]:
    return [b for b in beats if b.age > limit]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:100]


class BeatingEvent:
    """A stop event that beats whenever its loop checks it or waits on it, for loops that
    take a `stop` and nothing else (the notifier, the feed poller)."""

    def __init__(self, event, heartbeat: Heartbeat) -> None:
        self._event, self._heartbeat = event, heartbeat

    def is_set(self) -> bool:
        self._heartbeat.beat()
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        self._heartbeat.beat()
        return self._event.wait(timeout)

    def set(self) -> None:
        self._event.set()
