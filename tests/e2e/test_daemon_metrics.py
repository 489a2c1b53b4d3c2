"""The real daemon's /metrics: counters incremented in the parent (notifier, feed poller)
and in the consumer processes all show, summed, in multi-process mode."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import httpx
import pytest

from tests.conftest import ROOT, SEED
from tests.smtp_sink import SmtpSink, free_port


def scrape(port: int) -> dict[str, float]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            body = resp.read().decode()
    except OSError:
        return {}
    values: dict[str, float] = {}
    for line in body.splitlines():
        m = re.match(r"^(wirewatch_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", line)
        if m:
            values[m.group(1)] = values.get(m.group(1), 0.0) + float(m.group(3))
    return values


def stale_metrics_dir(path) -> str:
    """A multi-process directory left by an earlier run: 5 emails counted there."""
    path.mkdir()
    code = "from wirewatch import metrics; metrics.EMAILS_SENT.inc(5)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60, cwd=ROOT,
                   env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(path)})
    assert list(path.glob("*.db"))
    return str(path)


@pytest.mark.parametrize("metrics_dir", ["own", "stale"])
def test_daemon_metrics_count_fetched_published_stored_alerts_and_emails_sent(env, tmp_path, metrics_dir):
    smtp = SmtpSink()
    smtp.start()
    port, web_port = free_port(), free_port()
    drop = tmp_path / "drop"
    drop.mkdir()
    # A second, harmless story for the daemon's own feed poller (fetched and published counters).
    (drop / "weather.txt").write_text("Sunny weekend ahead in Paris\nPARIS - Forecasters expect a sunny "
                                      "and mild weekend in Paris, the weather service said on Friday.\n")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds: []\nwatch_dirs:\n  - path: {drop}\n    interval: 5\n"
                     "poller:\n  dir_settle_seconds: 0\n")
    env.env.update({
        "WIREWATCH_SMTP_HOST": "127.0.0.1", "WIREWATCH_SMTP_PORT": str(smtp.port),
        "WIREWATCH_ALERT_RECIPIENTS": "desk@example.test", "WIREWATCH_NOTIFY_POLL_SECONDS": "1",
        "WIREWATCH_METRICS_PORT": str(port), "WIREWATCH_CONSUMER_PROCESSES": "1",
        "WIREWATCH_FEEDS_FILE": str(feeds), "WIREWATCH_WEB_PORT": str(web_port),
    })
    env.env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # `wirewatch run` sets its own ...
    if metrics_dir == "stale":  # ... or empties the one it is given
        env.env["PROMETHEUS_MULTIPROC_DIR"] = stale_metrics_dir(tmp_path / "metrics")
    try:
        daemon = env.spawn("run", name="daemon")
        env.wait_for(lambda: "wirewatch_emails_sent_total" in scrape(port), 60, "the /metrics endpoint")
        assert scrape(port)["wirewatch_emails_sent_total"] == 0
        produced = env.run("produce", str(SEED), timeout=120)
        assert produced.returncode == 0, produced.stderr
        env.wait_for(lambda: len(smtp.received) >= 1, 240, "the alert email")
        env.wait_for(lambda: scrape(port).get("wirewatch_emails_sent_total", 0) >= 1, 30,
                     "wirewatch_emails_sent_total >= 1 on /metrics")
        env.wait_for(lambda: scrape(port).get("wirewatch_items_published_total", 0) >= 1, 60,
                     "the drop-directory story published by the daemon's poller")
        env.wait_for(lambda: scrape(port).get("wirewatch_items_stored_total", 0) >= 2, 120,
                     "both stories stored")
        values = scrape(port)
        assert values["wirewatch_emails_sent_total"] == len(smtp.received) == 1
        assert values["wirewatch_emails_failed_total"] == 0
        assert values["wirewatch_items_fetched_total"] >= 1
        assert values["wirewatch_items_consumed_total"] >= 2
        assert values["wirewatch_alerts_created_total"] >= 1
        assert values["wirewatch_feed_errors_total"] == 0
        # WIREWATCH_WEB_PORT set: the daemon serves the analyst console too, behind its login.
        console = httpx.get(f"http://127.0.0.1:{web_port}/alerts", timeout=10)
        assert console.status_code == 303 and console.headers["location"].startswith("/login")
        assert httpx.get(f"http://127.0.0.1:{web_port}/login", timeout=10).status_code == 200
        assert daemon.poll() is None
    finally:
        smtp.stop()
        if env.procs and env.procs[0].poll() is None:
            os.killpg(env.procs[0].pid, signal.SIGTERM)
            deadline = time.monotonic() + 60
            while env.procs[0].poll() is None and time.monotonic() < deadline:
                time.sleep(0.5)
