"""Detached-process plumbing shared by the broker and the database: pids, ports, logs, lock."""
from __future__ import annotations

import contextlib
import fcntl
import ipaddress
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path


def read_pid(pidfile: Path) -> int | None:
    """First line of a pidfile as an int (postmaster.pid has more lines), else None."""
    try:
        first = pidfile.read_text().splitlines()[0].strip()
        return int(first)
    except (OSError, IndexError, ValueError):
        return None


def pid_alive(pid: int | None) -> bool:
    """True if `pid` runs and is not a zombie.

    Detached daemons are re-parented to PID 1; in containers PID 1 may never reap
    them, so a dead broker can linger as a zombie that `kill -0` still finds.
    """
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else (e.g. the postgres user)
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc: trust kill -0


def cmdline(pid: int) -> str:
    """The process's command line ('' when unknown), to tell our daemon from a reused pid."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def loopback_ipv4(host: str) -> str | None:
    """IPv4 loopback address a local server should listen on for `host`; None if not local."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if addr.version == 4 and addr.is_loopback else None


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True if something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 30) -> str:
    """Last `lines` lines of a log file ('' if it does not exist)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))  # logs can be large; the end is enough
            text = fh.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def stack_lock(stack_dir: Path, log: Callable[[str], None]) -> Iterator[None]:
    """Serialise `up`/`down` runs on one stack dir (several engineers share a checkout)."""
    stack_dir.mkdir(parents=True, exist_ok=True)
    with open(stack_dir / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"stack: another `wirewatch stack` run holds {stack_dir / '.lock'}; waiting for it")
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
