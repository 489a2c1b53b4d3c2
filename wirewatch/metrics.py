"""Prometheus metrics and the /healthz + /metrics HTTP endpoint.

With several items-stage processes, `wirewatch run` sets PROMETHEUS_MULTIPROC_DIR
before any child starts, so every process writes its samples to shared files and
the endpoint in the parent sums them.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from wirewatch.settings import metrics_multiproc_dir

log = logging.getLogger(__name__)

ITEMS_FETCHED = Counter("wirewatch_items_fetched_total", "Items read from sources by producers")
ITEMS_PUBLISHED = Counter("wirewatch_items_published_total", "Items acknowledged by the broker")
ITEMS_CONSUMED = Counter("wirewatch_items_consumed_total", "Records consumed from the items topic")
ITEMS_STORED = Counter("wirewatch_items_stored_total", "Items committed to PostgreSQL")
ALERTS_CREATED = Counter("wirewatch_alerts_created_total", "New alerts", ["topic"])
EMAILS_SENT = Counter("wirewatch_emails_sent_total", "Alert emails accepted by the SMTP server")
EMAILS_FAILED = Counter("wirewatch_emails_failed_total", "Alert email attempts that failed")
DEAD_LETTERS = Counter("wirewatch_dead_letters_total", "Messages sent to the dead-letter topic", ["stage"])
ANALYSIS_OVER_BUDGET = Counter("wirewatch_analysis_over_budget_total",
                               "Items dead-lettered because analysis exceeded its time or memory budget",
                               ["budget"])
ANALYSIS_WORKER_RESTARTS = Counter("wirewatch_analysis_worker_restarts_total",
                                   "Analysis worker processes replaced (killed over budget or died)")
FEED_ERRORS = Counter("wirewatch_feed_errors_total", "Feed fetch or parse errors")
CONSUMER_LAG = Gauge("wirewatch_consumer_lag", "Records behind the partition's high-water mark",
                     ["topic", "partition"], multiprocess_mode="livesum")
PUBLISH_TO_STORED = Histogram(
    "wirewatch_publish_to_stored_seconds", "Time from the record's publish timestamp to its DB commit",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)

DEAD_LETTERS.labels(stage="items")  # export 0 before the first dead letter, not nothing
ANALYSIS_OVER_BUDGET.labels(budget="time")
ANALYSIS_OVER_BUDGET.labels(budget="memory")


def registry() -> CollectorRegistry:
    if metrics_multiproc_dir():
        from prometheus_client import multiprocess

        reg = CollectorRegistry()
        multiprocess.MultiProcessCollector(reg)
        return reg
    from prometheus_client import REGISTRY

    return REGISTRY


class _Handler(BaseHTTPRequestHandler):
    health: Callable[[], tuple[bool, dict]] = staticmethod(lambda: (True, {}))

    def do_GET(self):  # noqa: N802 (http.server API)
        if self.path.startswith("/metrics"):
            body, status, ctype = generate_latest(registry()), 200, CONTENT_TYPE_LATEST
        elif self.path.startswith("/healthz"):
            ok, details = self.health()
            body = json.dumps({"status": "ok" if ok else "fail", **details}).encode()
            status, ctype = (200 if ok else 503), "application/json"
        else:
            body, status, ctype = b"see /metrics and /healthz\n", 404, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):  # keep access logs out of the daemon's log
        log.debug("http: " + fmt, *args)


def serve(port: int, health: Callable[[], tuple[bool, dict]], host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """Serve /metrics and /healthz on a daemon thread; returns the server (call .shutdown())."""
    handler = type("Handler", (_Handler,), {"health": staticmethod(health)})
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    log.info("metrics on http://%s:%d/metrics, health on /healthz", host, server.server_address[1])
    return server
