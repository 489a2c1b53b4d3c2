"""Fetch feed bytes over HTTP: conditional GET, connect/read/total timeouts, a size cap
that aborts the stream, and a redirect cap.

The body is returned as bytes together with the response headers; parsing (feedparser)
never sees a URL or a path, so it can never do I/O of its own.
"""
from __future__ import annotations

import http.client
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from producers.sources import MAX_INPUT_BYTES

USER_AGENT = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
# Hop-by-hop or transport headers that describe the bytes on the wire, not the bytes we return.
_TRANSPORT = {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}


class FetchError(RuntimeError):
    """A fetch that produced no usable body. `kind` is machine-readable, str(exc) is for people."""

    def __init__(self, message: str, kind: str = "error", status: int | None = None,
                 retry_after: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind            # timeout | too_large | http | redirects | network | url | empty
        self.status = status
        self.retry_after = retry_after


@dataclass
class FetchResult:
    url: str                      # after redirects
    status: int                   # 200 or 304
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, transport ones removed
    elapsed: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0     # the longest silence between two reads
    total_timeout: float = 60.0    # the whole fetch, so a trickling server cannot hold us forever
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5


def _connection(url: str, limits: FetchLimits):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}", kind="url")
    try:
        port = parts.port
    except ValueError:
        raise FetchError(f"bad port in URL: {url}", kind="url") from None
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, port, timeout=limits.connect_timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, port, timeout=limits.connect_timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return conn, target


def _read_capped(resp: http.client.HTTPResponse, limits: FetchLimits, deadline: float, url: str) -> bytes:
    declared = resp.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"response of {int(declared)} bytes (Content-Length) exceeds the "
                         f"{limits.max_bytes}-byte limit", kind="too_large")
    gzipped = (resp.getheader("Content-Encoding") or "").strip().lower() in ("gzip", "x-gzip", "deflate")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32) if gzipped else None  # gzip or zlib header
    out = bytearray()
    received = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"gave up after {limits.total_timeout:.0f}s reading {url}", kind="timeout")
        chunk = resp.read1(CHUNK) if hasattr(resp, "read1") else resp.read(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > limits.max_bytes:
            raise FetchError(f"response exceeds the {limits.max_bytes}-byte limit "
                             f"(aborted after {received} bytes)", kind="too_large")
        if inflater is not None:
            # max_length bounds what one compressed chunk may expand to (a gzip bomb).
            room = limits.max_bytes - len(out)
            out += inflater.decompress(chunk, room + 1)
            if len(out) > limits.max_bytes or inflater.unconsumed_tail:
                raise FetchError(f"decompressed response exceeds the {limits.max_bytes}-byte limit",
                                 kind="too_large")
        else:
            out += chunk
    if inflater is not None:
        out += inflater.flush()
        if len(out) > limits.max_bytes:
            raise FetchError(f"decompressed response exceeds the {limits.max_bytes}-byte limit",
                             kind="too_large")
    return bytes(out)


def fetch_feed(url: str, *, etag: str | None = None, last_modified: str | None = None,
               limits: FetchLimits = FetchLimits()) -> FetchResult:
    """GET `url` (conditionally when validators are given). Raises FetchError on any failure."""
    started = time.monotonic()
    deadline = started + limits.total_timeout
    current = url
    for _hop in range(limits.max_redirects + 1):
        conn, target = _connection(current, limits)
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip",
                   "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, "
                             "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            try:
                conn.connect()
            except (socket.timeout, TimeoutError):
                raise FetchError(f"connect to {urlsplit(current).netloc} timed out after "
                                 f"{limits.connect_timeout:g}s", kind="timeout") from None
            conn.sock.settimeout(limits.read_timeout)
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            if resp.status in REDIRECTS:
                location = resp.getheader("Location")
                if not location:
                    raise FetchError(f"HTTP {resp.status} without a Location header", kind="http",
                                     status=resp.status)
                current = urljoin(current, location)
                continue
            response_headers = {k.lower(): v for k, v in resp.getheaders()}
            if resp.status == 304:
                return FetchResult(current, 304, b"", _clean(response_headers), time.monotonic() - started)
            if resp.status >= 400 or resp.status < 200:
                raise FetchError(f"HTTP {resp.status} {resp.reason}".strip(), kind="http",
                                 status=resp.status, retry_after=resp.getheader("Retry-After"))
            body = _read_capped(resp, limits, deadline, current)
            return FetchResult(current, resp.status, body, _clean(response_headers), time.monotonic() - started)
        except FetchError:
            raise
        except (socket.timeout, TimeoutError):
            raise FetchError(f"no answer from {urlsplit(current).netloc} within "
                             f"{limits.read_timeout:g}s (read timeout)", kind="timeout") from None
        except ssl.SSLError as exc:
            raise FetchError(f"TLS error: {exc}", kind="network") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}", kind="network") from None
        except zlib.error as exc:
            raise FetchError(f"bad compressed body: {exc}", kind="network") from None
        finally:
            conn.close()
    raise FetchError(f"more than {limits.max_redirects} redirects (last: {current})", kind="redirects")


def _clean(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in _TRANSPORT}


def fetch(url: str, timeout: float = 15.0, max_bytes: int = MAX_INPUT_BYTES) -> tuple[bytes, dict]:
    """Unconditional fetch used by `wirewatch produce URL`: (body, lower-case headers)."""
    limits = FetchLimits(connect_timeout=min(timeout, 10.0), read_timeout=timeout,
                         total_timeout=max(timeout * 4, 60.0), max_bytes=max_bytes)
    result = fetch_feed(url, limits=limits)
    return result.body, result.headers
