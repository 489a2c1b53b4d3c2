"""The console's guards: who is logged in, CSRF on every write, login throttling, headers.

A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure unless turned
off); the database holds its hash, its CSRF token and its expiry (`wirewatch.accounts`).
Every POST must carry the session's CSRF token, and every POST but logout needs the
analyst role.
"""
from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from urllib.parse import urlsplit

SESSION_COOKIE = "ww_session"
LOGIN_CSRF_COOKIE = "ww_login_csrf"  # double-submit token for the login form (no session yet)
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
WINDOW_SECONDS = 300.0

# Pages are ours alone: no inline script, no framing, no third-party anything.
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def tokens_equal(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_origin(origin: str | None, host: str | None) -> bool:
    """A browser's Origin header must name this very host (when the browser sends one)."""
    if not origin:
        return True  # older clients and same-origin GET-form posts may omit it; the token still guards
    if origin == "null" or not host:
        return False
    return urlsplit(origin).netloc.lower() == host.lower()


class LoginLimiter:
    """At most ``attempts`` failed logins per (address, user name) and 4x that per address
    in a sliding window; memory is bounded by dropping the oldest keys."""

    def __init__(self, attempts: int, window: float = WINDOW_SECONDS, max_keys: int = 10_000,
                 clock=time.monotonic) -> None:
        self.attempts, self.window, self.max_keys, self.clock = attempts, window, max_keys, clock
        self._failures: dict[tuple[str, str], deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque:
        q = self._failures.get(key)
        if q is None:
            return deque()
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            self._failures.pop(key, None)
        return q

    def retry_after(self, address: str, username: str) -> float:
        """Seconds until this pair may try again; 0 when it may try now."""
        now = self.clock()
        with self._lock:
            pair = self._recent((address, username), now)
            everyone = self._recent((address, ""), now)
            waits = []
            if len(pair) >= self.attempts:
                waits.append(self.window - (now - pair[0]))
            if len(everyone) >= 4 * self.attempts:
                waits.append(self.window - (now - everyone[0]))
        return max(waits, default=0.0)

    def failed(self, address: str, username: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= self.max_keys:
                for key in list(self._failures)[: self.max_keys // 10]:
                    del self._failures[key]
            for key in ((address, username), (address, "")):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop((address, username), None)
