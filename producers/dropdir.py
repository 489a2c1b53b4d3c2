"""Watched drop directories: which files are new or changed, and what they contain.

A file's identity is path + size + mtime + SHA-256 of its bytes. The poller records
it in PostgreSQL only after the broker acknowledged every item of the file, so a
crash or a Kafka outage means the file is simply read again; item-level dedup then
publishes nothing twice. Files being written are left alone until they settle.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from producers.sources import SUFFIXES, Parsed, parse_bytes
from producers.reuters_text import ParseError


@dataclass(frozen=True)
class FileIdentity:
    path: str
    size: int
    mtime_ns: int
    sha256: str | None = None


@dataclass(frozen=True)
class Known:
    """What the database remembers about a path."""

    size: int
    mtime_ns: int
    sha256: str


def candidates(directory: Path, known: Mapping[str, Known], settle_seconds: float = 2.0,
               now: float | None = None) -> Iterator[FileIdentity]:
    """Files (sorted) whose size or mtime differ from what was recorded, and that have settled."""
    now = time.time() if now is None else now
    if not directory.is_dir():
        return
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in SUFFIXES:
                continue
            path = Path(root) / name
            try:
                st = path.stat()
            except OSError:
                continue  # vanished between listing and stat
            if now - st.st_mtime < settle_seconds:
                continue
            k = known.get(str(path))
            if k is not None and k.size == st.st_size and k.mtime_ns == st.st_mtime_ns:
                continue
            yield FileIdentity(str(path), st.st_size, st.st_mtime_ns)


def read_file(identity: FileIdentity, max_bytes: int) -> tuple[FileIdentity, Parsed]:
    """Read and parse one file; too big or unreadable files become a Parsed with an error."""
    origin = identity.path
    if identity.size > max_bytes:
        return identity, Parsed(origin, [], [ParseError(origin, f"{identity.size} bytes exceeds the "
                                                                f"{max_bytes}-byte file limit")])
    try:
        data = Path(origin).read_bytes()
    except OSError as exc:
        return identity, Parsed(origin, [], [ParseError(origin, f"unreadable: {exc}")])
    if len(data) > max_bytes:
        return identity, Parsed(origin, [], [ParseError(origin, f"{len(data)} bytes exceeds the "
                                                                f"{max_bytes}-byte file limit")])
    digest = hashlib.sha256(data).hexdigest()
    actual = FileIdentity(origin, len(data), identity.mtime_ns, digest)
    return actual, parse_bytes(data, origin)
