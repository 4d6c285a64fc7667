"""Recovery grants: Forgot password's right to go on (stage "answer" after the emailed code,
stage "password" after the security answer too) lives on the server, single use, for
GRANT_MINUTES. The cookie carries only the grant's random secret; the table only its hash.
Plain functions; the caller commits."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import RecoveryGrant, User, UserStatus

GRANT_MINUTES = 10


def _row_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, stage: str) -> str:
    secret = secrets.token_urlsafe(32)
    now = utcnow_naive()
    db.session.add(RecoveryGrant(id=_row_id(secret), user_id=user.id, stage=stage, created_at=now,
                                 expires_at=now + timedelta(minutes=GRANT_MINUTES)))
    return secret


def holder(secret: str | None, stage: str) -> User | None:
    """The active user an unused, unexpired grant of `stage` belongs to; else None."""
    if not secret or not isinstance(secret, str) or len(secret) > 100:
        return None
    grant = db.session.scalar(select(RecoveryGrant).where(
        RecoveryGrant.id == _row_id(secret), RecoveryGrant.stage == stage,
        RecoveryGrant.used_at.is_(None), RecoveryGrant.expires_at > utcnow_naive()))
    user = db.session.get(User, grant.user_id) if grant else None
    return user if user is not None and user.status is UserStatus.ACTIVE else None


def consume(secret: str | None, stage: str) -> bool:
    """Use the grant up, atomically: of two parallel requests only one gets True."""
    if not secret or not isinstance(secret, str):
        return False
    now = utcnow_naive()
    result = db.session.execute(
        update(RecoveryGrant).where(RecoveryGrant.id == _row_id(secret), RecoveryGrant.stage == stage,
                                    RecoveryGrant.used_at.is_(None), RecoveryGrant.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1
