"""Fetch feed bytes over HTTP (httpx): conditional GET, a size cap that aborts the stream,
redirects re-checked hop by hop, and ONE wall-clock deadline for the whole fetch.

httpx's timeouts are per socket operation, so a server that trickles its headers one
byte every few seconds never trips them. Here every connection goes through a network
backend that (a) resolves the host itself and checks each address against the
UrlPolicy before connecting, (b) gives each read/write at most the time left before the
deadline, and (c) arms a watchdog that shuts the sockets down at the deadline, which
also stops a TLS handshake or anything else still blocked then.

The body is returned as bytes with the response headers; parsing never sees a URL.
`fetch_feed`, with limits, policy and User-Agent bound, is the poller's Fetch port; its
FetchError and FetchResult are defined with that port (producers.polling.ports).
"""
from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from producers.polling.ports import FetchError, FetchResult
from producers.registry import PollerOptions
from producers.sources import MAX_INPUT_BYTES
from producers.url_policy import UrlPolicy, UrlRefused, redact

USER_AGENT = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
# Hop-by-hop or transport headers that describe the bytes on the wire, not the bytes we return.
_TRANSPORT = {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
# httpx logs every request at INFO: hundreds of lines per poll, each with a full URL.
logging.getLogger("httpx").setLevel(logging.WARNING)
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
          "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0     # the longest silence between two reads
    total_timeout: float = 60.0    # connect + headers + body, all redirects included
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5

    @classmethod
    def of(cls, options: PollerOptions) -> "FetchLimits":
        """The limits the feeds file's `poller:` options set."""
        return cls(options.connect_timeout, options.read_timeout, options.total_timeout,
                   options.max_response_bytes, options.max_redirects)


class _Deadline:
    """The fetch's wall clock, and the sockets the watchdog shuts down when it runs out."""

    def __init__(self, seconds: float) -> None:
        self.started = time.monotonic()
        self.at = self.started + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        return self.at - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def watch(self, sock) -> None:
        with self._lock:
            if sock is not None:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a recv blocked in another thread; close() would not
                except OSError:
                    pass

    def cancel(self) -> None:
        self._timer.cancel()


def _budget(deadline: _Deadline, timeout: float | None, exc) -> float:
    left = deadline.left()
    if left <= 0:
        raise exc("total fetch deadline reached")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner, self._deadline = inner, deadline
        deadline.watch(inner.get_extra_info("socket"))

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _budget(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _budget(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_Stream":
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      _budget(self._deadline, timeout, httpcore.ConnectTimeout))
        return _Stream(inner, self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Resolve, check every address against the policy, connect to an allowed one."""

    def __init__(self, deadline: _Deadline, policy: UrlPolicy) -> None:
        self._deadline, self._policy = deadline, policy
        self._inner = httpcore.SyncBackend()

    def _resolve(self, host: str, port: int, timeout: float) -> list[str]:
        # getaddrinfo cannot be interrupted: run it aside and stop waiting at the deadline.
        box: dict = {}

        def run():
            try:
                box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                box["error"] = exc

        worker = threading.Thread(target=run, name="feed-dns", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:.1f}s")
        if "error" in box:
            raise httpcore.ConnectError(f"cannot resolve {host}: {box['error']}")
        return list(dict.fromkeys(info[4][0] for info in box["infos"]))

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        budget = _budget(self._deadline, timeout, httpcore.ConnectTimeout)
        addresses = self._resolve(host, port, budget)
        for address in addresses:  # every address: a name must not mix public and internal ones
            self._policy.check_address(host, address)
        last: Exception | None = None
        for address in addresses:
            try:
                inner = self._inner.connect_tcp(address, port, _budget(self._deadline, timeout,
                                                                        httpcore.ConnectTimeout),
                                                local_address, socket_options)
                return _Stream(inner, self._deadline)
            except httpcore.ConnectError as exc:
                last = exc
        raise last or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # loading the CA store costs ~30 ms: once, not per fetch


def _client(deadline: _Deadline, limits: FetchLimits, policy: UrlPolicy) -> httpx.Client:
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=limits.connect_timeout)
    transport = httpx.HTTPTransport(trust_env=False)  # no proxy from the environment: it would bypass the policy
    # httpx does not take a network backend; its pool (httpcore) does.
    transport._pool = httpcore.ConnectionPool(ssl_context=_ssl_context(), max_connections=1,
                                              network_backend=_Backend(deadline, policy))
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False, trust_env=False)


def _read_capped(resp: httpx.Response, limits: FetchLimits) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"response of {int(declared)} bytes (Content-Length) exceeds the "
                         f"{limits.max_bytes}-byte limit", kind="too_large")
    encoding = (resp.headers.get("content-encoding") or "").strip().lower()
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if encoding in ("gzip", "x-gzip", "deflate") else None
    out = bytearray()
    received = 0
    for chunk in resp.iter_raw(CHUNK):  # raw: our own inflater bounds a gzip bomb per chunk
        received += len(chunk)
        if received > limits.max_bytes:
            raise FetchError(f"response exceeds the {limits.max_bytes}-byte limit "
                             f"(aborted after {received} bytes)", kind="too_large")
        if inflater is None:
            out += chunk
            continue
        out += inflater.decompress(chunk, limits.max_bytes - len(out) + 1)
        if len(out) > limits.max_bytes or inflater.unconsumed_tail:
            raise FetchError(f"decompressed response exceeds the {limits.max_bytes}-byte limit",
                             kind="too_large")
    if inflater is not None:
        out += inflater.flush()
        if len(out) > limits.max_bytes:
            raise FetchError(f"decompressed response exceeds the {limits.max_bytes}-byte limit",
                             kind="too_large")
    return bytes(out)


def _check(policy: UrlPolicy, url: str) -> None:
    try:
        policy.check_url(url)
    except UrlRefused as exc:
        raise FetchError(str(exc), kind="refused") from None


DEFAULT_POLICY = UrlPolicy()  # public addresses only; frozen, so one instance serves every call


def fetch_feed(url: str, *, etag: str | None = None, last_modified: str | None = None,
               limits: FetchLimits = FetchLimits(), policy: UrlPolicy = DEFAULT_POLICY,
               user_agent: str = USER_AGENT) -> FetchResult:
    """GET `url` (conditionally when validators are given). Raises FetchError on any failure."""
    deadline = _Deadline(limits.total_timeout)
    headers = {"User-Agent": user_agent or USER_AGENT, "Accept-Encoding": "gzip", "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    try:
        with _client(deadline, limits, policy) as client:
            for _hop in range(limits.max_redirects + 1):
                _check(policy, current)
                with client.stream("GET", current, headers=headers) as resp:
                    if resp.status_code in REDIRECTS:
                        location = resp.headers.get("location")
                        if not location:
                            raise FetchError(f"HTTP {resp.status_code} without a Location header", kind="http",
                                             status=resp.status_code)
                        current = urljoin(current, location)
                        continue
                    response_headers = _clean(resp.headers)
                    if resp.status_code == 304:
                        return FetchResult(current, 304, b"", response_headers, deadline.elapsed())
                    if resp.status_code >= 400 or resp.status_code < 200:
                        raise FetchError(f"HTTP {resp.status_code} {resp.reason_phrase}".strip(), kind="http",
                                         status=resp.status_code, retry_after=resp.headers.get("retry-after"))
                    body = _read_capped(resp, limits)
                    if deadline.expired:  # the watchdog cut a close-delimited body short
                        raise _failure(TimeoutError(), deadline, limits, current)
                    return FetchResult(current, resp.status_code, body, response_headers, deadline.elapsed())
        raise FetchError(f"more than {limits.max_redirects} redirects (last: {redact(current)})", kind="redirects")
    except FetchError:
        raise
    except UrlRefused as exc:
        raise FetchError(str(exc), kind="refused") from None
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise _failure(exc, deadline, limits, current) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}", kind="network") from None
    except zlib.error as exc:
        raise FetchError(f"bad compressed body: {exc}", kind="network") from None
    finally:
        deadline.cancel()


def _failure(exc: Exception, deadline: _Deadline, limits: FetchLimits, url: str) -> FetchError:
    """Say what really happened: the total deadline, one silent read, or the network."""
    elapsed = deadline.elapsed()
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    if deadline.expired or deadline.left() <= 0:
        return FetchError(f"gave up on {netloc} after {elapsed:.1f}s (the whole fetch may take at most "
                          f"{limits.total_timeout:g}s)", kind="timeout")
    if isinstance(exc, httpx.ConnectTimeout):
        return FetchError(f"connect to {netloc} timed out after {elapsed:.1f}s", kind="timeout")
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"no answer from {netloc} for {limits.read_timeout:g}s (read timeout; "
                          f"{elapsed:.1f}s in all)", kind="timeout")
    return FetchError(f"{type(exc).__name__}: {exc}", kind="network")


def _clean(headers: httpx.Headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items() if k.lower() not in _TRANSPORT}


def fetch(url: str, timeout: float = 15.0, max_bytes: int = MAX_INPUT_BYTES, *,
          policy: UrlPolicy = DEFAULT_POLICY, user_agent: str = USER_AGENT) -> tuple[bytes, dict]:
    """Unconditional fetch used by `wirewatch produce URL`: (body, lower-case headers)."""
    limits = FetchLimits(connect_timeout=min(timeout, 10.0), read_timeout=timeout,
                         total_timeout=max(timeout * 4, 60.0), max_bytes=max_bytes)
    result = fetch_feed(url, limits=limits, policy=policy, user_agent=user_agent)
    return result.body, result.headers


def fetcher(settings):
    """`fetch` with the policy and User-Agent of these settings (for `wirewatch produce`)."""
    policy = UrlPolicy.from_settings(settings)
    agent = getattr(settings, "feed_user_agent", None) or USER_AGENT

    def run(url: str) -> tuple[bytes, dict]:
        return fetch(url, policy=policy, user_agent=agent)

    return run
