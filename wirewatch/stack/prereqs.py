"""Prerequisites of the local stack (Java, Maven, PostgreSQL binaries) and StackError.

Each check fails with a StackError that names the missing tool and says how to get it,
so `wirewatch stack up` never half-starts on a machine that cannot run it.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from wirewatch.settings import process_environment

MIN_JAVA = 17  # Kafka 4.x brokers need Java 17+.
JAVA_HINT = "install it with `apt-get install -y openjdk-17-jdk-headless`"
MAVEN_HINT = "install it with `apt-get install -y maven`"
POSTGRES_ROOT = Path("/usr/lib/postgresql")  # Debian/Ubuntu layout: /usr/lib/postgresql/<major>/bin
POSTGRES_TOOLS = ("initdb", "pg_ctl", "psql", "postgres")


class StackError(RuntimeError):
    """`wirewatch stack` cannot do what was asked; the message says why and what to do."""


def find_java(env: Mapping[str, str] | None = None) -> str | None:
    """The java to run: $JAVA_HOME/bin/java when set (what Maven uses too), else PATH."""
    env = process_environment() if env is None else env
    home = env.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("java", path=env.get("PATH", os.defpath))


def java_major(version_output: str) -> int | None:
    """Major version from `java -version` output ('1.8.0_392' -> 8, '17.0.15' -> 17)."""
    match = re.search(r'version "([^"]+)"', version_output)
    if not match:
        return None
    parts = re.split(r"[._+-]", match.group(1))
    try:
        first = int(parts[0])
        return int(parts[1]) if first == 1 and len(parts) > 1 else first
    except ValueError:
        return None


def require_java(env: Mapping[str, str] | None = None) -> str:
    """Path of a Java 17+ binary, or StackError."""
    java = find_java(env)
    if java is None:
        raise StackError(f"Java {MIN_JAVA}+ not found: {JAVA_HINT}")
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30,
            env=None if env is None else dict(env),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StackError(f"Java {MIN_JAVA}+ required but `{java} -version` failed ({exc}): {JAVA_HINT}") from exc
    major = java_major(out.stderr + out.stdout)
    if major is None:
        raise StackError(
            f"Java {MIN_JAVA}+ required but `{java} -version` printed no version "
            f"({(out.stderr or out.stdout).strip()[:200]!r}): {JAVA_HINT}"
        )
    if major < MIN_JAVA:
        raise StackError(
            f"Java {MIN_JAVA}+ required, found Java {major} at {java}: {JAVA_HINT} "
            "and put it first on PATH (or point JAVA_HOME at it)"
        )
    return java


def require_maven(env: Mapping[str, str] | None = None) -> str:
    """Path of `mvn` (only needed while Kafka's jars are not yet in the stack dir)."""
    env = process_environment() if env is None else env
    mvn = shutil.which("mvn", path=env.get("PATH", os.defpath))
    if mvn is None:
        raise StackError(
            f"Maven (`mvn`) not found; it fetches Kafka's jars from Maven Central: {MAVEN_HINT}"
        )
    return mvn


def find_postgres_bindir(root: Path = POSTGRES_ROOT, prefer: str | None = None) -> Path | None:
    """Newest /usr/lib/postgresql/<major>/bin holding the server tools.

    `prefer` (a major version, e.g. the PG_VERSION of an existing data dir) wins when
    present, because a data dir only runs under the major version that created it.
    """
    found: dict[int, Path] = {}
    for bindir in root.glob("*/bin"):
        major = bindir.parent.name
        if major.isdigit() and all((bindir / tool).exists() for tool in POSTGRES_TOOLS):
            found[int(major)] = bindir
    if prefer is not None and prefer.isdigit() and int(prefer) in found:
        return found[int(prefer)]
    return found[max(found)] if found else None


def install_postgres(log: Callable[[str], None], env: Mapping[str, str] | None = None) -> Path:
    """Install Debian's `postgresql` with apt-get and return its bin dir."""
    env = dict(process_environment() if env is None else env)
    apt = shutil.which("apt-get", path=env.get("PATH", os.defpath))
    if apt is None:
        raise StackError(
            f"PostgreSQL server binaries not found under {POSTGRES_ROOT}/*/bin and apt-get is "
            "not available: install a PostgreSQL server (13+) with your package manager, or "
            "point WIREWATCH_DATABASE_URL at a running server"
        )
    if os.geteuid() != 0:
        raise StackError(
            f"PostgreSQL server binaries not found under {POSTGRES_ROOT}/*/bin: install them with "
            "`sudo apt-get update && sudo apt-get install -y postgresql`, then rerun"
        )
    env["DEBIAN_FRONTEND"] = "noninteractive"  # no debconf prompts
    for args in (["update"], ["install", "-y", "postgresql"]):
        log(f"postgres: running `apt-get {' '.join(args)}` (PostgreSQL binaries are missing)")
        out = subprocess.run([apt, *args], capture_output=True, text=True, env=env)
        if out.returncode != 0:
            tail = "\n".join((out.stdout + out.stderr).strip().splitlines()[-30:])
            raise StackError(f"`apt-get {' '.join(args)}` failed (exit {out.returncode}):\n{tail}")
    bindir = find_postgres_bindir()
    if bindir is None:
        raise StackError(
            f"`apt-get install -y postgresql` succeeded but no server binaries appeared under "
            f"{POSTGRES_ROOT}/*/bin"
        )
    return bindir
