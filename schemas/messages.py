"""Versioned wire messages (WireItem v1, Alert v1, DeadLetter v1) and their codec.

Both ends validate: `encode_*` refuses to put an invalid message on the wire and
`decode_*` raises `MessageError` with a reason a human can act on.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "json"
WIRE_ITEM_V1 = "wirewatch.wire_item.v1"
ALERT_V1 = "wirewatch.alert.v1"
DEAD_LETTER_V1 = "wirewatch.dead_letter.v1"


class MessageError(ValueError):
    """A message that cannot be decoded or does not satisfy its schema."""


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(name: str, payload: Any) -> None:
    """Raise MessageError listing every way `payload` breaks schema `name`."""
    errors = sorted(_validator(name).iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        parts = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:5]]
        raise MessageError(f"{name} schema violation: " + "; ".join(parts))
    for key in ("published_at", "received_at", "created_at", "failed_at"):
        value = payload.get(key) if isinstance(payload, dict) else None
        if value is not None:
            try:
                datetime.fromisoformat(value)
            except (TypeError, ValueError):
                raise MessageError(f"{name}: {key} is not an ISO-8601 date-time: {value!r}") from None


def _loads(raw: bytes | None) -> Any:
    if raw is None:
        raise MessageError("empty message (tombstone or null value)")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise MessageError(f"not UTF-8: {exc}") from None
    except json.JSONDecodeError as exc:
        raise MessageError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def _dumps(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


@dataclass(frozen=True)
class WireItem:
    id: str
    source: str
    headline: str
    body: str
    received_at: str
    content_hash: str
    version: int = 1
    feed: str | None = None
    url: str | None = None
    guid: str | None = None
    language: str | None = None
    dateline_place: str | None = None
    published_at: str | None = None
    story_id: str | None = None
    schema: str = field(default=WIRE_ITEM_V1)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Alert:
    alert_key: str
    topic: str
    topic_version: int
    item_id: str
    evidence: str
    rule: str
    explanation: dict
    created_at: str
    topic_title: str | None = None
    headline: str | None = None
    url: str | None = None
    target: str | None = None
    target_role: str | None = None
    event: str | None = None
    action: str | None = None
    place: str | None = None
    score: float | None = None
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    event_key: str | None = None
    schema: str = field(default=ALERT_V1)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DeadLetter:
    reason: str
    stage: str
    source_topic: str
    source_partition: int
    source_offset: int
    value_b64: str
    failed_at: str
    key_b64: str | None = None
    schema: str = field(default=DEAD_LETTER_V1)

    def to_dict(self) -> dict:
        return asdict(self)


_SCHEMA_FILES = {WIRE_ITEM_V1: "wire_item.v1", ALERT_V1: "alert.v1", DEAD_LETTER_V1: "dead_letter.v1"}


def encode(message: WireItem | Alert | DeadLetter) -> bytes:
    payload = message.to_dict()
    validate(_SCHEMA_FILES[message.schema], payload)
    return _dumps(payload)


def _decode(raw: bytes | None, schema_id: str, cls):
    payload = _loads(raw)
    if not isinstance(payload, dict):
        raise MessageError(f"expected a JSON object, got {type(payload).__name__}")
    if payload.get("schema") != schema_id:
        raise MessageError(f"unknown schema {payload.get('schema')!r}; expected {schema_id!r}")
    validate(_SCHEMA_FILES[schema_id], payload)
    return cls(**payload)


def decode_wire_item(raw: bytes | None) -> WireItem:
    return _decode(raw, WIRE_ITEM_V1, WireItem)


def decode_alert(raw: bytes | None) -> Alert:
    return _decode(raw, ALERT_V1, Alert)


def decode_dead_letter(raw: bytes | None) -> DeadLetter:
    return _decode(raw, DEAD_LETTER_V1, DeadLetter)
