"""Timestamped progress lines on stderr, one phase at a time."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None) -> None:
        self.t0 = time.monotonic()
        self.stream = stream or sys.stderr
        self.phase = ""

    def __call__(self, message: str) -> None:
        print(f"[{time.monotonic() - self.t0:7.1f}s] {self.phase}{message}", file=self.stream, flush=True)

    def start(self, phase: str) -> float:
        self.phase = ""
        self(f"{phase} ...")
        self.phase = f"{phase.split(':')[0]}: "
        return time.monotonic()

    def done(self, started: float, summary: str) -> None:
        self(f"{summary} ({time.monotonic() - started:.1f}s)")
        self.phase = ""
