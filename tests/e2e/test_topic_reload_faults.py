"""A bad topic-file edit under the real daemon: rejected with its line, the consumer
processes stay up, and the topics in force before the edit keep alerting.

Before the fix each of these edits killed every consumer process (RecursionError,
UnicodeDecodeError) and `wirewatch run` restarted them into the same crash forever.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from sqlalchemy import text

from producers.reuters_text import parse_story
from tests.integration.helpers import publish_items

PROCESSES = 2
GOOD = """\
topics:
  - name: e2e-canary
    title: Canary
    version: 1
    query: 'headline:zebrafinch'
"""
# Each bad version keeps the canary but changes it, so a reload that went through
# would be visible: the canary would then only fire on "okapi".
BAD_EDITS = {
    "nested parentheses": (GOOD.replace("zebrafinch", "okapi")
                           + "  - name: broken\n    title: Broken\n    version: 1\n"
                           + "    query: '" + "(" * 200 + "x" + ")" * 200 + "'\n", 9),
    "a Latin-1 byte": ((GOOD.replace("zebrafinch", "okapi") + "  # caf\xe9 au lait\n").encode("latin-1"), 6),
    "a 5,000-digit version": (GOOD.replace("zebrafinch", "okapi").replace("version: 1", "version: " + "9" * 5000), 4),
}


def story(n: int, word: str = "zebrafinch"):
    return parse_story(f"Sighting {n}: a {word} in the park\nA {word} number {n} was seen today.\n",
                       f"e2e-topic-reload-{n}-{time.time_ns()}")


def test_bad_topic_edits_are_rejected_and_the_old_topics_stay_in_force(env, tmp_path):
    topics = tmp_path / "topics.yaml"
    topics.write_text(GOOD, encoding="utf-8")
    daemon = env.spawn("run", name="daemon", extra_env={"WIREWATCH_TOPICS_FILE": str(topics),
                                                        "WIREWATCH_CONSUMER_PROCESSES": str(PROCESSES)})
    log = Path(daemon.log_path)

    def canary_alerts() -> set[str]:
        """Stories that are evidence of a canary alert (stories of one event share an alert)."""
        with env.app.engine.connect() as conn:
            rows = conn.execute(text("SELECT ai.item_id FROM alert_items ai JOIN alerts a ON a.id = ai.alert_id "
                                     "WHERE a.topic_name = 'e2e-canary'"))
            return {r[0] for r in rows}

    first = story(1)
    publish_items(env.app, [first])
    env.wait_for(lambda: first.id in canary_alerts(), 300, "the canary alert before any edit")

    for n, (what, (content, line)) in enumerate(BAD_EDITS.items(), start=2):
        time.sleep(0.05)  # a new mtime even on coarse clocks
        if isinstance(content, bytes):
            topics.write_bytes(content)
        else:
            topics.write_text(content, encoding="utf-8")
        where = f"{topics}:{line}: "
        env.wait_for(lambda where=where: log.read_text(errors="replace").count(where) >= PROCESSES,
                     60, f"every consumer to reject the edit with {what} at line {line}")
        assert daemon.poll() is None, f"the daemon exited after the edit with {what}"
        item = story(n)
        publish_items(env.app, [item])
        env.wait_for(lambda item=item: item.id in canary_alerts(), 120,
                     f"the old canary topic to alert after the edit with {what}")

    time.sleep(3)  # more polls of the same bad file: still one rejection per process and version
    logged = log.read_text(errors="replace")
    assert logged.count("topics file rejected") == PROCESSES * len(BAD_EDITS), logged[-3000:]
    assert "exited with" not in logged and "Traceback" not in logged, logged[-3000:]
    os.killpg(daemon.pid, signal.SIGTERM)
    daemon.wait(90)
    assert daemon.returncode == 0
    assert "consumer restarts 0" in log.read_text(errors="replace")
