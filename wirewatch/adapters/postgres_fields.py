"""What PostgreSQL accepts, enforced at the store boundary, and noted on the item.

PostgreSQL refuses a NUL character in text and in JSONB strings, cannot encode a lone
surrogate (it arrives from JSON `\\ud800` escapes), and varchar(n) refuses more than n
characters. Any of these used to fail the whole batch, dead-letter the item and lose
its alert. Instead the value is cleaned or cut here, and a short note says what was
done (items.limits, migration 0006).

Cuts are deterministic: the same long name always gives the same stored name (a prefix,
a marker and a hash of the whole name), so the idempotent upserts (entities on name and
label) still dedupe replays, and two long names sharing a prefix stay distinct.
"""
from __future__ import annotations

import hashlib
import math
import re

_BAD = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
CUT = "\u2026[cut:{}]"


class FieldNotes:
    """Cleans values for one item and collects what was changed, once per field."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def _note(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def text(self, field: str, value):
        """Without NULs and lone surrogates (which become U+FFFD)."""
        if not isinstance(value, str) or not _BAD.search(value):
            return value
        nuls = value.count("\x00")
        surrogates = len(_SURROGATE.findall(value))
        if nuls:
            self._note(f"{field}: NUL character(s) removed")
        if surrogates:
            self._note(f"{field}: invalid UTF-16 surrogate(s) replaced by U+FFFD")
        return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))

    def fit(self, field: str, value, limit: int):
        """`text`, then cut to `limit` characters (a column's varchar size)."""
        value = self.text(field, value)
        if not isinstance(value, str) or len(value) <= limit:
            return value
        self._note(f"{field}: {len(value)} characters cut to {limit}")
        return cut(value, limit)

    def json(self, field: str, value):
        """Every string (and key) of a JSON value, cleaned with `text`; NaN and infinities null."""
        if isinstance(value, str):
            return self.text(field, value)
        if isinstance(value, dict):
            return {self.text(field, k): self.json(field, v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.json(field, v) for v in value]
        if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN or Infinity
            self._note(f"{field}: a non-finite number stored as null")
            return None
        return value


def cut(value: str | None, limit: int) -> str | None:
    """A deterministic cut of `value` to at most `limit` characters (unchanged if it fits)."""
    if value is None or len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    marker = CUT.format(digest)
    return value[: max(0, limit - len(marker))] + marker


# --- the items stage's output, cleaned before it is written ---------------------------

def clean_processed(p):
    """(a ProcessedItem whose item, entities and alerts PostgreSQL accepts, the notes)."""
    from dataclasses import replace

    notes = FieldNotes()
    i = p.item
    item = replace(
        i, id=notes.fit("id", i.id, 200), headline=notes.text("headline", i.headline),
        body=notes.text("body", i.body), feed=notes.text("feed", i.feed), url=notes.text("url", i.url),
        guid=notes.text("guid", i.guid), language=notes.fit("language", i.language, 35),
        dateline_place=notes.fit("dateline", i.dateline_place, 200),
        story_id=notes.fit("story_id", i.story_id, 200))
    entities = tuple(_clean_entity(notes, e) for e in p.analysis.entities)
    analysis = p.analysis if entities == tuple(p.analysis.entities) else replace(p.analysis, entities=entities)
    alerts = [_clean_alert(notes, a) for a in p.alerts]
    cleaned = replace(p, item=item, analysis=analysis, alerts=alerts)
    return cleaned, notes.notes


def _clean_entity(notes: FieldNotes, e):
    from dataclasses import replace

    canonical = notes.fit("entity name", e.canonical, 300)
    label = notes.fit("entity label", e.label, 32)
    mentions = tuple(m if not (_BAD.search(m.text) or _BAD.search(m.canonical)) else replace(
        m, text=notes.text("entity mention", m.text), canonical=notes.text("entity mention", m.canonical))
        for m in e.mentions)
    aliases = tuple(notes.text("entity alias", a) for a in e.aliases)
    if (canonical, label, mentions, aliases) == (e.canonical, e.label, e.mentions, e.aliases):
        return e
    return replace(e, canonical=canonical, label=label, mentions=mentions, aliases=aliases)


def _clean_alert(notes: FieldNotes, a):
    from dataclasses import replace

    return replace(
        a, item_id=notes.fit("id", a.item_id, 200), evidence=notes.text("alert evidence", a.evidence),
        rule=notes.text("alert rule", a.rule), explanation=notes.json("alert explanation", a.explanation),
        target=notes.fit("alert target", a.target, 300),
        target_role=notes.fit("alert target role", a.target_role, 64),
        event=notes.fit("alert event", a.event, 64), action=notes.fit("alert action", a.action, 64),
        place=notes.fit("alert place", a.place, 200), headline=notes.text("headline", a.headline),
        url=notes.text("url", a.url), topic_title=notes.text("topic title", a.topic_title))
