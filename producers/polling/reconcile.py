"""Which journaled items the broker already has, from the items topic read back from the checkpoint.

After a crash, or a send whose outcome is unknown, the feed outbox may hold items the
broker did acknowledge. Re-sending them would publish them twice, so the poller first
reads the topic from its last checkpoint (`feed_offsets`) to its end and marks those.
The reading is a TopicReader (wirewatch.adapters.kafka_feeds); the matching is here.
"""
from __future__ import annotations

from producers.polling.ports import Row, Sent, TopicReader
from schemas.messages import MessageError, decode_wire_item


def read_back(reader: TopicReader, topic: str, marks: dict[int, int], rows: list[Row]
              ) -> tuple[list[Sent], dict[int, int], int, int]:
    """(items found in the topic, end offset per partition, records read, items not found)."""
    wanted = {(item.id, item.version): (item, feed_id, minhash) for item, feed_id, minhash in rows}
    result = reader(topic, marks, {item_id.encode("utf-8") for item_id, _v in wanted})
    found: list[Sent] = []
    for key, value, partition, offset in result.records:
        try:
            version = decode_wire_item(value).version
        except MessageError:
            continue
        hit = wanted.pop((key.decode("utf-8"), version), None)
        if hit:
            item, feed_id, minhash = hit
            found.append(Sent(item.id, item.version, item.content_hash, item.story_id,
                              feed_id, minhash, partition, offset))
    return found, result.ends, result.scanned, len(wanted)
