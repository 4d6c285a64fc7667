"""Provider organizations and users' collections of them."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.identifiers import is_valid_npi, is_valid_tax_id
from webapp.models import AccessStatus, Provider, ProviderAccess, ProviderKind, User


def create_provider(*, kind: ProviderKind, name: str, npi: str, tax_id: str, address_line1: str,
                    city: str, state: str, postal_code: str, **details) -> Provider:
    """Add a provider (the caller commits). NPI and Tax ID must already be valid."""
    if not is_valid_npi(npi):
        raise ValueError("invalid NPI")
    if not is_valid_tax_id(tax_id):
        raise ValueError("invalid Tax ID")
    provider = Provider(kind=kind, name=name, npi=npi, tax_id=tax_id, address_line1=address_line1,
                        city=city, state=state, postal_code=postal_code, **details)
    db.session.add(provider)
    return provider


def provider_by_npi(npi: str) -> Provider | None:
    return db.session.scalar(select(Provider).where(Provider.npi == npi))


def grant_access(user: User, provider: Provider, *, decided_by: User | None = None) -> ProviderAccess:
    """Make `provider` active in the user's collection; the first active one becomes the default."""
    access = db.session.scalar(select(ProviderAccess).where(
        ProviderAccess.user_id == user.id, ProviderAccess.provider_id == provider.id))
    if access is None:
        access = ProviderAccess(user=user, provider=provider, status=AccessStatus.PENDING)
        db.session.add(access)
    access.status = AccessStatus.ACTIVE
    access.decided_at = utcnow_naive()
    access.decided_by = decided_by
    if default_access(user) is None:
        access.is_default = True
    return access


def default_access(user: User) -> ProviderAccess | None:
    return db.session.scalar(select(ProviderAccess).where(
        ProviderAccess.user_id == user.id, ProviderAccess.is_default.is_(True),
        ProviderAccess.status == AccessStatus.ACTIVE))


# Built once (webapp.statements): most provider pages run it.
_ACTIVE_PROVIDERS = (select(Provider).join(ProviderAccess, ProviderAccess.provider_id == Provider.id)
                     .where(ProviderAccess.user_id == bindparam("user_id"),
                            ProviderAccess.status == AccessStatus.ACTIVE)
                     .order_by(ProviderAccess.is_default.desc(), Provider.name))


def active_providers(user: User) -> list[Provider]:
    """The providers this user may act for: the root of every provider-side access check."""
    return list(db.session.scalars(_ACTIVE_PROVIDERS, {"user_id": user.id}))


def active_provider_ids(user: User) -> list[int]:
    return [p.id for p in active_providers(user)]


SEARCH_LIMIT = 25


def search_providers(kind: ProviderKind, *, first_name: str = "", last_name: str = "", name: str = "",
                     tax_id: str = "") -> list[Provider]:
    """Practitioner search (first and last name, or Tax ID) and Group/Facility search (name, or
    Tax ID), as in the registration and My Collections screens. Names match from their start,
    any case; a Tax ID must already be 9 digits."""
    query = select(Provider).where(Provider.kind == kind)
    if tax_id:
        query = query.where(Provider.tax_id == tax_id)
    elif kind is ProviderKind.PRACTITIONER:
        if not (first_name or last_name):
            return []
        if first_name:
            query = query.where(Provider.first_name.ilike(f"{_like(first_name)}%", escape="\\"))
        if last_name:
            query = query.where(Provider.last_name.ilike(f"{_like(last_name)}%", escape="\\"))
    else:
        if not name:
            return []
        query = query.where(Provider.name.ilike(f"%{_like(name)}%", escape="\\"))
    return list(db.session.scalars(query.order_by(Provider.name).limit(SEARCH_LIMIT)))


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
