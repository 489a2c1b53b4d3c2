"""Serving the console with uvicorn: in the foreground (`wirewatch web`) or beside the
daemon's stages in a thread (`wirewatch run` with WIREWATCH_WEB_PORT set)."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("wirewatch.web")
DEFAULT_PORT = 8080


def make_server(app, host: str | None = None, port: int | None = None):
    import uvicorn

    from wirewatch.web.app import create_app

    s = app.settings
    host = host or s.web_host
    port = port or s.web_port or DEFAULT_PORT
    # access_log off: uvicorn's access lines would repeat every query string; our own log
    # lines name logins and writes without secrets.
    config = uvicorn.Config(create_app(app), host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, lifespan="off", timeout_graceful_shutdown=5)
    return uvicorn.Server(config)


def url_of(server) -> str:
    host = server.config.host
    return f"http://{'[' + host + ']' if ':' in host else host}:{server.config.port}/"


def start_in_thread(server) -> threading.Thread:
    """Run ``server`` in a daemon thread (no signal handlers there); stop it with stop()."""
    thread = threading.Thread(target=server.run, name="web-console", daemon=True)
    thread.start()
    return thread


def stop(server, thread: threading.Thread | None, timeout: float = 10.0) -> None:
    server.should_exit = True
    if thread is not None:
        thread.join(timeout)
