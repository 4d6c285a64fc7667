"""Provider organizations and the users who may act for them (their "collection")."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false as sa_false, true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class ProviderKind(str, enum.Enum):
    PRACTITIONER = "practitioner"
    GROUP = "group"  # group or facility

    @property
    def label(self) -> str:
        return "Practitioner" if self is ProviderKind.PRACTITIONER else "Group/Facility"


class AccessStatus(str, enum.Enum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # was active; the office's administrator took it back

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Provider(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProviderKind] = mapped_column(enum_column(ProviderKind))
    name: Mapped[str] = mapped_column(String(200))
    # Practitioners are searched by first and last name.
    first_name: Mapped[str | None] = mapped_column(String(80))
    last_name: Mapped[str | None] = mapped_column(String(80))
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    tax_id: Mapped[str] = mapped_column(String(9), index=True)  # 9 digits, text: leading zeros matter
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))  # on file; approves when no administrator
    # Individuals: a keyed hash (HMAC) of the last four digits of the SSN, salted by the NPI, to check
    # an identity proof against (providers.identity); the digits themselves are never stored.
    ssn_last4_hmac: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    administrator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    group: Mapped["Provider | None"] = relationship(remote_side=[id])
    administrator = relationship("User", foreign_keys=[administrator_id])

    __table_args__ = (Index("ix_provider_name", "name"),)

    @property
    def address(self) -> str:
        street = ", ".join(p for p in (self.address_line1, self.address_line2) if p)
        return f"{street}, {self.city}, {self.state} {self.postal_code}"

    def __repr__(self) -> str:
        return f"<Provider {self.npi}>"


class ProviderAccess(db.Model):
    """One provider in a user's collection: requested (pending), approved (active) or rejected."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="CASCADE"), index=True)
    status: Mapped[AccessStatus] = mapped_column(enum_column(AccessStatus))
    is_default: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    # Provider Services' internal note (the phone check); never mailed to the applicant.
    staff_note: Mapped[str | None] = mapped_column(String(500))
    # What the applicant asked for and how they proved the provider's identity (never the proof).
    on_behalf: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    wants_administrator: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    replace_administrator: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    identity_proof: Mapped[str | None] = mapped_column(String(20))  # "ssn", "tin" or "claims"

    user = relationship("User", foreign_keys=[user_id], backref="provider_accesses")
    provider = relationship("Provider")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    __table_args__ = (UniqueConstraint("user_id", "provider_id", name="uq_provider_access_user_provider"),)


class IdentityProofThrottle(db.Model):
    """Identity proofs that did not match, per applicant and per provider (keyed by a hash, so the
    table holds no addresses or NPIs): too many lock further tries for a while, like passcodes."""

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
