"""The machine and the versions a bench result belongs to."""
from __future__ import annotations

import os
import platform
import sys
from importlib import metadata


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def machine() -> dict:
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "ram_gb": ram_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "load_avg_start": load_avg(),
        "niceness": os.nice(0),  # `nice -n 10 wirewatch bench` on a shared machine shows here
    }


def _dist(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def versions(settings, engine=None) -> dict:
    """Python and library versions; the broker's and PostgreSQL's from the running servers."""
    from consumers.understanding.pipeline import DEFAULT_MODEL

    out = {
        "python": sys.version.split()[0],
        "spacy": _dist("spacy"),
        "model": f"{DEFAULT_MODEL} {_dist(DEFAULT_MODEL.replace('_', '-')) or _dist(DEFAULT_MODEL) or '?'}",
        "kafka-python": _dist("kafka-python"),
        "SQLAlchemy": _dist("SQLAlchemy"),
        "psycopg": _dist("psycopg"),
        "kafka_broker": kafka_broker_version(settings),
        "postgresql": None,
    }
    if engine is not None:
        from sqlalchemy import text

        with engine.connect() as conn:
            out["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
    return out


def kafka_broker_version(settings) -> str:
    """The broker's version from the local stack's jars (the broker does not report it over
    the protocol); falls back to the configured WIREWATCH_KAFKA_VERSION."""
    libs = settings.stack_dir / "kafka" / "libs"
    try:
        for jar in sorted(libs.glob("kafka-server-[0-9]*.jar")):
            return jar.stem.removeprefix("kafka-server-") + " (local stack jar)"
    except OSError:
        pass
    return f"{settings.kafka_version} (configured)"
