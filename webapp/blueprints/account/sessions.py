"""Server-side sessions: a sign-in creates a `user_session` row; the cookie carries only its
random secret (Flask-Login stores it as the "user id"). Sign Out deletes the row, so a copied
cookie is refused afterwards. Idle timeout and absolute lifetime are checked here, on the server.

Plain functions without flask.request; the caller commits.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import User, UserSession, UserStatus

# last_seen_at is written at most this often: one UPDATE a minute per session, not per request.
TOUCH_SECONDS = 60
# The row and its user in one statement, built once: this runs before every signed-in request.
_SESSION_AND_USER = (select(UserSession, User).join(User, User.id == UserSession.user_id)
                     .where(UserSession.id == bindparam("row_id")))


def _row_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(user: User, *, remote_addr: str | None, user_agent: str | None) -> str:
    """Add a session row for `user`; return the secret for the cookie (also set on the user)."""
    secret = secrets.token_urlsafe(32)
    now = utcnow_naive()
    db.session.add(UserSession(id=_row_id(secret), user_id=user.id, created_at=now, last_seen_at=now,
                               remote_addr=(remote_addr or "")[:45] or None,
                               user_agent=(user_agent or "")[:200] or None))
    user.session_secret = secret
    return secret


@dataclass(frozen=True)
class Loaded:
    user: User | None
    expired: bool = False  # the session existed but ran out (idle or absolute lifetime)


def load(secret: str | None, *, idle_minutes: int, max_hours: int, now: datetime | None = None,
         touch: bool = True) -> Loaded:
    """The active user of the session behind `secret`. An expired session row is deleted.
    `touch=False` (a page polling by itself) does not count as activity for the idle timeout."""
    if not secret or not isinstance(secret, str) or len(secret) > 100:
        return Loaded(None)
    found = db.session.execute(_SESSION_AND_USER, {"row_id": _row_id(secret)}).first()
    if found is None:
        return Loaded(None)
    row, user = found
    now = now or utcnow_naive()
    if now - row.last_seen_at > timedelta(minutes=idle_minutes) \
            or now - row.created_at > timedelta(hours=max_hours):
        db.session.delete(row)
        return Loaded(None, expired=True)
    if user.status is not UserStatus.ACTIVE:
        return Loaded(None)
    if touch and (now - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        row.last_seen_at = now
    user.session_secret = secret
    return Loaded(user)


def end(secret: str | None) -> None:
    """Sign Out: the row goes, so the cookie (and every copy of it) stops working."""
    if secret:
        db.session.execute(delete(UserSession).where(UserSession.id == _row_id(secret)))


def end_all(user: User) -> int:
    """End every session of `user` (access withdrawn, account disabled)."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return result.rowcount or 0


def end_others(user: User, keep_secret: str | None) -> int:
    """End every session of `user` but the one behind `keep_secret` (e.g. after a password change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_secret:
        query = query.where(UserSession.id != _row_id(keep_secret))
    return db.session.execute(query).rowcount or 0


@dataclass(frozen=True)
class SessionView:
    created_at: datetime
    last_seen_at: datetime
    remote_addr: str | None
    user_agent: str | None
    current: bool


def active_sessions(user: User, current_secret: str | None, *, idle_minutes: int, max_hours: int,
                    now: datetime | None = None) -> list[SessionView]:
    """The user's sessions that are still valid, the current one first."""
    now = now or utcnow_naive()
    current_id = _row_id(current_secret) if current_secret else None
    rows = db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id,
        UserSession.last_seen_at >= now - timedelta(minutes=idle_minutes),
        UserSession.created_at >= now - timedelta(hours=max_hours),
    ).order_by(UserSession.last_seen_at.desc()))
    views = [SessionView(r.created_at, r.last_seen_at, r.remote_addr, r.user_agent, r.id == current_id)
             for r in rows]
    return sorted(views, key=lambda v: not v.current)


def purge_expired(*, idle_minutes: int, max_hours: int, now: datetime | None = None) -> int:
    now = now or utcnow_naive()
    result = db.session.execute(delete(UserSession).where(
        (UserSession.last_seen_at < now - timedelta(minutes=idle_minutes))
        | (UserSession.created_at < now - timedelta(hours=max_hours))))
    return result.rowcount or 0
