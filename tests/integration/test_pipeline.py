"""Foundation acceptance: wire item → Kafka → consumer → PostgreSQL alert, on the real services."""
from __future__ import annotations

import base64
import json
import threading

from kafka import KafkaConsumer, TopicPartition

from producers.reuters_text import parse_story
from schemas.messages import decode_dead_letter, encode
from schemas.tables import Alert, Item, Mention
from tests.conftest import ARTICLES, SEED
from tests.integration.helpers import alerts, count, drain, items, non_arrest_reuters, publish_items, send_raw

FLAGSHIP = "arrests-of-opposition-leaders"


def reference_item():
    return parse_story(SEED.read_text(encoding="utf-8"), str(SEED))


def test_reference_story_gives_exactly_one_alert(app):
    assert publish_items(app, [reference_item()]) == 1
    stats = drain(app)
    assert stats.stored == 1
    rows = alerts(app)
    assert len(rows) == 1
    alert = rows[0]
    assert alert["topic_name"] == FLAGSHIP
    assert alert["target"] == "Kem Sokha"
    assert alert["target_role"] == "opposition"
    assert "Kem Sokha, was arrested on Sept. 3" in alert["evidence"]
    assert alert["kafka_topic"] == app.names.items and alert["kafka_offset"] == 0
    assert alert["explanation"]["topic_version"] >= 1 and alert["explanation"]["extractor_version"]
    assert count(app, Mention) > 5


def test_twenty_non_arrest_reuters_stories_give_no_alert(app, eval_data):
    stories = non_arrest_reuters(ARTICLES, 20)
    assert len(stories) == 20
    assert publish_items(app, stories) == 20
    drain(app)
    assert count(app, Item) == 20
    assert alerts(app) == []


def _dead_letters(app) -> list:
    consumer = KafkaConsumer(bootstrap_servers=app.settings.kafka_bootstrap, group_id=None,
                             enable_auto_commit=False, consumer_timeout_ms=3000)
    tp = TopicPartition(app.names.dead_letters, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    letters = [decode_dead_letter(m.value) for m in consumer]
    consumer.close()
    return letters


def test_malformed_messages_go_to_dead_letters_and_processing_goes_on(app):
    good = reference_item()
    invalid = json.loads(encode(good))
    invalid["version"] = "one"
    send_raw(app, [b"{not json", json.dumps(invalid).encode(), encode(good)])
    stats = drain(app)
    assert stats.dead_lettered == 2 and stats.stored == 1
    letters = _dead_letters(app)
    assert [d.source_offset for d in letters] == [0, 1]
    assert "not JSON" in letters[0].reason
    assert "version" in letters[1].reason
    assert base64.b64decode(letters[0].value_b64) == b"{not json"
    assert len(alerts(app)) == 1  # the good message after the poison ones was processed


def test_crash_after_db_commit_before_offset_commit_makes_no_duplicates(app):
    publish_items(app, [reference_item()] + non_arrest_reuters(ARTICLES, 3))
    # First consumer: stores the batch, then "dies" before committing offsets.
    worker = app.items_worker()
    records = []
    for _ in range(40):
        records += worker.inbox.poll(500)
        if len(records) >= 4:
            break
    assert len(records) == 4
    worker.process(records, threading.Event(), commit=False)
    worker.close()  # a crash before the offset commit; this also ends its analysis process
    before = (count(app, Item), count(app, Alert), count(app, Mention))
    assert before[0] == 4 and before[1] == 1
    # Restart: the same records are redelivered and reprocessed.
    stats = drain(app)
    assert stats.consumed == 4
    assert (count(app, Item), count(app, Alert), count(app, Mention)) == before
    assert len({i["id"] for i in items(app)}) == 4


def test_the_same_story_replayed_weeks_later_opens_no_second_alert(app):
    import dataclasses
    from datetime import datetime, timedelta, timezone

    story = reference_item()
    publish_items(app, [story])
    drain(app)
    later = (datetime.now(timezone.utc) + timedelta(days=40)).isoformat()
    publish_items(app, [dataclasses.replace(story, received_at=later)])
    drain(app)
    assert len(alerts(app)) == 1
    assert count(app, Item) == 1
