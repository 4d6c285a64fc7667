"""Members of the plan and their claims, loaded from the plan's CSV extracts."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class ClaimStatus(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    CHECK_PENDING = "check_pending"
    FINALIZED = "finalized"

    @property
    def label(self) -> str:
        return {"in_progress": "In Progress", "check_pending": "Check Pending",
                "finalized": "Finalized"}[self.value]


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[str] = mapped_column(String(20), unique=True)  # Member ID / CIN
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    date_of_birth: Mapped[date]
    gender: Mapped[str | None] = mapped_column(String(1))
    city: Mapped[str] = mapped_column(String(100))
    plan: Mapped[str] = mapped_column(String(80))  # plan / line of business
    eligible_from: Mapped[date | None]
    eligible_to: Mapped[date | None]
    pcp_npi: Mapped[str | None] = mapped_column(String(10), index=True)  # assigned primary care provider
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)

    __table_args__ = (Index("ix_member_name", "last_name", "first_name"),)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Claim(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_number: Mapped[str] = mapped_column(String(20), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    provider_npi: Mapped[str] = mapped_column(String(10))
    tax_id: Mapped[str] = mapped_column(String(9), index=True)  # 9 digits as text
    service_from: Mapped[date]
    service_to: Mapped[date]
    received_date: Mapped[date]
    paid_date: Mapped[date | None]
    billed_cents: Mapped[int]
    paid_cents: Mapped[int]
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus))
    denial_reason: Mapped[str | None] = mapped_column(String(200))
    check_number: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)

    member: Mapped[Member] = relationship()

    __table_args__ = (
        Index("ix_claim_tax_id_service_from", "tax_id", "service_from"),
        Index("ix_claim_tax_id_paid_date", "tax_id", "paid_date"),
    )
