"""Text analysis in a child process that can be stopped: the per-item time and memory budget.

Python's `re` cannot be interrupted and spaCy holds the GIL, so a budget enforced from
inside the consumer process would not hold for an input nobody has found yet. Here the
analyser runs in a spawned child. The consumer sends it a batch and waits for each item's
result with a deadline, watching the child's resident memory meanwhile. An item over its
budget has its child killed (SIGKILL) and replaced; the item comes back as
`ItemRejected` with the reason, and the rest of the batch goes on in the new child.

While the consumer waits it holds no lock and runs no Python of ours, so Kafka's
heartbeat thread keeps the group membership, and a SIGTERM handler runs at once: `stop`
is checked every tick and ends the wait with `StageInterrupted`.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from consumers.pipeline import ItemRejected, StageInterrupted, SystemicFailure

log = logging.getLogger(__name__)

TICK = 0.05  # how often a wait looks at the clock, the child's memory and the stop flag
_WARM_UP = ("Warm-up", "Police in Phnom Penh arrested the opposition leader on Sunday.")


@dataclass(frozen=True)
class Budget:
    seconds: float = 10.0  # wall time for one item's analysis
    memory_mb: float = 1024.0  # resident memory above the idle child while it analyses
    start_seconds: float = 180.0  # loading the model in a new child (not charged to an item)
    recycle_mb: float = 512.0  # replace an idle child that kept this much above its baseline
    recycle_items: int = 20_000  # ... or that analysed this many items (spaCy's string store grows)


def _rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc/<pid>/stat (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _die_with_parent() -> None:
    """Linux only: the kernel kills this child if the consumer process dies first."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_main(conn, factory) -> None:
    # The consumer decides when this process ends; a signal to the whole process group at
    # shutdown must not look like an item that killed its analyser.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    analyser = factory()
    analyser.analyse_many([_WARM_UP])  # load the model before the first budget starts
    conn.send(("ready", os.getpid()))
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        for index, pair in enumerate(batch):
            try:
                conn.send(("ok", index, analyser.analyse_many([pair])[0]))
            except Exception as exc:  # reported per item; the stage decides (dead letter)
                conn.send(("error", index, f"{type(exc).__name__}: {exc}"))


class AnalysisWorkerError(SystemicFailure):
    """The analysis child could not be started: a broken deployment, not a poison item."""


class SandboxedAnalyser:
    """`analyse_many(pairs)` through a killable child; over-budget items come back as
    `ItemRejected`. Use as a context manager (or call `close()`)."""

    def __init__(self, factory: Callable, budget: Budget = Budget(),
                 should_stop: Callable[[], bool] | None = None,
                 on_wait: Callable[[], None] | None = None, on_reject: Callable[[str], None] | None = None,
                 on_restart: Callable[[], None] | None = None) -> None:
        self._factory = factory  # picklable: it is called in the child
        self.budget = budget
        self._should_stop = should_stop or (lambda: False)
        self._on_wait = on_wait or (lambda: None)
        self._on_reject = on_reject or (lambda kind: None)
        self._on_restart = on_restart or (lambda: None)
        self._ctx = mp.get_context("spawn")  # no inherited Kafka threads or sockets
        self._proc = None
        self._conn = None
        self._baseline_mb = 0.0
        self._items = 0
        self._dead_cpu = 0.0  # CPU seconds of children already replaced
        self.restarts = 0

    # lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> SandboxedAnalyser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self._kill()
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=_child_main, args=(child, self._factory),
                                 name="wirewatch-analysis", daemon=True)
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent
        deadline = time.monotonic() + self.budget.start_seconds
        while not parent.poll(TICK):
            self._check_stop()
            self._on_wait()
            if time.monotonic() > deadline:
                self._kill()
                raise AnalysisWorkerError(f"the analysis process did not load the model in "
                                          f"{self.budget.start_seconds:g} s")
        try:
            message = parent.recv()
        except (EOFError, OSError):
            proc.join(5)
            code = proc.exitcode
            self._kill()
            raise AnalysisWorkerError(f"the analysis process exited with code {code} while loading the "
                                      "model (its traceback is above); run `wirewatch extract` on one "
                                      "line to see the error in this process") from None
        assert message[0] == "ready", message
        self._baseline_mb = _rss_mb(proc.pid) or 0.0
        self._items = 0
        log.debug("analysis process %d ready (%.0f MB)", proc.pid, self._baseline_mb)

    def close(self) -> None:
        self._kill()

    @property
    def cpu_seconds(self) -> float:
        """CPU the analysis children used so far (the benchmark adds it to the consumer's)."""
        return self._dead_cpu + (_cpu_seconds(self._proc.pid) if self._proc is not None else 0.0)

    def _kill(self) -> None:
        if self._proc is not None:
            self._dead_cpu += _cpu_seconds(self._proc.pid)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(5)
            self._proc = None

    def _check_stop(self) -> None:
        if self._should_stop():
            self._kill()
            raise StageInterrupted("stop requested during analysis")

    # work -------------------------------------------------------------------------------
    def analyse_many(self, pairs: Sequence[tuple]) -> list:
        """One result per pair, in order: an Analysis, `ItemRejected` (over budget), or an
        Exception the analyser raised for that item."""
        results: list = []
        pairs = list(pairs)
        while len(results) < len(pairs):
            self.start()
            results += self._run(pairs[len(results):])
        self._maybe_recycle()
        return results

    def _run(self, pairs: list) -> list:
        """Analyse in the current child until done or until one item breaks it."""
        conn, proc = self._conn, self._proc
        conn.send(pairs)
        out: list = []
        while len(out) < len(pairs):
            started = time.monotonic()
            peak = 0.0
            while not conn.poll(TICK):
                self._check_stop()
                self._on_wait()
                over = _rss_mb(proc.pid)
                if over is not None:
                    peak = max(peak, over - self._baseline_mb)
                if not proc.is_alive():
                    code = proc.exitcode
                    self._reject(out, "died", f"analysis process died (exit code {code}) on this item")
                    return out
                if time.monotonic() - started > self.budget.seconds:
                    self._reject(out, "time", f"analysis exceeded {self.budget.seconds:g} s")
                    return out
                if peak > self.budget.memory_mb:
                    self._reject(out, "memory", f"analysis exceeded {self.budget.memory_mb:g} MB")
                    return out
            try:
                kind, _, payload = conn.recv()
            except (EOFError, OSError):
                self._reject(out, "died", "analysis process died on this item")
                return out
            out.append(payload if kind == "ok" else RuntimeError(payload))
            self._items += 1
        return out

    def _reject(self, out: list, kind: str, reason: str) -> None:
        out.append(ItemRejected(reason))
        log.warning("%s; replacing the analysis process (pid %s)", reason, self.pid)
        self._on_reject(kind)
        self._replace_lazily()

    def _replace_lazily(self) -> None:
        # The new child starts on the next call, so a rejected last item costs no model load now.
        self._kill()
        self.restarts += 1
        self._on_restart()

    def _maybe_recycle(self) -> None:
        if self._proc is None:
            return
        rss = _rss_mb(self._proc.pid) or 0.0
        if rss - self._baseline_mb > self.budget.recycle_mb or self._items >= self.budget.recycle_items:
            log.info("recycling the analysis process (pid %d: %.0f MB above its start after %d items)",
                     self._proc.pid, rss - self._baseline_mb, self._items)
            self._replace_lazily()
