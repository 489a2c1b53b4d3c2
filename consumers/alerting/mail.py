"""Email building without I/O: header sanitising, Message-IDs, the Mailer port.

Header injection is stopped twice: `clean_header` turns every control character
(CR, LF, NUL, tab, Unicode line/paragraph separators, ...) into a space before a value
goes near a header, and the message uses `email.policy.SMTP`, whose header parsing
refuses values that still contain CR or LF.
"""
from __future__ import annotations

import email.policy
import email.utils
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Protocol

POLICY = email.policy.SMTP.clone(max_line_length=78)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
_DOMAIN = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")


def clean_header(value: object, max_len: int = 200) -> str:
    """One safe header line: control characters become spaces, runs of spaces collapse,
    and it is cut to `max_len` characters (with an ellipsis)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "\u2026"
    return text


def clean_line(value: object, max_len: int = 1000) -> str:
    """The same for single-line text in a body (headlines, names)."""
    return clean_header(value, max_len)


def mail_domain(address: str) -> str:
    domain = address.rpartition("@")[2].strip().strip(">").lower()
    return domain if _DOMAIN.match(domain or "") else "wirewatch.invalid"


def make_message_id(key: str, sender: str) -> str:
    """Deterministic Message-ID of one email: the same key always gives the same id."""
    digest = hashlib.sha256(f"message-id\x1f{key}".encode()).hexdigest()[:32]
    return f"<ww.{digest}@{mail_domain(sender)}>"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def build_email(rendered: Rendered, sender: str, recipient: str, message_id: str,
                extra_headers: dict[str, str] | None = None, date: datetime | None = None) -> EmailMessage:
    """A multipart/alternative (text + HTML) message with sanitised headers.

    `date` (RFC 5322 requires a Date) is when the notifier claimed it; the Message-ID is
    the delivery's deterministic id, so a retry has a newer Date and the same Message-ID."""
    if not message_id:
        raise ValueError("an alert email needs its Message-ID (make_message_id)")
    when = date or datetime.now(timezone.utc)
    msg = EmailMessage(policy=POLICY)
    msg["Date"] = email.utils.format_datetime(when if when.tzinfo else when.replace(tzinfo=timezone.utc))
    msg["From"] = clean_header(sender, 300)
    msg["To"] = clean_header(recipient, 300)
    msg["Subject"] = clean_header(rendered.subject, 250)
    msg["Message-ID"] = clean_header(message_id, 300)
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (extra_headers or {}).items():
        msg[clean_header(name, 60).replace(" ", "-").replace(":", "")] = clean_header(value, 300)
    msg.set_content(rendered.text, charset="utf-8", cte="quoted-printable")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


# --- the Mailer port ------------------------------------------------------------------

class MailError(Exception):
    """A send that did not succeed. Subclasses say what the notifier may do next."""


class TransientMailError(MailError):
    """Nothing was accepted (connection refused, 4xx before/at DATA): safe to retry later."""


class PermanentMailError(MailError):
    """The server refused for good (5xx to MAIL/RCPT/DATA): do not retry."""


class UncertainMailError(MailError):
    """The message was handed over but no verdict came back (timeout/disconnect after the
    final dot): the server may have accepted it. Never retried automatically."""


class Mailer(Protocol):
    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> None:
        """Deliver or raise a MailError subclass."""
