"""Operations acceptance: the real daemon survives kill -9, database and broker outages."""
from __future__ import annotations

import os
import signal
import time
import urllib.request

from kafka import KafkaConsumer, TopicPartition

from tests.e2e.conftest import reference_story, reuters_stories
from tests.integration.helpers import publish_items, send_raw
from tests.smtp_sink import SmtpSink
from wirewatch.stack import kafka_broker, postgres_server

FLAGSHIP = "arrests-of-opposition-leaders"


def committed_everything(env) -> bool:
    """The group's committed offsets reach the end of every items partition."""
    s = env.settings
    consumer = KafkaConsumer(bootstrap_servers=s.kafka_bootstrap, group_id=s.consumer_group,
                             enable_auto_commit=False)
    try:
        tps = [TopicPartition(env.app.names.items, p)
               for p in consumer.partitions_for_topic(env.app.names.items) or []]
        ends = consumer.end_offsets(tps)
        return all((consumer.committed(tp) or 0) == ends[tp] for tp in tps)
    finally:
        consumer.close()


def test_kill_9_mid_batch_then_restart_stores_every_item_once_and_mails_once(env):
    smtp = SmtpSink()
    smtp.start()
    env.env.update({"WIREWATCH_SMTP_HOST": "127.0.0.1", "WIREWATCH_SMTP_PORT": str(smtp.port),
                    "WIREWATCH_ALERT_RECIPIENTS": "desk@example.test", "WIREWATCH_NOTIFY_POLL_SECONDS": "1"})
    # The reference story sits in the middle, so the kill may land before or after it.
    stories = reuters_stories(2000)
    items = stories[:1000] + [reference_story()] + stories[1000:]
    assert publish_items(env.app, items) == 2001
    consumer = env.spawn("consume", name="consumer")
    notifier = env.spawn("notify", name="notifier")
    env.wait_for(lambda: env.stored() >= 300, 600, "300 items stored before the kill")
    os.killpg(consumer.pid, signal.SIGKILL)
    consumer.wait(10)
    assert env.stored() < 2001, "the consumer finished before it could be killed"
    restarted = env.spawn("consume", "--until-idle", "8", name="restarted")
    env.wait_for(lambda: restarted.poll() is not None, 1500, "the restarted consumer to drain the topic")
    assert restarted.returncode == 0
    env.wait_for(lambda: len(smtp.received) >= 1, 60, "the alert email")
    os.killpg(notifier.pid, signal.SIGKILL)  # a notifier restart must not resend either
    assert env.run("notify", "--once").returncode == 0
    smtp.stop()
    ids = [m["Message-ID"] for m in smtp.messages()]
    assert len(ids) == len(set(ids)), "an email was sent twice"
    assert len(ids) == env.scalar("SELECT count(*) FROM deliveries WHERE status = 'sent'") >= 1
    assert env.stored() == 2001
    assert env.scalar("SELECT count(DISTINCT id) FROM items") == 2001
    alerts = env.alerts()
    keys = [(a["topic_name"], a["item_id"], a["target"]) for a in alerts]
    assert len(keys) == len(set(keys)), "duplicate alerts"
    assert [a["target"] for a in alerts if a["topic_name"] == FLAGSHIP].count("Kem Sokha") == 1
    assert committed_everything(env)


def test_postgres_down_for_15_seconds_under_load(env):
    assert publish_items(env.app, reuters_stories(400, offset=3000)) == 400
    consumer = env.spawn("consume", name="consumer")
    env.wait_for(lambda: env.stored() >= 40, 300, "the first items stored")
    postgres_server.down(env.settings, log=lambda *_: None)
    try:
        time.sleep(15)
        assert consumer.poll() is None, "consumer crashed while PostgreSQL was down"
        assert env.run("check").returncode == 1, "`wirewatch check` passed with the database down"
    finally:
        postgres_server.up(env.settings, log=lambda *_: None)
    env.wait_for(lambda: env.stored() == 400, 600, "all 400 items stored after PostgreSQL returned")
    assert consumer.poll() is None
    assert env.run("check").returncode == 0
    env.wait_for(lambda: committed_everything(env), 60, "offsets committed")


