import json

import pytest

from schemas.messages import (
    Alert, DeadLetter, MessageError, WireItem, decode_alert, decode_dead_letter, decode_wire_item, encode,
)


def make_item(**kw):
    base = dict(id="rt-1", source="reuters-text", headline="H", body="B",
                received_at="2026-11-28T00:00:00+00:00", content_hash="0" * 64)
    base.update(kw)
    return WireItem(**base)


def test_wire_item_round_trip():
    item = make_item(url="https://x.invalid/a", dateline_place="PHNOM PENH")
    assert decode_wire_item(encode(item)) == item


def test_encode_refuses_invalid_item():
    with pytest.raises(MessageError, match="content_hash"):
        encode(make_item(content_hash="nothex"))


@pytest.mark.parametrize("raw, reason", [
    (b"not json", "not JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[1,2]", "expected a JSON object"),
    (b'{"schema": "other"}', "unknown schema"),
    (None, "empty message"),
])
def test_decode_rejects_with_reason(raw, reason):
    with pytest.raises(MessageError, match=reason):
        decode_wire_item(raw)


def test_decode_reports_missing_and_bad_fields():
    payload = json.loads(encode(make_item()))
    del payload["body"]
    payload["version"] = 0
    with pytest.raises(MessageError) as err:
        decode_wire_item(json.dumps(payload).encode())
    assert "body" in str(err.value) and "version" in str(err.value)


def test_decode_rejects_bad_datetime():
    payload = json.loads(encode(make_item()))
    payload["received_at"] = "yesterday"
    with pytest.raises(MessageError, match="received_at"):
        decode_wire_item(json.dumps(payload).encode())


def test_alert_and_dead_letter_round_trip():
    alert = Alert(alert_key="a" * 64, topic="t", topic_version=1, item_id="rt-1", evidence="E",
                  rule="event=arrest", explanation={"why": 1}, created_at="2026-11-28T00:00:00+00:00")
    assert decode_alert(encode(alert)) == alert
    dl = DeadLetter(reason="bad", stage="items", source_topic="x", source_partition=0, source_offset=3,
                    value_b64="", failed_at="2026-11-28T00:00:00+00:00")
    assert decode_dead_letter(encode(dl)) == dl
