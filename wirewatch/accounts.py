"""Console accounts and browser sessions: `wirewatch users` and the web console share these.

Passwords are stored as Argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory
profile). A session cookie carries a random token; the database keeps only its SHA-256.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ROLES = ("viewer", "analyst")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 takes any length; this only bounds the work one request can ask for
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")


class AccountError(ValueError):
    """A refused account change, worded for the person at the terminal."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def can_write(self) -> bool:
        return self.role == "analyst"


@dataclass(frozen=True)
class SessionInfo:
    user: User
    csrf_token: str
    expires_at: datetime


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so that a wrong name costs as long as
    a wrong password and the timing does not tell which names exist."""
    return _hasher().hash(secrets.token_hex(16))


def check_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise AccountError(f"invalid user name {username!r}: use 1-64 lower-case letters, digits and . _ @ -, "
                           "starting with a letter or digit")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long: at most {MAX_PASSWORD} characters")


def add_user(engine: Engine, username: str, password: str, role: str) -> User:
    from sqlalchemy import insert, select

    from schemas.tables import ConsoleUser

    name = check_username(username)
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    check_password(password)
    digest = _hasher().hash(password)
    with engine.begin() as conn:
        if conn.execute(select(ConsoleUser.id).where(ConsoleUser.username == name)).first() is not None:
            raise AccountError(f"user {name!r} exists already: `wirewatch users remove {name}` first")
        uid = conn.execute(insert(ConsoleUser).values(username=name, password_hash=digest, role=role)
                           .returning(ConsoleUser.id)).scalar_one()
    return User(uid, name, role)


def remove_user(engine: Engine, username: str) -> bool:
    """Remove the account and end its sessions; False when there is no such user."""
    from sqlalchemy import delete

    from schemas.tables import ConsoleUser

    with engine.begin() as conn:
        return conn.execute(delete(ConsoleUser).where(ConsoleUser.username == username.strip().lower())).rowcount > 0


def list_users(engine: Engine) -> list[dict]:
    from sqlalchemy import func, select

    from schemas.tables import ConsoleSession, ConsoleUser

    now = datetime.now(timezone.utc)
    live = (select(func.count()).where(ConsoleSession.user_id == ConsoleUser.id, ConsoleSession.expires_at > now)
            .correlate(ConsoleUser).scalar_subquery())
    stmt = select(ConsoleUser.username, ConsoleUser.role, ConsoleUser.created_at, live.label("sessions")) \
        .order_by(ConsoleUser.username)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    from argon2.exceptions import InvalidHashError, VerificationError
    from sqlalchemy import select, update

    from schemas.tables import ConsoleUser

    hasher = _hasher()
    if len(password) > MAX_PASSWORD:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(ConsoleUser.id, ConsoleUser.username, ConsoleUser.role, ConsoleUser.password_hash)
                           .where(ConsoleUser.username == username.strip().lower()[:64])).first()
    if row is None:
        try:
            hasher.verify(_dummy_hash(), password)
        except VerificationError:
            pass
        return None
    try:
        hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(row.password_hash):  # parameters raised since the hash was made
        with engine.begin() as conn:
            conn.execute(update(ConsoleUser).where(ConsoleUser.id == row.id)
                         .values(password_hash=hasher.hash(password)))
    return User(row.id, row.username, row.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(engine: Engine, user: User, minutes: int) -> tuple[str, SessionInfo]:
    """A new session for ``user``: (the cookie's token, its info). Expired sessions are swept here."""
    from sqlalchemy import delete, insert

    from schemas.tables import ConsoleSession

    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    expires = now + timedelta(minutes=minutes)
    with engine.begin() as conn:
        conn.execute(delete(ConsoleSession).where(ConsoleSession.expires_at <= now))
        conn.execute(insert(ConsoleSession).values(token_hash=_token_hash(token), user_id=user.id,
                                                   csrf_token=csrf, expires_at=expires))
    return token, SessionInfo(user, csrf, expires)


def session_for(engine: Engine, token: str | None) -> SessionInfo | None:
    """The live session of a cookie token, or None (unknown, expired, or its user removed)."""
    from sqlalchemy import select

    from schemas.tables import ConsoleSession, ConsoleUser

    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = conn.execute(
            select(ConsoleUser.id, ConsoleUser.username, ConsoleUser.role, ConsoleSession.csrf_token,
                   ConsoleSession.expires_at)
            .join(ConsoleUser, ConsoleUser.id == ConsoleSession.user_id)
            .where(ConsoleSession.token_hash == _token_hash(token),
                   ConsoleSession.expires_at > datetime.now(timezone.utc))).first()
    if row is None:
        return None
    return SessionInfo(User(row.id, row.username, row.role), row.csrf_token, row.expires_at)


def close_session(engine: Engine, token: str | None) -> None:
    from sqlalchemy import delete

    from schemas.tables import ConsoleSession

    if token:
        with engine.begin() as conn:
            conn.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))
