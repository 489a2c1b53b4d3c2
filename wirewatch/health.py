"""`wirewatch check`: can we reach Kafka and PostgreSQL, and is the schema migrated?"""
from __future__ import annotations


def check(app) -> tuple[bool, list[str]]:
    from wirewatch.adapters.kafka_bus import topic_names
    from wirewatch.adapters.postgres_engine import probe

    ok, lines = True, []
    try:
        revision = probe(app.engine)
        lines.append(f"postgres: ok (revision {revision})")
    except Exception as exc:
        ok = False
        lines.append(f"postgres: FAIL ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
    try:
        topics = topic_names(app.settings)
        missing = [t for t in app.names.all() if t not in topics]
        lines.append("kafka: ok" + (f" (topics not created yet: {', '.join(missing)})" if missing else ""))
    except Exception as exc:
        ok = False
        lines.append(f"kafka: FAIL ({type(exc).__name__}: {exc})")
    stage_ok, stage_lines = stages(app.settings)
    return ok and stage_ok, lines + stage_lines


def stages(settings) -> tuple[bool, list[str]]:
    """Running stages of this consumer group on this host, by their heartbeats."""
    from wirewatch.heartbeat import read_beats

    beats = read_beats(settings.heartbeat_dir, settings.consumer_group)
    if not beats:
        return True, ["stages: none running on this host"]
    ok, lines = True, []
    for b in beats:
        late = b.age > settings.heartbeat_stale_seconds
        ok = ok and not late
        lines.append(f"stage {b.label}: {'STALE' if late else 'ok'} (last heartbeat {b.age:.0f} s ago, "
                     f"{b.state})" + (f"; limit {settings.heartbeat_stale_seconds:g} s: the stage is stuck, "
                                      "restart it and see its log" if late else ""))
    return ok, lines
