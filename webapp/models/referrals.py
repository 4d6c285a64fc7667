"""Referrals (authorization requests) to contracted providers, and the plan's directory of them."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class ReferralStatus(str, enum.Enum):
    DRAFT = "draft"  # being filled in; only its author sees it
    PENDING = "pending"
    APPROVED = "approved"
    MODIFIED = "modified"
    DENIED = "denied"
    VOID = "void"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# The statuses a submitted referral can have: the Status choices of the search ("All Statuses (5)").
SUBMITTED_STATUSES = (ReferralStatus.DENIED, ReferralStatus.PENDING, ReferralStatus.APPROVED,
                      ReferralStatus.MODIFIED, ReferralStatus.VOID)


class ServiceDecision(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    MODIFIED = "modified"  # approved with fewer units
    DENIED = "denied"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class NetworkProvider(db.Model):
    """A provider of the plan's network that referrals can go to ("Referred To Provider").

    `provider_id` links it to a portal provider organization when it is one (its profile page).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_code: Mapped[str] = mapped_column(String(20), unique=True)  # the plan's "Provider ID"
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), unique=True)
    npi: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200), index=True)
    specialties: Mapped[str] = mapped_column(String(300))  # "Cardiovascular Disease; Internal Medicine"
    address_line1: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    fax: Mapped[str | None] = mapped_column(String(20))
    contracted: Mapped[bool] = mapped_column(default=True)
    accepting_new_patients: Mapped[bool] = mapped_column(default=True)
    # A closed panel takes no new patients but keeps seeing its current ones.
    panel_closed: Mapped[bool] = mapped_column(default=False)
    min_age: Mapped[int] = mapped_column(default=0)
    max_age: Mapped[int] = mapped_column(default=120)
    genders: Mapped[str] = mapped_column(String(4), default="")  # "" = all; else letters like "F"

    @property
    def address(self) -> str:
        return f"{self.address_line1}, {self.city}, {self.state} {self.postal_code}"

    @property
    def specialty_list(self) -> list[str]:
        return [s.strip() for s in self.specialties.split(";") if s.strip()]

    @property
    def panel_label(self) -> str:
        if self.panel_closed:
            return "Closed panel (current patients only)"
        return "Open, accepting new patients" if self.accepting_new_patients else "Not accepting new patients"


class Referral(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(12), unique=True)  # given when submitted
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), default=ReferralStatus.DRAFT)
    referral_type: Mapped[str | None] = mapped_column(String(20))  # "medical" / "behavioral"
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    member_zip: Mapped[str | None] = mapped_column(String(5))
    referring_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    referred_provider_id: Mapped[int | None] = mapped_column(ForeignKey("network_provider.id"))
    distance_miles: Mapped[float | None]
    priority: Mapped[str | None] = mapped_column(String(10))  # routine / retro / urgent
    request_date: Mapped[date | None]
    service_date: Mapped[date | None]
    place_of_service: Mapped[str | None] = mapped_column(String(40))
    clinical_indications: Mapped[str | None] = mapped_column(Text)
    sections_done: Mapped[int] = mapped_column(default=0)  # the last section saved (1-5)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)
    submitted_at: Mapped[datetime | None]
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # the UM agent working it
    valid_until: Mapped[date | None]

    member = relationship("Member")
    referring_provider = relationship("Provider")
    referred_provider: Mapped[NetworkProvider | None] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    queue = relationship("Queue")
    services: Mapped[list["ReferralService"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralService.position")
    diagnoses: Mapped[list["ReferralDiagnosis"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralDiagnosis.position")

    __table_args__ = (Index("ix_referral_status_request_date", "status", "request_date"),)

    @property
    def type_label(self) -> str:
        return {"medical": "Medical", "behavioral": "Behavioral Health"}.get(self.referral_type or "", "")

    @property
    def priority_label(self) -> str:
        return {"routine": "Routine", "retro": "Retro", "urgent": "Urgent"}.get(self.priority or "", "")


class ReferralService(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    cpt: Mapped[str] = mapped_column(String(5))
    units: Mapped[int | None]
    modifiers: Mapped[str | None] = mapped_column(String(20))
    answers: Mapped[str | None] = mapped_column(Text)  # questionnaire answers as JSON {question id: answer}
    decision: Mapped[ServiceDecision] = mapped_column(enum_column(ServiceDecision), default=ServiceDecision.PENDING)
    approved_units: Mapped[int | None]
    decision_reason: Mapped[str | None] = mapped_column(String(500))

    referral: Mapped[Referral] = relationship(back_populates="services")


class ReferralDiagnosis(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(8))

    referral: Mapped[Referral] = relationship(back_populates="diagnoses")
