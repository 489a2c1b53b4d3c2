"""A raw 127.0.0.1 socket server for fetch tests that need a peer HTTP libraries won't be:
one that trickles headers, never answers, or floods. One thread per connection."""
from __future__ import annotations

import socket
import threading


class SocketServer:
    """`reply(conn, stop)` answers each connection; `requests` holds what each one sent."""

    def __init__(self, reply=None) -> None:
        self.reply = reply
        self.stop = threading.Event()
        self.requests: list[bytes] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.2)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        try:
            conn.settimeout(5)
            request = conn.recv(65536)
            self.requests.append(request)
            self.handle(conn, request)
        except OSError:
            pass
        finally:
            conn.close()

    def handle(self, conn, request: bytes) -> None:
        self.reply(conn, self.stop)

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def serving(factory):
    """Body of a pytest fixture: yields `start(arg)`, which builds `factory(arg)`; all are
    closed after the test."""
    servers = []

    def start(arg):
        servers.append(factory(arg))
        return servers[-1]

    yield start
    for s in servers:
        s.close()
