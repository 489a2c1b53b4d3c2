"""`wirewatch stack up|down|status`: a real local Kafka (KRaft) broker and PostgreSQL, no Docker.

up() is idempotent: running services are left alone, storage is never reformatted.
"""
from __future__ import annotations

from collections.abc import Callable

from wirewatch.settings import Settings
from wirewatch.stack import kafka_broker, postgres_server
from wirewatch.stack.prereqs import StackError
from wirewatch.stack.processes import stack_lock

__all__ = ["StackError", "down", "format_status", "status", "up"]


def up(settings: Settings, log: Callable[[str], None] = print) -> dict[str, dict]:
    """Start Kafka and PostgreSQL unless already running; return status()."""
    with stack_lock(settings.stack_dir, log):
        # The JVM boots in the background while postgres starts: saves seconds on 2 cores.
        launched = kafka_broker.launch(settings, log)
        postgres_server.up(settings, log)
        kafka_broker.wait_ready(settings, launched, log)
    return status(settings)


def down(settings: Settings, log: Callable[[str], None] = print) -> None:
    """Stop the services this stack started (servers it did not start are left alone)."""
    with stack_lock(settings.stack_dir, log):
        kafka_broker.down(settings, log)
        postgres_server.down(settings, log)


def status(settings: Settings) -> dict[str, dict]:
    """Per service: state (running/starting/stopped/external), pid, address, data_dir, log."""
    return {"kafka": kafka_broker.status(settings), "postgres": postgres_server.status(settings)}


def format_status(report: dict[str, dict]) -> str:
    """status() as aligned lines for the CLI."""
    lines = []
    for name, info in report.items():
        pid = f"pid {info['pid']}" if info.get("pid") else "-"
        lines.append(
            f"{name:<9}{info['state']:<10}{pid:<12}{info['address']:<18}"
            f"data {info.get('data_dir') or '-'}"
        )
    return "\n".join(lines)
