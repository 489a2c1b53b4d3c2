"""Which feed URLs wirewatch may fetch: public addresses only, unless explicitly allowed.

A feed URL is attacker-chosen text (`feeds add`, the feeds file, `produce URL`), and
the poller runs inside the deployment's network. Without a policy it can be pointed at
cloud metadata (169.254.169.254), the database, or an internal `secret.txt`. The check
runs on add (literal addresses and names resolved then) and again on every connect,
hop by hop, on the addresses actually resolved (see wirewatch.adapters.http_fetch).
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UrlRefused(ValueError):
    """The policy forbids this URL or address; the message names the setting that allows it."""


def redact(url: str) -> str:
    """The URL with any user:password replaced by ***, for logs and CLI output."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0].strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 is 127.0.0.1
    return mapped or address


def _denied_reason(address: Address) -> str | None:
    for flag, what in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                       ("is_private", "private"), ("is_unspecified", "unspecified"),
                       ("is_multicast", "multicast"), ("is_reserved", "reserved")):
        if getattr(address, flag):
            return what
    return None if address.is_global else "non-public"


@dataclass(frozen=True)
class UrlPolicy:
    allow_private: bool = False                 # any address at all (a closed lab network)
    allow_hosts: tuple[str, ...] = ()           # host names (exact) and addresses/CIDRs allowed anyway

    @classmethod
    def from_settings(cls, settings) -> "UrlPolicy":
        hosts = getattr(settings, "feed_allow_hosts", "") or ""
        return cls(bool(getattr(settings, "feed_allow_private", False)),
                   tuple(h.strip().lower() for h in hosts.split(",") if h.strip()))

    def _networks(self) -> list[Network]:
        out = []
        for entry in self.allow_hosts:
            try:
                out.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                continue  # a host name
        return out

    def check_address(self, host: str, address: str) -> None:
        """Raise UrlRefused unless connecting to `address` (resolved from `host`) is allowed."""
        if self.allow_private or host.lower().strip("[]") in self.allow_hosts:
            return
        ip = _address(address)
        if ip is None:
            raise UrlRefused(f"{host} resolved to {address!r}, which is not an IP address")
        reason = _denied_reason(ip)
        if reason is None or any(ip in net for net in self._networks() if net.version == ip.version):
            return
        raise UrlRefused(f"{host} is a {reason} address ({ip}); feeds may only use public addresses unless "
                         f"allowed with WIREWATCH_FEED_ALLOW_HOSTS (hosts or CIDRs) or "
                         f"WIREWATCH_FEED_ALLOW_PRIVATE=true")

    def check_url(self, url: str, *, resolve: bool = False) -> None:
        """Scheme, credentials and (literal or, with resolve, looked-up) addresses of `url`."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises on a bad port)
        except ValueError as exc:
            raise UrlRefused(f"not a valid URL ({exc}): {redact(url)}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UrlRefused(f"not an http(s) URL: {redact(url)}")
        if parts.username is not None or parts.password is not None:
            raise UrlRefused(f"feed URLs may not carry credentials (they would be stored and shown): "
                             f"{redact(url)}")
        host = parts.hostname
        if _address(host) is not None or host in ("localhost", "localhost.localdomain") \
                or host.endswith(".localhost"):
            self.check_address(host, "127.0.0.1" if _address(host) is None else host)
            return
        if resolve:
            try:
                infos = socket.getaddrinfo(host, parts.port or 80, type=socket.SOCK_STREAM)
            except OSError:
                return  # not resolvable now; checked again when fetched
            for info in infos:
                # sockaddr[0] is the address text for AF_INET/AF_INET6, the only families a
                # host name resolves to; typeshed also allows an int (other families).
                self.check_address(host, str(info[4][0]))
