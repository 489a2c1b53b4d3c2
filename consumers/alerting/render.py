"""Render alert emails (single alerts and digests) with Jinja2 package templates.

The HTML environment autoescapes everything; matched words are highlighted by
splitting the evidence into segments, so no markup is ever built from input text.
Links are only made for http(s) URLs. Single-line fields (headlines, names) have their
control characters replaced before rendering.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from consumers.alerting.mail import Rendered, clean_header, clean_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class EvidenceView:
    item_id: str
    sentence: str
    terms: tuple[str, ...] = ()
    source: str = ""
    url: str | None = None
    headline: str | None = None
    published_at: datetime | None = None
    stage: str | None = None


@dataclass(frozen=True)
class AlertView:
    id: int
    topic: str
    topic_title: str
    topic_version: int
    rule: str
    target: str | None
    event: str | None = None
    action: str | None = None
    stage: str | None = None
    target_role: str | None = None
    country: str | None = None
    place: str | None = None
    why: str | None = None
    escalation: int = 0
    escalation_reason: str | None = None
    evidence: tuple[EvidenceView, ...] = ()
    source_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    delivery_rule: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def headline(self) -> str | None:
        return self.evidence[0].headline if self.evidence else None

    @property
    def label(self) -> str:
        """'Kem Sokha (Cambodia)': the target (else the headline) and where."""
        who = clean_line(self.target or self.headline or self.topic_title, 120)
        where = clean_line(self.country or self.place or "", 60)
        return f"{who} ({where})" if where else who


def highlight(sentence: str, terms) -> list[tuple[str, bool]]:
    """Split `sentence` into (text, is_match) segments; longest terms win, case-insensitive."""
    words = sorted({t.strip() for t in terms if t and len(t.strip()) >= 2}, key=len, reverse=True)
    if not words or not sentence:
        return [(sentence or "", False)]
    pattern = re.compile("|".join(r"(?<!\w)" + re.escape(w) + r"(?!\w)" for w in words), re.I)
    out, pos = [], 0
    for m in pattern.finditer(sentence):
        if m.start() > pos:
            out.append((sentence[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(sentence):
        out.append((sentence[pos:], False))
    return out


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^\s<>\"'\x00-\x1f]+$", url, re.I):
        return None
    return url


def _fmt_time(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC") if t else "-"


def _env(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=autoescape,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["when"] = _fmt_time
    env.filters["line"] = clean_line
    env.globals["highlight"] = highlight
    env.globals["safe_url"] = safe_url
    return env


_HTML = _env(True)
_TEXT = _env(False)


def alert_subject(alert: AlertView) -> str:
    title = clean_header(alert.topic_title, 100)
    if alert.escalation:
        return f"[wirewatch] Update: {title}: {alert.label} \u2014 now {alert.stage}"
    return f"[wirewatch] {title}: {alert.label}"


def digest_subject(alerts: list[AlertView]) -> str:
    topics = sorted({clean_header(a.topic_title, 60) for a in alerts})
    n = len(alerts)
    shown = ", ".join(topics[:3]) + (", ..." if len(topics) > 3 else "")
    return f"[wirewatch] Digest: {n} alert{'s' if n != 1 else ''} \u2014 {shown}"


def group_by_topic(alerts: list[AlertView]) -> list[tuple[str, list[AlertView]]]:
    groups: dict[str, list[AlertView]] = {}
    for a in sorted(alerts, key=lambda a: (a.topic_title.lower(), a.last_seen or datetime.min, a.id)):
        groups.setdefault(a.topic_title, []).append(a)
    return list(groups.items())


def render_alert(alert: AlertView, recipient: str) -> Rendered:
    ctx = {"alert": alert, "recipient": recipient}
    return Rendered(clean_header(alert_subject(alert), 250),
                    _TEXT.get_template("alert.txt.j2").render(ctx),
                    _HTML.get_template("alert.html.j2").render(ctx))


def render_digest(alerts: list[AlertView], recipient: str, slot: datetime | None = None) -> Rendered:
    ctx = {"groups": group_by_topic(alerts), "count": len(alerts), "recipient": recipient, "slot": slot}
    return Rendered(clean_header(digest_subject(alerts), 250),
                    _TEXT.get_template("digest.txt.j2").render(ctx),
                    _HTML.get_template("digest.html.j2").render(ctx))
