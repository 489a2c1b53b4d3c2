"""Walk a drop directory without leaving it: no symlinks, no system roots, bounded work.

Anyone who can drop a file must not be able to make wirewatch read a file they could
not (`passwd.txt -> /etc/passwd`), and `dir:/` must not walk the whole filesystem. So:
symlinks (files and directories) are refused and never followed, only regular files
are read, the root may not be `/` or a system directory, and depth, files per poll and
file size are capped. Every refusal is returned with its reason for the caller to log.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = {".txt", ".xml", ".rss", ".atom", ".rdf", ".json", ".jsonl", ".ninjs"}
MAX_DEPTH = 8
MAX_FILES = 1000
# Never a drop directory themselves, nor anything inside them.
_SYSTEM_TREES = ("/proc", "/sys", "/dev", "/etc", "/boot", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
                 "/libx32", "/usr", "/run", "/root")
# Too broad to watch as a whole (their subdirectories are fine, e.g. /tmp/wire or /srv/drop).
_SYSTEM_ROOTS = {"/", "/var", "/home", "/tmp", "/opt", "/srv", "/mnt", "/media"}


class UnsafeDirectory(ValueError):
    pass


def check_root(path: str | Path) -> Path:
    """The absolute, resolved root; UnsafeDirectory if it is / or a system directory."""
    root = Path(os.path.abspath(os.path.expanduser(str(path))))
    real = root.resolve()
    for candidate in {str(root), str(real)}:
        if candidate in _SYSTEM_ROOTS or any(candidate == t or candidate.startswith(t + "/")
                                             for t in _SYSTEM_TREES):
            raise UnsafeDirectory(f"{candidate} is a system directory; watch a directory made for dropped "
                                  f"files (e.g. /srv/wire/drop)")
    return real


@dataclass(frozen=True)
class Found:
    path: str
    size: int
    mtime: float
    mtime_ns: int


@dataclass
class Walk:
    files: list[Found] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)   # (path, why)
    truncated: bool = False      # more than max_files: the rest waits for the next poll


def walk(root: Path, *, max_depth: int = MAX_DEPTH, max_files: int = MAX_FILES,
         max_bytes: int | None = None, suffixes: Iterable[str] = SUFFIXES,
         skip=None) -> Walk:
    """Regular files under `root` (sorted, depth-first), never through a symlink.

    `skip(path, stat_result)` may drop a file before it counts against max_files
    (the poller skips files it already has).
    """
    out = Walk()
    suffixes = set(suffixes)
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.refused.append((str(directory), f"unreadable directory: {exc.strerror or exc}"))
            continue
        subdirs = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = os.path.join(directory, entry.name)
            if not _utf8(entry.name):
                # os.fsdecode smuggles undecodable bytes in as lone surrogates, which
                # neither PostgreSQL nor Kafka's JSON can carry: the path could never be recorded.
                out.refused.append((_shown(path), "file name is not valid UTF-8: rename it"))
                continue
            try:
                st = entry.stat(follow_symlinks=False)  # lstat: a link is judged as a link
            except OSError:
                continue  # vanished between listing and stat
            if stat.S_ISLNK(st.st_mode):
                out.refused.append((path, "symbolic link: not followed"))
                continue
            if stat.S_ISDIR(st.st_mode):
                if depth + 1 > max_depth:
                    out.refused.append((path, f"deeper than {max_depth} levels"))
                else:
                    subdirs.append(Path(path))
                continue
            if os.path.splitext(entry.name)[1].lower() not in suffixes:
                continue
            if not stat.S_ISREG(st.st_mode):
                out.refused.append((path, "not a regular file"))
                continue
            if skip is not None and skip(path, st):
                continue
            if max_bytes is not None and st.st_size > max_bytes:
                out.refused.append((path, f"{st.st_size} bytes exceeds the {max_bytes}-byte file limit"))
                continue
            if len(out.files) >= max_files:
                out.truncated = True
                return out
            out.files.append(Found(path, st.st_size, st.st_mtime, st.st_mtime_ns))
        stack.extend((d, depth + 1) for d in reversed(subdirs))
    return out


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _shown(path: str) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def read_regular(path: str, max_bytes: int) -> bytes:
    """The bytes of a regular file opened without following a symlink; OSError/ValueError otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for a FIFO/device after the walk
            raise ValueError("not a regular file")
        if st.st_size > max_bytes:
            raise ValueError(f"{st.st_size} bytes exceeds the {max_bytes}-byte file limit")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise ValueError(f"more than {max_bytes} bytes: exceeds the file limit")
    return data
