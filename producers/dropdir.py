"""Watched drop directories: which files are new or changed, and what they contain.

A file's identity is path + size + mtime + SHA-256 of its bytes. The poller records
it in PostgreSQL only after the broker acknowledged every item of the file, so a
crash or a Kafka outage means the file is simply read again; item-level dedup then
publishes nothing twice. Files being written are left alone until they settle.
Symlinks, system roots, oversize files and runaway trees are refused (producers.dir_walk).
"""
from __future__ import annotations

import errno
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from producers.dir_walk import MAX_DEPTH, MAX_FILES, UnsafeDirectory, Walk, check_root, read_regular, walk
from producers.dir_walk import SUFFIXES
from producers.sources import Parsed, parse_bytes
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


def scan(directory: Path, known: Mapping[str, Known], settle_seconds: float = 2.0, now: float | None = None,
         *, max_bytes: int | None = None, max_depth: int = MAX_DEPTH, max_files: int = MAX_FILES) -> Walk:
    """Files (sorted) whose size or mtime differ from what was recorded and that have settled,
    plus what was refused and why. Raises UnsafeDirectory for / or a system directory."""
    now = time.time() if now is None else now
    root = check_root(directory)
    if not root.is_dir():
        return Walk()

    def skip(path, st) -> bool:
        if now - st.st_mtime < settle_seconds:
            return True
        k = known.get(path)
        return k is not None and k.size == st.st_size and k.mtime_ns == st.st_mtime_ns

    return walk(root, max_depth=max_depth, max_files=max_files, max_bytes=max_bytes, suffixes=SUFFIXES,
                skip=skip)


def candidates(directory: Path, known: Mapping[str, Known], settle_seconds: float = 2.0,
               now: float | None = None):
    """The new or changed files of scan() as FileIdentity (refusals dropped; see scan)."""
    try:
        found = scan(directory, known, settle_seconds, now)
    except UnsafeDirectory:
        return
    for f in found.files:
        yield FileIdentity(f.path, f.size, f.mtime_ns)


def read_file(identity: FileIdentity, max_bytes: int) -> tuple[FileIdentity, Parsed]:
    """Read and parse one file; too big, unreadable or non-regular files become a Parsed with an error."""
    origin = identity.path
    if identity.size > max_bytes:
        return identity, Parsed(origin, [], [ParseError(origin, f"{identity.size} bytes exceeds the "
                                                                f"{max_bytes}-byte file limit")])
    try:
        data = read_regular(origin, max_bytes)
    except OSError as exc:
        reason = "symbolic link: not followed" if getattr(exc, "errno", None) == errno.ELOOP else f"unreadable: {exc}"
        return identity, Parsed(origin, [], [ParseError(origin, reason)])
    except ValueError as exc:
        return identity, Parsed(origin, [], [ParseError(origin, str(exc))])
    digest = hashlib.sha256(data).hexdigest()
    actual = FileIdentity(origin, len(data), identity.mtime_ns, digest)
    return actual, parse_bytes(data, origin)
