"""Watched-topic definitions: YAML loading with line-numbered validation, fingerprints,
and a stat-polling watcher for hot reload.

File format (a bare list of topics, or a mapping with a ``topics:`` list)::

    topics:
      - name: arrests-of-opposition-leaders      # slug, unique in the file
        title: Arrests of opposition leaders     # shown in alerts
        version: 1                               # bump when the meaning changes
        description: ...
        event: {type: arrest, target_role: opposition, status: [reported]}
        query: 'arrest* OR detain*'              # optional boolean text query
        entities: {any: [Kem Sokha], types: [PERSON], countries: [Cambodia]}
        exclude: 'headline:(anniversary OR obituary)'   # vetoes a match
        threshold: 0.5                           # 0 < t <= 1, default 0.5
        lead_sentences: 2                        # size of the lead: scope, default 2

A topic needs at least one of query, entities, event. All errors in a file are reported
at once, each with the file, 1-based line and reason. Whatever the bytes, loading
raises nothing but ``TopicFileError``; sizes are capped (file, topics, strings, numbers)
and queries over the complexity limits of query.py and complexity.py are refused.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from consumers.matching.conditions import EVENT_STATUSES, EntityCondition, EventCondition
from consumers.matching.query import Node, QueryError, parse_query, render
from consumers.config_errors import UNREADABLE, ConfigFileError, LocatedError, NodeChecker

# libyaml's parser when present: same nodes and marks, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
DEFAULT_THRESHOLD = 0.5
DEFAULT_LEAD_SENTENCES = 2
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOPIC_KEYS = (
    "name", "title", "version", "description", "query", "entities", "event",
    "exclude", "threshold", "lead_sentences",
)
_ENTITY_KEYS = ("any", "types", "countries")
_EVENT_KEYS = ("type", "target_role", "status", "target")
# Sizes are capped so that no edit can make loading slow or huge; real files are far
# below (10,000 generated topics are about 3 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_TOPICS = 100_000
MAX_STRING_CHARS = 20_000
# Invisible format characters (bidi marks and isolates, zero-width space/joiners, BOM)
# that a copy-paste can leave around a value; they would make "arrest" != "arrest".
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"


TopicError = LocatedError


class TopicFileError(ConfigFileError):
    what = "topic definitions"


@dataclass(frozen=True)
class Topic:
    name: str
    title: str
    version: int
    description: str = ""
    query: str | None = None
    entities: EntityCondition | None = None
    event: EventCondition | None = None
    exclude: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    lead_sentences: int = DEFAULT_LEAD_SENTENCES
    source: str = "<string>"
    line: int = 0
    query_ast: Node | None = field(default=None, compare=False, repr=False)
    exclude_ast: Node | None = field(default=None, compare=False, repr=False)
    fingerprint: str = field(default="", compare=False)

    def definition(self) -> dict:
        """The normalised definition (what the fingerprint hashes)."""
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "query": render(self.query_ast) if self.query_ast is not None else None,
            "entities": None if self.entities is None else {
                "any": list(self.entities.any),
                "types": list(self.entities.types),
                "countries": list(self.entities.countries),
            },
            "event": None if self.event is None else {
                "type": self.event.type,
                "target_role": self.event.target_role,
                "status": list(self.event.status),
                "target": list(self.event.target),
            },
            "exclude": render(self.exclude_ast) if self.exclude_ast is not None else None,
            "threshold": self.threshold,
            "lead_sentences": self.lead_sentences,
        }


def _fingerprint(topic: Topic) -> str:
    blob = json.dumps(topic.definition(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


class TopicSet:
    """An immutable set of topics plus a combined fingerprint (changes iff any topic does)."""

    def __init__(self, topics):
        self.topics = tuple(topics)
        self.by_name = {t.name: t for t in self.topics}
        blob = "\n".join(f"{t.name}:{t.fingerprint}" for t in self.topics)
        self.fingerprint = hashlib.sha256(blob.encode()).hexdigest()[:16]

    def __iter__(self):
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def diff(self, old: "TopicSet | None") -> dict[str, list[str]]:
        """Topic names added, removed and changed relative to ``old`` (for reload logs)."""
        before = old.by_name if old is not None else {}
        return {
            "added": [n for n in self.by_name if n not in before],
            "removed": [n for n in before if n not in self.by_name],
            "changed": [
                n for n, t in self.by_name.items()
                if n in before and before[n].fingerprint != t.fingerprint
            ],
        }


# --- validation -----------------------------------------------------------------------
class _Checker(NodeChecker):
    """Collects errors while turning YAML nodes into Topics."""

    def string(self, node, what: str, required=True) -> str | None:
        val = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if val is UNREADABLE:
            return None
        if isinstance(val, str):
            val = val.strip().strip(_INVISIBLE).strip()
        if not isinstance(val, str) or (required and not val):
            self.error(node, f"{what} must be a non-empty string")
            return None
        if len(val) > MAX_STRING_CHARS:
            self.error(node, f"{what} is too long ({len(val)} characters, at most {MAX_STRING_CHARS})")
            return None
        return val

    def string_list(self, node, what: str) -> tuple[str, ...] | None:
        """A string or a list of strings."""
        if isinstance(node, yaml.ScalarNode):
            s = self.string(node, what)
            return None if s is None else (s,)
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(node, f"{what} must be a string or a non-empty list of strings")
            return None
        out = []
        for item in node.value:
            s = self.string(item, f"{what} item")
            if s is not None:
                out.append(s)
        return tuple(out) if len(out) == len(node.value) else None

    def query(self, node, what: str):
        text = self.string(node, what)
        if text is None:
            return None, None
        try:
            return text, parse_query(text)
        except QueryError as e:
            self.error(node, f"{what}: {e}")
            return None, None

    def topic(self, node, seen: dict) -> Topic | None:
        fields = self.mapping(node, _TOPIC_KEYS, "topic")
        if fields is None:
            return None
        n_errors = len(self.errors)
        label = "topic"
        name = None
        if "name" not in fields:
            self.error(node, "topic: missing required key 'name'")
        else:
            name = self.string(fields["name"][1], "name")
            if name is not None:
                label = f"topic {name!r}"
                if not _SLUG_RE.match(name):
                    self.error(fields["name"][1],
                               f"{label}: name must be a slug (lower-case words joined by '-')")
                elif name in seen:
                    self.error(fields["name"][1],
                               f"{label}: duplicate name (first defined on line {seen[name]})")
                else:
                    seen[name] = fields["name"][1].start_mark.line + 1
        for key in ("title", "version"):
            if key not in fields:
                self.error(node, f"{label}: missing required key {key!r}")
        title = self.string(fields["title"][1], f"{label}: title") if "title" in fields else None
        version = None
        if "version" in fields:
            v = self.value(fields["version"][1])
            if v is UNREADABLE:
                pass
            elif isinstance(v, bool) or not isinstance(v, int) or v < 1:
                self.error(fields["version"][1], f"{label}: version must be an integer >= 1")
            else:
                version = v
        description = ""
        if "description" in fields:
            description = self.string(fields["description"][1], f"{label}: description", required=False) or ""
        query = query_ast = exclude = exclude_ast = None
        if "query" in fields:
            query, query_ast = self.query(fields["query"][1], f"{label}: query")
        if "exclude" in fields:
            exclude, exclude_ast = self.query(fields["exclude"][1], f"{label}: exclude")
        entities = self.entities(fields["entities"][1], label) if "entities" in fields else None
        event = self.event(fields["event"][1], label) if "event" in fields else None
        threshold = DEFAULT_THRESHOLD
        if "threshold" in fields:
            t = self.value(fields["threshold"][1])
            if t is UNREADABLE:
                pass
            elif isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
                self.error(fields["threshold"][1], f"{label}: threshold must be a number in (0, 1]")
            else:
                threshold = float(t)
        lead = DEFAULT_LEAD_SENTENCES
        if "lead_sentences" in fields:
            n = self.value(fields["lead_sentences"][1])
            if n is UNREADABLE:
                pass
            elif isinstance(n, bool) or not isinstance(n, int) or n < 1:
                self.error(fields["lead_sentences"][1], f"{label}: lead_sentences must be an integer >= 1")
            else:
                lead = n
        if not any(k in fields for k in ("query", "entities", "event")):
            self.error(node, f"{label}: needs at least one of query, entities, event")
        if len(self.errors) > n_errors:
            return None
        assert name is not None and title is not None and version is not None  # else an error above
        topic = Topic(
            name=name, title=title, version=version, description=description,
            query=query, entities=entities, event=event, exclude=exclude,
            threshold=threshold, lead_sentences=lead, source=self.source,
            line=node.start_mark.line + 1, query_ast=query_ast, exclude_ast=exclude_ast,
        )
        object.__setattr__(topic, "fingerprint", _fingerprint(topic))
        return topic

    def entities(self, node, label: str) -> EntityCondition | None:
        fields = self.mapping(node, _ENTITY_KEYS, f"{label}: entities")
        if fields is None:
            return None
        if not fields:
            self.error(node, f"{label}: entities needs at least one of any, types, countries")
            return None
        got = {k: self.string_list(v, f"{label}: entities.{k}") for k, (_, v) in fields.items()}
        vals = {k: v for k, v in got.items() if v is not None}
        if len(vals) < len(got):
            return None
        if "types" in vals:
            vals["types"] = tuple(t.upper() for t in vals["types"])
        return EntityCondition(**vals)

    def event(self, node, label: str) -> EventCondition | None:
        fields = self.mapping(node, _EVENT_KEYS, f"{label}: event")
        if fields is None:
            return None
        ok = True
        if "type" not in fields:
            self.error(node, f"{label}: event needs a 'type' (e.g. arrest)")
            ok = False
        etype = self.string(fields["type"][1], f"{label}: event.type") if "type" in fields else None
        role = None
        if "target_role" in fields:
            role = self.string(fields["target_role"][1], f"{label}: event.target_role")
            ok = ok and role is not None
        status: tuple[str, ...] | None = ("reported",)
        if "status" in fields:
            status = self.string_list(fields["status"][1], f"{label}: event.status")
            bad = [s for s in status or () if s not in EVENT_STATUSES]
            if bad:
                self.error(fields["status"][1],
                           f"{label}: event.status: unknown status {', '.join(map(repr, bad))}; "
                           f"allowed: {', '.join(EVENT_STATUSES)}")
                ok = False
        target: tuple[str, ...] | None = ()
        if "target" in fields:
            target = self.string_list(fields["target"][1], f"{label}: event.target")
        if not ok or etype is None or status is None or target is None:
            return None
        return EventCondition(type=etype.lower(), target_role=role.lower() if role else None,
                              status=tuple(status), target=target)


def parse_topics(text: str, source: str = "<string>") -> list[Topic]:
    """Parse and validate a topics document; raises ``TopicFileError`` listing every
    error, and nothing else, whatever the text."""
    if len(text) > MAX_FILE_BYTES:
        raise TopicFileError([TopicError(source, 1, f"file too large ({len(text)} characters, "
                                                    f"at most {MAX_FILE_BYTES}): split it")])
    try:
        return _parse_topics(text, source)
    except TopicFileError:
        raise
    except yaml.YAMLError as e:  # e.g. a reader error (control character): has a mark
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        position = getattr(e, "position", None)  # a ReaderError has a character position
        line = (mark.line + 1 if mark is not None
                else text.count("\n", 0, position) + 1 if isinstance(position, int) else 1)
        reason = getattr(e, "problem", None) or getattr(e, "reason", None) or str(e)
        if isinstance(getattr(e, "character", None), int) and isinstance(position, int):
            reason += f" (character U+{ord(text[position]) if position < len(text) else 0:04X})"
        raise TopicFileError([TopicError(source, line, f"invalid YAML: {reason}")]) from None
    except RecursionError:
        raise TopicFileError([TopicError(source, 1, "invalid YAML: nested too deeply")]) from None
    except (ValueError, TypeError, OverflowError) as e:  # safety net: no edit may crash a reload
        raise TopicFileError([TopicError(source, 1, f"cannot read the file: {e}")]) from None


def _parse_topics(text: str, source: str) -> list[Topic]:
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else 1
            raise TopicFileError([TopicError(source, line, f"invalid YAML: {e.problem or e}")]) from None
        checker = _Checker(source, loader)
        if root is None:
            raise TopicFileError([TopicError(source, 1, "empty file: expected a list of topics")])
        items = root
        if isinstance(root, yaml.MappingNode):
            fields = checker.mapping(root, ("topics",), "file")
            if fields is not None and "topics" not in fields:
                checker.error(root, "file: missing 'topics' list")
            items = fields["topics"][1] if fields and "topics" in fields else None
        topics: list[Topic] = []
        if items is not None:
            if not isinstance(items, yaml.SequenceNode):
                checker.error(items, "topics must be a list")
            elif len(items.value) > MAX_TOPICS:
                checker.error(items, f"too many topics ({len(items.value)}, at most {MAX_TOPICS})")
            else:
                seen: dict[str, int] = {}
                for node in items.value:
                    t = checker.topic(node, seen)
                    if t is not None:
                        topics.append(t)
        if checker.errors:
            raise TopicFileError(checker.errors)
        return topics
    finally:
        loader.dispose()


def decode_topics(data: bytes, source: str) -> str:
    """The file's text; ``TopicFileError`` with the line of the first byte that is not
    UTF-8 (a Latin-1 "é" in a comment used to crash the reload)."""
    if len(data) > MAX_FILE_BYTES:
        raise TopicFileError([TopicError(source, 1, f"file too large ({len(data)} bytes, "
                                                    f"at most {MAX_FILE_BYTES}): split it")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise TopicFileError([TopicError(
            source, line, f"not valid UTF-8 (byte 0x{data[e.start]:02x} at column {column}): "
                          "save the file as UTF-8")]) from None


def load_topics(path) -> list[Topic]:
    path = Path(path)
    try:
        data = _read_capped(path)
    except OSError as e:
        raise TopicFileError([TopicError(str(path), 0, f"cannot read: {e.strerror or e}")]) from None
    return parse_topics(decode_topics(data, str(path)), source=str(path))


def _read_capped(path: Path) -> bytes:
    """At most MAX_FILE_BYTES + 1 bytes: enough to tell that a file is too large."""
    with open(path, "rb") as f:
        return f.read(MAX_FILE_BYTES + 1)


def topics_from_dicts(items: list[dict], source: str = "<dict>") -> list[Topic]:
    """Build topics from plain dicts through the same validation (for code and tests)."""
    return parse_topics(yaml.dump(list(items), Dumper=_Dumper, allow_unicode=True, sort_keys=False), source)


def topic_from_dict(data: dict, source: str = "<dict>") -> Topic:
    return topics_from_dicts([data], source)[0]


class TopicFileWatcher:
    """Stat-based hot reload. ``poll()`` returns a new ``TopicSet`` when the file's
    content changed since the last poll (the first poll always returns one), else None.

    A file that fails validation (or cannot be read) raises ``TopicFileError`` once
    per version of the file; later polls of the same bad file return None, so the
    caller logs it once and keeps its current set. The next edit is picked up as usual.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.current: TopicSet | None = None
        self._stat: tuple | str | None = None  # (mtime, size, inode), or "error" once reported
        self._digest: str | None = None

    def poll(self) -> TopicSet | None:
        source = str(self.path)
        try:
            st = os.stat(self.path)
            key = (st.st_mtime_ns, st.st_size, st.st_ino)
            if key == self._stat:
                return None
            data = _read_capped(self.path)
        except OSError as e:
            if self._stat == "error":  # reported already
                return None
            self._stat, self._digest = "error", None
            raise TopicFileError([TopicError(source, 0, f"cannot read: {e.strerror or e}")]) from None
        self._stat = key
        digest = hashlib.sha256(data).hexdigest()
        if digest == self._digest:  # touched, not changed (or the same bad version)
            return None
        self._digest = digest
        topics = TopicSet(parse_topics(decode_topics(data, source), source=source))
        if self.current is not None and topics.fingerprint == self.current.fingerprint:
            return None  # e.g. only comments changed
        self.current = topics
        return topics
