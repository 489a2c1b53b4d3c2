"""Fetch feed bytes over HTTP with timeouts, a size cap and a redirect cap."""
from __future__ import annotations

import urllib.request

from producers.sources import MAX_INPUT_BYTES

USER_AGENT = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"


class FetchError(RuntimeError):
    pass


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5


def fetch(url: str, timeout: float = 15.0, max_bytes: int = MAX_INPUT_BYTES) -> tuple[bytes, dict]:
    opener = urllib.request.build_opener(_LimitedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with opener.open(request, timeout=timeout) as response:
        data = response.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise FetchError(f"response larger than the {max_bytes}-byte limit")
        return data, {k.lower(): v for k, v in response.headers.items()}
