"""smtplib adapter behind the `Mailer` port (consumers/alerting/mail.py).

The SMTP dialogue is driven step by step so a failure can be classified by WHEN it
happened, which is what decides whether a retry could send a second copy:

* connect / EHLO / STARTTLS / AUTH / MAIL / RCPT / the DATA command / writing the
  message body: the server has not accepted anything (it only accepts after the final
  "." line) → `TransientMailError` (retry later), or `PermanentMailError` for a 5xx reply;
* after the final "." was written, waiting for the verdict: a timeout or disconnect
  means the server MAY have accepted the message → `UncertainMailError` (never retried
  automatically); a 4xx/5xx verdict means it did not → transient/permanent.

The password is read from a SecretStr only when logging in and never logged: errors
carry the server's reply codes, not the credentials.
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from consumers.alerting.mail import POLICY, PermanentMailError, TransientMailError, UncertainMailError

log = logging.getLogger(__name__)
SECURITY = ("none", "starttls", "ssl")


def _reply(code: int, resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {' '.join(text.split())[:200]}"


def _refused(step: str, code: int, resp) -> Exception:
    cls = PermanentMailError if 500 <= code < 600 else TransientMailError
    return cls(f"{step} refused: {_reply(code, resp)}")


class SmtpMailer:
    def __init__(self, host: str, port: int, *, security: str = "none", user: str = "",
                 password=None, timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None,
                 local_hostname: str | None = None) -> None:
        if security not in SECURITY:
            raise ValueError(f"smtp security must be one of {', '.join(SECURITY)}, not {security!r}")
        self.host, self.port, self.security = host, port, security
        self.user = user
        self._password = password  # SecretStr or str; never logged
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.local_hostname = local_hostname

    def __repr__(self) -> str:  # no password, ever
        return f"SmtpMailer({self.host}:{self.port}, security={self.security}, user={self.user or '-'})"

    def _secret(self) -> str:
        p = self._password
        return p.get_secret_value() if hasattr(p, "get_secret_value") else (p or "")

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    local_hostname=self.local_hostname, context=self._context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout, local_hostname=self.local_hostname)

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> None:
        where = f"{self.host}:{self.port}"
        try:
            conn = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientMailError(f"cannot connect to SMTP server {where}: {type(exc).__name__}: {exc}") from None
        try:
            self._envelope(conn, sender, recipients)
            self._data(conn, message)
        finally:
            try:
                conn.quit()
            except Exception:
                conn.close()

    def _envelope(self, conn: smtplib.SMTP, sender: str, recipients: Sequence[str]) -> None:
        try:
            code, resp = conn.ehlo()
            if not 200 <= code < 300:
                code, resp = conn.helo()
                if not 200 <= code < 300:
                    raise _refused("HELO", code, resp)
            if self.security == "starttls":
                code, resp = conn.starttls(context=self._context())
                if code != 220:
                    raise _refused("STARTTLS", code, resp)
                conn.ehlo()
            if self.user:
                try:
                    conn.login(self.user, self._secret())
                except smtplib.SMTPAuthenticationError as exc:
                    # Fixable by the operator; retried with backoff until max attempts.
                    raise TransientMailError(f"SMTP AUTH as {self.user!r} rejected: {exc.smtp_code}") from None
            code, resp = conn.mail(sender)
            if code != 250:
                raise _refused("MAIL FROM", code, resp)
            for rcpt in recipients:
                code, resp = conn.rcpt(rcpt)
                if code not in (250, 251):
                    raise _refused(f"RCPT TO {rcpt}", code, resp)
        except (TransientMailError, PermanentMailError):
            raise
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientMailError(f"SMTP dialogue failed before DATA: {type(exc).__name__}: {exc}") from None

    def _data(self, conn: smtplib.SMTP, message: EmailMessage) -> None:
        payload = message.as_bytes(policy=POLICY)
        payload = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", payload)
        payload = re.sub(rb"(?m)^\.", b"..", payload)
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        try:
            conn.putcmd("data")
            code, resp = conn.getreply()
            if code != 354:
                raise _refused("DATA", code, resp)
            conn.send(payload + b".\r\n")
        except (TransientMailError, PermanentMailError):
            raise
        except (OSError, smtplib.SMTPException) as exc:
            # No final "." reached the server: it cannot have accepted the message.
            raise TransientMailError(f"SMTP connection lost before the message was complete: "
                                     f"{type(exc).__name__}: {exc}") from None
        try:
            code, resp = conn.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            raise UncertainMailError(f"no reply after the message was sent ({type(exc).__name__}: {exc}); "
                                     "the server may have accepted it") from None
        if code != 250:
            raise _refused("message", code, resp)