def test_kafka_broker_restart_while_producer_and_consumer_run(env):
    stories = reuters_stories(300, offset=5000)
    wire = env.tmp / "wire"
    wire.mkdir()
    for i, story in enumerate(stories):
        (wire / f"{i:04d}.txt").write_text(f"{story.headline}\nLONDON (Reuters) - {story.body}")
    consumer = env.spawn("consume", name="consumer")
    producer = env.spawn("produce", "--quiet", str(wire), name="producer")
    env.wait_for(lambda: env.stored() >= 20, 300, "the first items stored")
    kafka_broker.down(env.settings, log=lambda *_: None)
    time.sleep(3)
    kafka_broker.up(env.settings, log=lambda *_: None)
    env.wait_for(lambda: producer.poll() is not None, 300, "the producer to finish")
    assert producer.returncode == 0, open(producer.log_path).read()[-2000:]
    assert "published 300 item(s)" in open(producer.log_path).read()
    env.wait_for(lambda: env.stored() == 300, 600, "all 300 items stored after the broker restart")
    assert consumer.poll() is None, "consumer died across the broker restart"


def test_two_consumers_split_partitions_and_survivor_takes_over(env):
    assert publish_items(env.app, reuters_stories(600, offset=7000)) == 600
    first = env.spawn("consume", name="first")
    second = env.spawn("consume", name="second")
    env.wait_for(lambda: env.stored() >= 100, 300, "both consumers working")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    env.wait_for(lambda: env.stored() == 600, 900, "the survivor to take over and store everything")
    assert second.poll() is None
    env.wait_for(lambda: committed_everything(env), 60, "offsets committed")
    # Both shared the 4 partitions at first; after the kill the survivor owns all four.
    first_log, second_log = open(first.log_path).read(), open(second.log_path).read()
    assert first_log.count("[") >= 1 and "partitions assigned" in first_log
    last = [line for line in second_log.splitlines() if "partitions assigned" in line][-1]
    assert last.count(env.app.names.items) == 4, last


def test_poison_message_is_readable_with_dlq_list(env):
    send_raw(env.app, [b"\x00\x01 definitely not a wire item"])
    publish_items(env.app, [reference_story()])
    result = env.run("consume", "--until-idle", "5")
    assert result.returncode == 0, result.stderr
    listing = env.run("dlq", "list")
    assert listing.returncode == 0
    assert "invalid WireItem" in listing.stdout, listing.stdout
    assert env.stored() == 1


def test_metrics_answer_while_the_daemon_runs(env):
    port = 19464 + os.getpid() % 500
    daemon = env.spawn("run", name="daemon", extra_env={"WIREWATCH_METRICS_PORT": str(port),
                                                        "WIREWATCH_CONSUMER_PROCESSES": "2"})
    publish_items(env.app, reuters_stories(30, offset=9000) + [reference_story()])
    env.wait_for(lambda: env.stored() == 31, 300, "the daemon to store the items")

    def scrape() -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            return r.read().decode()

    env.wait_for(lambda: "wirewatch_items_stored_total 31.0" in scrape(), 30, "metrics to show 31 stored")
    env.wait_for(lambda: "wirewatch_consumer_lag{" in scrape(), 30, "consumer lag per partition")
    body = scrape()
    for name in ("wirewatch_items_consumed_total", "wirewatch_consumer_lag", "wirewatch_alerts_created_total",
                 "wirewatch_publish_to_stored_seconds_bucket", "wirewatch_dead_letters_total",
                 "wirewatch_emails_sent_total", "wirewatch_feed_errors_total", "wirewatch_items_published_total"):
        assert name in body, name
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
        assert r.status == 200
    os.killpg(daemon.pid, signal.SIGTERM)
    daemon.wait(90)
    assert daemon.returncode == 0
    assert "shutdown complete: consumed 31, stored 31" in open(daemon.log_path).read()
