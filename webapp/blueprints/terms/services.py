"""Who must accept the current terms; the caller commits."""
from __future__ import annotations

from datetime import datetime

from webapp.clock import utcnow_naive
from webapp.models import User


def must_accept(user: User, current_version: str) -> bool:
    """Provider users whose last accepted version is not the current one (or who never accepted)."""
    return user.is_provider_user and user.terms_version != current_version


def accept(user: User, version: str, now: datetime | None = None) -> None:
    user.terms_version, user.terms_accepted_at = version, now or utcnow_naive()
