"""Sign-in throttle per login: after FREE_FAILURES consecutive failed attempts each further
attempt waits, doubling from 1 s up to 15 minutes. Known and unknown logins are keyed alike (a
hash of the login), so neither timing nor messages tell which accounts exist.

Every attempt for a login that is refused (wrong password, or any attempt during the wait, right
password included) counts in one atomic UPDATE ... RETURNING: 20 parallel attempts count 20.
Plain functions; they add to the caller's transaction (the caller commits).
"""
from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import SignInThrottle
from webapp.ratelimit import insert_ignore

FREE_FAILURES = 5
FIRST_WAIT_SECONDS = 1
MAX_WAIT_SECONDS = 15 * 60


def login_key(login: str) -> str:
    """The throttle key of a login: a hash, so the table holds no addresses."""
    return hashlib.sha256(f"sign-in:{(login or '').strip().casefold()}".encode()).hexdigest()


def wait_after(failures: int) -> int:
    """Seconds the next attempt must wait after `failures` consecutive failures (0: none)."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES))


def seconds_to_wait(key: str, now: datetime | None = None) -> int:
    """Seconds until this login may try again (0: now)."""
    now = now or utcnow_naive()
    row = db.session.get(SignInThrottle, key, populate_existing=True)
    if row is None or row.locked_until is None or row.locked_until <= now:
        return 0
    return max(1, math.ceil((row.locked_until - now).total_seconds()))


def record_failure(key: str, now: datetime | None = None) -> int:
    """Count one refused attempt; return the seconds the next attempt must wait (0: none)."""
    now = now or utcnow_naive()
    insert_ignore(SignInThrottle, key=key, failures=0)
    failures = db.session.execute(
        update(SignInThrottle).where(SignInThrottle.key == key)
        .values(failures=SignInThrottle.failures + 1, last_failure_at=now)
        .returning(SignInThrottle.failures)
        .execution_options(synchronize_session=False)).scalar_one()
    wait = wait_after(failures)
    if wait:
        until = now + timedelta(seconds=wait)
        # Parallel failures: keep the latest end of the wait, never shorten it.
        db.session.execute(
            update(SignInThrottle).where(SignInThrottle.key == key)
            .values(locked_until=case(
                ((SignInThrottle.locked_until.is_(None)) | (SignInThrottle.locked_until < until), until),
                else_=SignInThrottle.locked_until))
            .execution_options(synchronize_session=False))
    return wait


def failures(key: str) -> int:
    row = db.session.get(SignInThrottle, key, populate_existing=True)
    return row.failures if row else 0


def clear(key: str) -> None:
    """A successful sign-in ends the run of failures."""
    db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))


def wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
