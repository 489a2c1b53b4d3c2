"""Delivery configuration (``config/delivery.yaml``): who gets which topic's alerts, and when.

File format::

    timezone: Europe/Paris            # default for every rule (IANA name), default UTC
    rules:
      - name: newsroom                # unique slug
        topics: [arrests-of-opposition-leaders]   # or ["*"] for every topic
        recipients: [desk@example.org]            # omitted: WIREWATCH_ALERT_RECIPIENTS
        mode: immediate               # immediate (default) | digest
        cap_per_hour: 10              # per recipient; above it, mail rolls into the next digest
        overflow_every_minutes: 60    # the digest used for overflow of an immediate rule
        quiet_hours: {start: "22:00", end: "07:00"}   # local time; deliveries wait until the end
        snooze_until: 2026-12-01T08:00:00+01:00       # deliveries wait until then
        mute_until: 2026-12-24T00:00:00+01:00         # deliveries planned before then are dropped
      - name: analysts
        topics: ["*"]
        recipients: [analysts@example.org]
        mode: digest
        every_minutes: 60             # digest slots on a grid from local midnight, or:
        # daily_at: "08:00"           # one digest a day at this local time
        timezone: Asia/Phnom_Penh

Errors are reported all at once, each as ``file:line: reason`` (like the topics file).
A recipient listed by several rules for the same topic gets one delivery, from the
first rule that lists it.

Which file is read is decided once, by ``Settings.delivery_rules_file()`` (wirewatch/settings.py),
and handed to ``DeliveryRulesSource`` by the composition root. When (and how) a delivery
goes out under a rule is consumers/alerting/delivery_schedule.py.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime, time
from email.utils import parseaddr
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from consumers.config_errors import ConfigFileError, LocatedError, NodeChecker

log = logging.getLogger(__name__)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_RULE_KEYS = ("name", "topics", "recipients", "mode", "every_minutes", "daily_at", "timezone",
              "cap_per_hour", "overflow_every_minutes", "quiet_hours", "snooze_until", "mute_until")
MODES = ("immediate", "digest")
DEFAULT_RULE = "default"


RuleError = LocatedError


class DeliveryFileError(ConfigFileError):
    what = "delivery rules"


@dataclass(frozen=True)
class DeliveryRule:
    name: str
    topics: tuple[str, ...] = ("*",)
    recipients: tuple[str, ...] = ()  # empty: the default recipients
    mode: str = "immediate"
    every_minutes: int | None = None
    daily_at: time | None = None
    timezone: str = "UTC"
    cap_per_hour: int | None = None
    overflow_every_minutes: int = 60
    quiet_hours: tuple[time, time] | None = None
    snooze_until: datetime | None = None
    mute_until: datetime | None = None
    line: int = 0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def applies_to(self, topic: str) -> bool:
        return "*" in self.topics or topic in self.topics


@dataclass(frozen=True)
class DeliveryConfig:
    rules: tuple[DeliveryRule, ...] = ()
    default_recipients: tuple[str, ...] = ()
    source: str = "<none>"

    def rule(self, name: str) -> DeliveryRule:
        for r in self.rules:
            if r.name == name:
                return r
        return DeliveryRule(DEFAULT_RULE)  # a rule removed since: immediate, no limits

    def recipients_for(self, topic: str) -> list[tuple[str, str]]:
        """[(rule name, recipient)] for a topic, each recipient once (first rule wins)."""
        out, seen = [], set()
        rules = self.rules or (DeliveryRule(DEFAULT_RULE),)
        for r in rules:
            if not r.applies_to(topic):
                continue
            for rcpt in r.recipients or self.default_recipients:
                key = rcpt.lower()
                if key not in seen:
                    seen.add(key)
                    out.append((r.name, rcpt))
        return out


def valid_address(addr: str) -> bool:
    if not isinstance(addr, str) or any(c in addr for c in "\r\n\t\x00,;<>\"() "):
        return False
    name, email = parseaddr(addr)
    return bool(email) and email == addr and re.fullmatch(r"[^@\s]+@[^@\s]+", addr) is not None


def parse_recipients(value: str) -> tuple[str, ...]:
    """WIREWATCH_ALERT_RECIPIENTS: comma-separated; invalid entries are dropped with a warning."""
    out = []
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        if valid_address(part):
            out.append(part)
        else:
            log.warning("ignoring invalid alert recipient %r", part)
    return tuple(out)


class _Checker(NodeChecker):
    def value(self, node):
        try:
            return super().value(node)
        except yaml.YAMLError as exc:
            self.error(node, f"unreadable value: {exc}")
            return None

    def strings(self, node, what) -> tuple[str, ...] | None:
        if isinstance(node, yaml.ScalarNode):
            node = yaml.SequenceNode("tag:yaml.org,2002:seq", [node], node.start_mark, node.end_mark)
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(node, f"{what}: expected a non-empty list of strings")
            return None
        out = []
        for n in node.value:
            v = self.value(n) if isinstance(n, yaml.ScalarNode) else None
            if not isinstance(v, str) or not v.strip():
                self.error(n, f"{what}: expected a string")
                return None
            out.append(v.strip())
        return tuple(out)

    def positive_int(self, node, what) -> int | None:
        v = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            self.error(node, f"{what}: expected a positive integer")
            return None
        return v

    def hhmm(self, node, what) -> time | None:
        v = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(v, int) and not isinstance(v, bool):  # YAML 1.1 reads 08:00 unquoted as 480
            v = f"{v // 60:02d}:{v % 60:02d}"
        m = _HHMM.match(v) if isinstance(v, str) else None
        if not m:
            self.error(node, f"{what}: expected a time of day like \"08:00\"")
            return None
        return time(int(m.group(1)), int(m.group(2)))

    def instant(self, node, what) -> datetime | None:
        v = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(v, str):
            try:
                v = datetime.fromisoformat(v)
            except ValueError:
                v = None
        if not isinstance(v, datetime):
            self.error(node, f"{what}: expected a date-time like 2026-12-01T08:00:00+01:00")
            return None
        if v.tzinfo is None:
            self.error(node, f"{what}: give a UTC offset (e.g. +01:00) so the instant is unambiguous")
            return None
        return v

    def zone(self, node, what) -> str | None:
        v = self.value(node) if isinstance(node, yaml.ScalarNode) else None
        try:
            if not isinstance(v, str):
                raise TypeError(v)
            ZoneInfo(v)
            return v
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            self.error(node, f"{what}: unknown time zone {v!r} (use an IANA name like Europe/Paris)")
            return None

    def rule(self, node, default_tz: str, seen: dict) -> DeliveryRule | None:
        fields = self.mapping(node, _RULE_KEYS, "rule")
        if fields is None:
            return None
        n_errors = len(self.errors)
        label = "rule"
        name = None
        if "name" not in fields:
            self.error(node, "rule: missing 'name'")
        else:
            name = self.value(fields["name"][1])
            if not isinstance(name, str) or not _SLUG.match(name):
                self.error(fields["name"][1], f"rule: name {name!r} must be a slug (a-z, 0-9, - or _)")
            elif name in seen:
                self.error(fields["name"][1], f"rule {name}: duplicate name (first defined on line {seen[name]})")
            else:
                seen[name] = node.start_mark.line + 1
            label = f"rule {name}"
        kw: dict = {}
        if "topics" in fields:
            kw["topics"] = self.strings(fields["topics"][1], f"{label}: topics")
        else:
            self.error(node, f"{label}: missing 'topics' (a list of topic names, or [\"*\"])")
        if "recipients" in fields:
            rcpts = self.strings(fields["recipients"][1], f"{label}: recipients")
            node_of = fields["recipients"][1]
            for i, r in enumerate(rcpts or ()):
                if not valid_address(r):
                    where = node_of.value[i] if isinstance(node_of, yaml.SequenceNode) else node_of
                    self.error(where, f"{label}: invalid email address {r!r}")
            kw["recipients"] = rcpts
        mode = "immediate"
        if "mode" in fields:
            mode = self.value(fields["mode"][1])
            if mode not in MODES:
                self.error(fields["mode"][1], f"{label}: mode must be one of {', '.join(MODES)}, not {mode!r}")
        kw["mode"] = mode
        if "every_minutes" in fields:
            kw["every_minutes"] = self.positive_int(fields["every_minutes"][1], f"{label}: every_minutes")
        if "daily_at" in fields:
            kw["daily_at"] = self.hhmm(fields["daily_at"][1], f"{label}: daily_at")
        if "every_minutes" in fields and "daily_at" in fields:
            self.error(fields["daily_at"][0], f"{label}: give every_minutes or daily_at, not both")
        if mode == "digest" and "every_minutes" not in fields and "daily_at" not in fields:
            self.error(node, f"{label}: a digest needs every_minutes or daily_at")
        kw["timezone"] = self.zone(fields["timezone"][1], f"{label}: timezone") if "timezone" in fields else default_tz
        if "cap_per_hour" in fields:
            kw["cap_per_hour"] = self.positive_int(fields["cap_per_hour"][1], f"{label}: cap_per_hour")
        if "overflow_every_minutes" in fields:
            kw["overflow_every_minutes"] = self.positive_int(fields["overflow_every_minutes"][1],
                                                             f"{label}: overflow_every_minutes")
        if "quiet_hours" in fields:
            q = self.mapping(fields["quiet_hours"][1], ("start", "end"), f"{label}: quiet_hours")
            if q is not None:
                if "start" not in q or "end" not in q:
                    self.error(fields["quiet_hours"][1], f"{label}: quiet_hours needs start and end")
                else:
                    start = self.hhmm(q["start"][1], f"{label}: quiet_hours.start")
                    end = self.hhmm(q["end"][1], f"{label}: quiet_hours.end")
                    if start is not None and end is not None:
                        if start == end:
                            self.error(q["end"][1], f"{label}: quiet_hours start and end are equal")
                        kw["quiet_hours"] = (start, end)
        for key in ("snooze_until", "mute_until"):
            if key in fields:
                kw[key] = self.instant(fields[key][1], f"{label}: {key}")
        if len(self.errors) > n_errors or name is None:
            return None
        return DeliveryRule(name=name, line=node.start_mark.line + 1,
                            **{k: v for k, v in kw.items() if v is not None})


def parse_delivery(text: str, source: str = "<string>", default_recipients=()) -> DeliveryConfig:
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            raise DeliveryFileError([RuleError(source, mark.line + 1 if mark else 1,
                                               f"invalid YAML: {e.problem or e}")]) from None
        if root is None:
            return DeliveryConfig((), tuple(default_recipients), source)
        c = _Checker(source, loader)
        fields = c.mapping(root, ("timezone", "rules"), "file")
        rules: list[DeliveryRule] = []
        if fields is not None:
            tz = c.zone(fields["timezone"][1], "file: timezone") if "timezone" in fields else "UTC"
            if "rules" not in fields:
                c.error(root, "file: missing 'rules' list")
            elif not isinstance(fields["rules"][1], yaml.SequenceNode):
                c.error(fields["rules"][1], "rules must be a list")
            else:
                seen: dict = {}
                for node in fields["rules"][1].value:
                    r = c.rule(node, tz or "UTC", seen)
                    if r is not None:
                        rules.append(r)
        if c.errors:
            raise DeliveryFileError(c.errors)
        return DeliveryConfig(tuple(rules), tuple(default_recipients), source)
    finally:
        loader.dispose()


def load_delivery(path, default_recipients=()) -> DeliveryConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DeliveryConfig((), tuple(default_recipients), f"{path} (missing: default recipients only)")
    except OSError as e:
        raise DeliveryFileError([RuleError(str(path), 0, f"cannot read: {e.strerror or e}")]) from None
    return parse_delivery(text, str(path), default_recipients)


class DeliveryRulesSource:
    """Hot reload by stat, like the topics watcher. `current()` raises only if the FIRST load
    fails (refuse to run on a broken file); later a broken edit keeps the last good rules."""

    def __init__(self, path, default_recipients=()) -> None:
        self.path = Path(path)
        self.default_recipients = tuple(default_recipients)
        self._stat: tuple[int, int, int] | str | None = None  # "fixed": never reloaded
        self._config: DeliveryConfig | None = None

    @classmethod
    def fixed(cls, config: DeliveryConfig) -> "DeliveryRulesSource":
        src = cls(os.devnull)
        src._config, src._stat = config, "fixed"
        return src

    def current(self) -> DeliveryConfig:
        if self._stat == "fixed" and self._config is not None:
            return self._config
        try:
            st = os.stat(self.path)
            key = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            key = None
        if self._config is not None and key == self._stat:
            return self._config
        try:
            config = load_delivery(self.path, self.default_recipients)
        except DeliveryFileError as exc:
            if self._config is None:
                raise
            log.error("delivery rules rejected, keeping the current ones:\n%s", exc)
            self._stat = key
            return self._config
        self._config, self._stat = config, key
        return config
