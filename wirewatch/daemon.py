"""`wirewatch run`: the long-running daemon. Runs the items stage until a signal."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("wirewatch.daemon")


def run_daemon(app, stop: threading.Event) -> int:
    worker = app.items_worker()
    log.info("wirewatch running: consuming %s (group %s); SIGTERM or Ctrl-C to stop",
             app.names.items, app.settings.consumer_group)
    try:
        stats = worker.run(stop)
    finally:
        worker.consumer.close(autocommit=False)
        worker.producer.close()
    log.info("shutdown complete: %s", stats.summary())
    return 0
