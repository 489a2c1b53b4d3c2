"""`wirewatch run`: a small supervisor for the long-running stages.

The items stage is CPU-bound (spaCy), so it runs as one process per core; each child
is a full consumer in the group and drains its batch on SIGTERM. The parent forwards
signals, restarts a child that dies, serves /metrics and /healthz, and logs one
summary line at shutdown. A second signal aborts at once.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import threading
import time

log = logging.getLogger("wirewatch.daemon")
DRAIN_SECONDS = 60


def _child_main(settings, index: int, log_level: str, log_format: str) -> None:
    from wirewatch.bootstrap import App
    from wirewatch.cli.runtime import setup_logging

    setup_logging(log_level, log_format)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C reaches the whole group
    with App(settings) as app, app.items_worker() as worker:
        stats = worker.run(stop)
    logging.getLogger("wirewatch.consumer").info("consumer %d stopped: %s", index, stats.summary())


def _forget_metrics_of(pid: int) -> None:
    """A dead child's live gauges (its lag) must not stay in the sum after its replacement starts."""
    from wirewatch.settings import metrics_multiproc_dir

    if metrics_multiproc_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


class Supervisor:
    def __init__(self, app, processes: int) -> None:
        self.app = app
        self.processes = processes
        self.ctx = mp.get_context("spawn")  # no forked Kafka threads or DB sockets in children
        self.children: dict[int, mp.Process] = {}
        self.restarts = 0

    def start_child(self, index: int) -> None:
        s = self.app.settings
        proc = self.ctx.Process(target=_child_main, args=(s, index, s.log_level, s.log_format),
                                name=f"wirewatch-consumer-{index}", daemon=False)
        proc.start()
        self.children[index] = proc
        log.info("started consumer process %d (pid %d)", index, proc.pid)

    def watch(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.wait(1.0):
            for index, proc in list(self.children.items()):
                if not proc.is_alive() and not stop.is_set():
                    _forget_metrics_of(proc.pid)
                    log.error("consumer process %d (pid %d) exited with %s; restarting in %.0fs",
                              index, proc.pid, proc.exitcode, backoff)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, 30)
                    if not stop.is_set():
                        self.restarts += 1
                        self.start_child(index)

    def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        for proc in self.children.values():
            if proc.is_alive():
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.children.values():
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                log.error("consumer pid %d did not stop in %.0fs; killing it", proc.pid, timeout)
                proc.kill()
                proc.join(5)

    def abort(self) -> None:
        for proc in self.children.values():
            if proc.is_alive():
                proc.kill()

    def healthy(self) -> tuple[bool, dict]:
        from wirewatch.heartbeat import read_beats, stale

        s = self.app.settings
        alive = sum(p.is_alive() for p in self.children.values())
        pids = {p.pid for p in self.children.values()} | {os.getpid()}  # + notifier, feeds
        beats = [b for b in read_beats(s.heartbeat_dir, s.consumer_group) if b.pid in pids]
        late = stale(beats, s.heartbeat_stale_seconds)
        details = {"consumers_alive": alive, "consumers_wanted": self.processes, "restarts": self.restarts,
                   "heartbeats": {b.label: {"age_seconds": round(b.age, 1), "state": b.state} for b in beats}}
        if late:
            details["stale"] = [b.label for b in late]
        return alive == self.processes and not late, details


def _totals() -> str:
    from wirewatch import metrics

    reg = metrics.registry()
    value = lambda name: sum(s.value for m in reg.collect() for s in m.samples if s.name == name)  # noqa: E731
    return (f"consumed {value('wirewatch_items_consumed_total'):.0f}, "
            f"stored {value('wirewatch_items_stored_total'):.0f}, "
            f"alerts {value('wirewatch_alerts_created_total'):.0f}, "
            f"dead letters {value('wirewatch_dead_letters_total'):.0f}")


def run_daemon(app, stop: threading.Event) -> int:
    from wirewatch import metrics
    from wirewatch.adapters import kafka_bus as bus
    from wirewatch.adapters.postgres_engine import upgrade
    from wirewatch.heartbeat import BeatingEvent, Heartbeat

    settings = app.settings
    upgrade(app.engine, settings.db_schema)  # a daemon started on a new database sets it up
    bus.ensure_topics(settings, app.names)
    processes = settings.consumer_processes or os.cpu_count() or 1
    supervisor = Supervisor(app, processes)
    server = metrics.serve(settings.metrics_port, supervisor.healthy) if settings.metrics_port else None
    log.info("wirewatch running: %d consumer process(es) on %s, group %s; SIGTERM or Ctrl-C to stop",
             processes, app.names.items, settings.consumer_group)
    beating = lambda stage: BeatingEvent(stop, Heartbeat(settings.heartbeat_dir, settings.consumer_group, stage))  # noqa: E731
    notifier = app.notifier()
    notify_thread = threading.Thread(target=notifier.run, args=(beating("notifier"),), name="notifier",
                                     daemon=True)
    web = web_thread = None
    if settings.web_port:
        from wirewatch.web.server import make_server, start_in_thread, url_of

        web = make_server(app)
        web_thread = start_in_thread(web)
        log.info("analyst console on %s", url_of(web))
    poller = app.feed_poller()
    poller_thread = threading.Thread(target=poller.run, args=(beating("feeds"),), name="feed-poller",
                                     daemon=True)
    try:
        for index in range(processes):
            supervisor.start_child(index)
        notify_thread.start()
        poller_thread.start()
        from wirewatch.adapters import postgres_retention as retention

        # A no-op unless WIREWATCH_PRUNE_OLDER_THAN is set.
        retention.start_daily_prune(app.engine, settings.prune_older_than, stop)
        supervisor.watch(stop)
        log.info("draining: waiting up to %ds for in-flight batches", DRAIN_SECONDS)
        supervisor.drain()
        notify_thread.join(timeout=30)
        poller_thread.join(timeout=30)
    except SystemExit:
        supervisor.abort()
        raise
    finally:
        if server:
            server.shutdown()
        if web is not None:
            from wirewatch.web.server import stop as stop_web

            stop_web(web, web_thread)
    log.info("shutdown complete: %s; consumer restarts %d", _totals(), supervisor.restarts)
    return 0
