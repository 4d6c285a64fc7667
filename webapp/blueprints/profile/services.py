"""My Profile and My Collections rules: plain functions (the caller commits)."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AccessStatus, Provider, ProviderAccess, User

VERIFIED_MINUTES = 15  # how long a verified code allows the change that follows


def update_demographics(user: User, *, mobile_phone: str, position: str, office_address: str) -> None:
    """Name and email are not editable here."""
    user.mobile_phone = mobile_phone
    user.position = position
    user.office_address = office_address


def collection(user: User) -> list[ProviderAccess]:
    """The user's providers with their status: default first, then by name."""
    return list(db.session.scalars(
        select(ProviderAccess).join(Provider, Provider.id == ProviderAccess.provider_id)
        .where(ProviderAccess.user_id == user.id)
        .order_by(ProviderAccess.is_default.desc(), Provider.name)))


def make_default(user: User, access_id: int) -> bool:
    """Only an active provider of this user can become the default."""
    target = db.session.scalar(select(ProviderAccess).where(
        ProviderAccess.id == access_id, ProviderAccess.user_id == user.id,
        ProviderAccess.status == AccessStatus.ACTIVE))
    if target is None:
        return False
    for access in collection(user):
        access.is_default = access.id == target.id
    return True
