"""The per-item analysis budget under the real daemon: one slow story costs itself, nothing else."""
from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from collections import Counter

from kafka import KafkaConsumer

from producers.reuters_text import parse_story
from tests.e2e.conftest import reference_story, reuters_stories
from tests.e2e.test_faults import committed_everything
from tests.integration.helpers import publish_items

BUDGET = "3"


def slow_story():
    """A story far over the budget once the analysis caps are lifted for this test: ~750 KB of
    fictional copy (under spaCy's own 1 MB limit; fine for the pipeline, just long)."""
    para = ("Officials in the fictional town of Norvale said on Tuesday that the harbour "
            "works would resume next month after a long delay over funding. ")
    return parse_story("FICTIONAL - Norvale harbour works to resume\n" + para * 5000, "fictional:slow")


def topic_messages(env, topic: str) -> list[dict]:
    consumer = KafkaConsumer(topic, bootstrap_servers=env.settings.kafka_bootstrap,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             consumer_timeout_ms=5000)
    try:
        return [json.loads(m.value) for m in consumer]
    finally:
        consumer.close()


def test_one_item_over_budget_is_dead_lettered_and_the_stream_goes_on(env):
    port = 19964 + os.getpid() % 500
    stories = reuters_stories(198, offset=3000)
    items = stories[:60] + [slow_story()] + stories[60:120] + [reference_story()] + stories[120:]
    assert publish_items(env.app, items) == 200
    daemon = env.spawn("run", name="daemon", extra_env={
        "WIREWATCH_METRICS_PORT": str(port), "WIREWATCH_CONSUMER_PROCESSES": "1",
        "WIREWATCH_ANALYSIS_BUDGET_SECONDS": BUDGET,
        # lift the caps so the slow story is really slow
        "WIREWATCH_ANALYSIS_MAX_CHARS": "5000000", "WIREWATCH_ANALYSIS_MAX_TOKENS": "5000000",
        "WIREWATCH_ANALYSIS_MEMORY_BUDGET_MB": "20000",  # so it is the time budget that stops it
        "WIREWATCH_HEARTBEAT_DIR": str(env.tmp / "beats"),
    })
    env.wait_for(lambda: env.stored() == 199, 900, "199 items stored")
    env.wait_for(lambda: committed_everything(env), 120, "lag 0: offsets committed to the end")

    dead = topic_messages(env, env.app.names.dead_letters)
    assert [d["reason"] for d in dead] == [f"analysis exceeded {BUDGET} s"], dead
    assert env.scalar("SELECT count(*) FROM items WHERE id = 'fictional:slow'") == 0

    alerts = topic_messages(env, env.app.names.alerts)
    keys = Counter(a["alert_key"] for a in alerts)
    assert keys and all(n == 1 for n in keys.values()), keys
    assert any(a["target"] == "Kem Sokha" for a in alerts)

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        body = r.read().decode()
    assert 'wirewatch_analysis_over_budget_total{budget="time"} 1.0' in body
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
        health = json.loads(r.read())
    assert health["status"] == "ok" and health["heartbeats"], health

    os.killpg(daemon.pid, signal.SIGTERM)
    daemon.wait(90)
    assert daemon.returncode == 0
    log = open(daemon.log_path).read()
    running = log.split("draining:")[0]  # leaving the group at shutdown revokes, of course
    assert "partitions revoked: " not in running, "a rebalance: the member lost its partitions"
    assert "batch will be redelivered" not in log
    assert running.count("partitions assigned: " + env.app.names.items) == 1, \
        "the consumer joined once and never rejoined"
    assert "exited with" not in log, "the consumer process died"


def test_sigterm_mid_analysis_stops_at_once_and_loses_nothing(env):
    assert publish_items(env.app, [slow_story()]) == 1
    beats = env.tmp / "beats"
    slow_env = {"WIREWATCH_ANALYSIS_BUDGET_SECONDS": "600", "WIREWATCH_ANALYSIS_MAX_CHARS": "5000000",
                "WIREWATCH_ANALYSIS_MAX_TOKENS": "5000000", "WIREWATCH_ANALYSIS_MEMORY_BUDGET_MB": "20000",
                "WIREWATCH_HEARTBEAT_DIR": str(beats)}
    consumer = env.spawn("consume", name="consumer", extra_env=slow_env)

    def analysing() -> bool:
        return any('"analysing"' in p.read_text() for p in beats.glob("*.json"))

    env.wait_for(analysing, 300, "the consumer to start analysing the slow story")
    started = time.monotonic()
    os.killpg(consumer.pid, signal.SIGTERM)
    consumer.wait(30)
    assert time.monotonic() - started < 15, "SIGTERM waited for the analysis"
    assert consumer.returncode == 0
    assert "left uncommitted for redelivery" in open(consumer.log_path).read()
    assert topic_messages(env, env.app.names.dead_letters) == []  # not poison: it was interrupted
    assert not committed_everything(env), "the interrupted item must be redelivered, not skipped"
