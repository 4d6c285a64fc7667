"""A small database-backed rate limiter (fixed windows), shared by every public form.

    from webapp import ratelimit
    retry_after = ratelimit.hit(f"register:addr:{request.remote_addr}", limit=20, window_seconds=3600)
    if retry_after is not None:
        ...  # refuse: "Try again in {ratelimit.minutes(retry_after)} minutes."

`hit()` counts one attempt for `key` and returns None while the key has made at most `limit`
attempts in the current window, or the seconds until the window ends once it is over the limit.
The count is one atomic UPDATE ... RETURNING, so parallel requests never lose an update (20
parallel attempts count 20). It commits its own small transaction (so a refused request still
counts and a rollback of the caller's work does not undo the count). Counters live in the
`rate_limit_hit` table, so they hold across processes and restarts. Keys are free text: use
"<form>:<kind>:<value>", never PHI.
"""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import case, delete
from sqlalchemy.dialects import postgresql, sqlite

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import RateLimitHit


def insert_ignore(model, **values) -> None:
    """INSERT a row unless one with the same primary key exists (SQLite and PostgreSQL alike)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


def hit(key: str, limit: int, window_seconds: int) -> int | None:
    """Count an attempt; None if allowed, else seconds to wait before the next one is allowed."""
    now = utcnow_naive()
    key = key[:200]
    window_start, count = db.session.execute(_count_attempt(key, now, window_seconds)).one()
    db.session.commit()
    if count <= limit:
        return None
    ends = window_start + timedelta(seconds=window_seconds)
    return max(1, math.ceil((ends - now).total_seconds()))


def _count_attempt(key: str, now, window_seconds: int):
    """One atomic statement (INSERT ... ON CONFLICT DO UPDATE, on SQLite and PostgreSQL alike), so
    concurrent attempts on one key are all counted: no lost update, no duplicate-key error."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = RateLimitHit.__table__
    expired = table.c.window_start <= now - timedelta(seconds=window_seconds)
    statement = dialect.insert(table).values(key=key, window_start=now, count=1)
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"window_start": case((expired, now), else_=table.c.window_start),
              "count": case((expired, 1), else_=table.c.count + 1)},
    ).returning(table.c.window_start, table.c.count)


def peek(key: str, limit: int, window_seconds: int) -> int | None:
    """Like hit() but without counting: is `key` currently refused?"""
    row = db.session.get(RateLimitHit, key[:200], populate_existing=True)
    if row is None:
        return None
    now = utcnow_naive()
    elapsed = (now - row.window_start).total_seconds()
    if elapsed >= window_seconds or row.count < limit:
        return None
    return max(1, math.ceil(window_seconds - elapsed))


def reset(key: str) -> None:
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key[:200]))
    db.session.commit()


def minutes(retry_after_seconds: int) -> int:
    """Whole minutes to show the user ("try again in N minutes"), at least 1."""
    return max(1, math.ceil(retry_after_seconds / 60))


def purge_old(older_than_seconds: int = 86400) -> int:
    """Drop counters whose window started long ago (housekeeping)."""
    cutoff = utcnow_naive() - timedelta(seconds=older_than_seconds)
    result = db.session.execute(delete(RateLimitHit).where(RateLimitHit.window_start < cutoff))
    return result.rowcount or 0


__all__ = ["hit", "insert_ignore", "peek", "reset", "minutes", "purge_old"]
