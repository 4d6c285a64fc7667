"""Members of the plan, their coverage and claims, the plan's payments and the remittance code lists,
loaded from the plan's CSV extracts."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class ClaimStatus(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    CHECK_PENDING = "check_pending"
    FINALIZED = "finalized"
    ORIGINAL = "original"  # an original claim replaced by a corrected (adjusted) one

    @property
    def label(self) -> str:
        return {"in_progress": "In Progress", "check_pending": "Check Pending",
                "finalized": "Finalized", "original": "Original Claim"}[self.value]


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
    language: Mapped[str | None] = mapped_column(String(40))
    health_network: Mapped[str | None] = mapped_column(String(80))
    line_of_business: Mapped[str | None] = mapped_column(String(40))
    pcp_name: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(120))
    patient_account: Mapped[str | None] = mapped_column(String(30))  # the office's patient account #
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)

    coverage: Mapped[list[CoveragePeriod]] = relationship(
        back_populates="member", order_by="CoveragePeriod.start_date.desc()", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_member_name", "last_name", "first_name"),)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CoveragePeriod(db.Model):
    """One span of enrolment with the plan's benefits for it (amounts met as of the extract)."""
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    plan: Mapped[str] = mapped_column(String(80))
    line_of_business: Mapped[str] = mapped_column(String(40))
    health_network: Mapped[str | None] = mapped_column(String(80))
    pcp_npi: Mapped[str | None] = mapped_column(String(10))
    copay_primary_cents: Mapped[int]
    copay_specialist_cents: Mapped[int]
    copay_urgent_cents: Mapped[int]
    copay_emergency_cents: Mapped[int]
    coinsurance_percent: Mapped[int]
    deductible_cents: Mapped[int]
    deductible_met_cents: Mapped[int]
    out_of_pocket_max_cents: Mapped[int]
    out_of_pocket_met_cents: Mapped[int]

    member: Mapped[Member] = relationship(back_populates="coverage")

    __table_args__ = (UniqueConstraint("member_id", "start_date"),)

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


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
    check_number: Mapped[str | None] = mapped_column(String(20), index=True)
    interest_cents: Mapped[int] = mapped_column(default=0, server_default="0")
    replaced_by: Mapped[str | None] = mapped_column(String(20))  # claim number of the corrected claim
    service_provider_name: Mapped[str | None] = mapped_column(String(120))
    service_provider_address: Mapped[str | None] = mapped_column(String(200))
    service_provider_phone: Mapped[str | None] = mapped_column(String(20))
    service_provider_fax: Mapped[str | None] = mapped_column(String(20))
    payment_provider_name: Mapped[str | None] = mapped_column(String(120))
    payment_provider_npi: Mapped[str | None] = mapped_column(String(10))
    payment_provider_address: Mapped[str | None] = mapped_column(String(200))
    payment_provider_phone: Mapped[str | None] = mapped_column(String(20))
    payment_provider_fax: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)

    member: Mapped[Member] = relationship()
    lines: Mapped[list[ServiceLine]] = relationship(
        back_populates="claim", order_by="ServiceLine.line_number", cascade="all, delete-orphan")
    diagnoses: Mapped[list[ClaimDiagnosis]] = relationship(
        back_populates="claim", order_by="ClaimDiagnosis.sequence", cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_claim_tax_id_service_from", "tax_id", "service_from"),
        Index("ix_claim_tax_id_paid_date", "tax_id", "paid_date"),
        # Covering indexes of the dashboard's aggregates: answered from the index without reading rows.
        Index("ix_claim_dashboard_paid", "tax_id", "paid_date", "status", "billed_cents", "paid_cents",
              "received_date", "denial_reason", "member_id", "service_from"),
        Index("ix_claim_dashboard_service", "tax_id", "service_from", "status", "billed_cents"),
    )


class ServiceLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    line_number: Mapped[int]
    service_from: Mapped[date]
    service_to: Mapped[date]
    procedure_code: Mapped[str] = mapped_column(String(5))  # CPT or HCPCS
    modifiers: Mapped[str] = mapped_column(String(11), default="")  # up to 4, colon-separated
    units: Mapped[int]
    billed_cents: Mapped[int]
    allowed_cents: Mapped[int]
    coinsurance_cents: Mapped[int]
    copay_cents: Mapped[int]
    deductible_cents: Mapped[int]
    paid_cents: Mapped[int]

    claim: Mapped[Claim] = relationship(back_populates="lines")
    adjustments: Mapped[list[LineAdjustment]] = relationship(
        back_populates="line", order_by="LineAdjustment.id", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("claim_id", "line_number"),)

    @property
    def disallowed_cents(self) -> int:
        return self.billed_cents - self.allowed_cents

    @property
    def patient_responsibility_cents(self) -> int:
        return self.coinsurance_cents + self.copay_cents + self.deductible_cents

    @property
    def modifier_list(self) -> list[str]:
        return [m for m in self.modifiers.split(":") if m]


class LineAdjustment(db.Model):
    """A CAS adjustment of a service line: group code (CO/PR/OA/PI), CARC, optional RARC, amount."""
    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("service_line.id", ondelete="CASCADE"), index=True)
    group_code: Mapped[str] = mapped_column(String(2))
    reason_code: Mapped[str] = mapped_column(String(5))  # CARC
    remark_code: Mapped[str | None] = mapped_column(String(7))  # RARC
    amount_cents: Mapped[int]

    line: Mapped[ServiceLine] = relationship(back_populates="adjustments")

    @property
    def label(self) -> str:
        return f"{self.group_code}-{self.reason_code}"


class ClaimDiagnosis(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))  # ICD-10-CM, stored with its dot
    description: Mapped[str] = mapped_column(String(200))

    claim: Mapped[Claim] = relationship(back_populates="diagnoses")

    __table_args__ = (UniqueConstraint("claim_id", "sequence"),)


class Payment(db.Model):
    """A check or EFT: it pays the claims whose check_number is its trace number."""
    id: Mapped[int] = mapped_column(primary_key=True)
    trace_number: Mapped[str] = mapped_column(String(20), unique=True)  # check # or EFT trace #
    method: Mapped[str] = mapped_column(String(3))  # CHK or ACH (EFT)
    payment_date: Mapped[date]
    amount_cents: Mapped[int]
    payee_tax_id: Mapped[str] = mapped_column(String(9))
    payee_name: Mapped[str] = mapped_column(String(120))
    payee_npi: Mapped[str] = mapped_column(String(10))
    payee_address: Mapped[str | None] = mapped_column(String(200))
    # EFT only: the plan's (sender's) and the payee's bank routing (ABA) and account numbers.
    payer_routing: Mapped[str | None] = mapped_column(String(9))
    payer_account: Mapped[str | None] = mapped_column(String(35))
    payee_routing: Mapped[str | None] = mapped_column(String(9))
    payee_account: Mapped[str | None] = mapped_column(String(35))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)

    claims: Mapped[list[Claim]] = relationship(
        primaryjoin=lambda: foreign(Claim.check_number) == Payment.trace_number,
        order_by=lambda: Claim.claim_number, viewonly=True)

    __table_args__ = (Index("ix_payment_payee_tax_id_date", "payee_tax_id", "payment_date"),)

    @property
    def method_label(self) -> str:
        return "EFT" if self.method == "ACH" else "Check"


class RemittanceCode(db.Model):
    """An entry of the X12 code lists: CARC (reason), RARC (remark) and the group codes."""
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(5))  # CARC, RARC or GROUP
    code: Mapped[str] = mapped_column(String(7))
    short_text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("kind", "code"),)


class EligibilityCheck(db.Model):
    """A kept eligibility and benefits check: what was answered then, for the history list."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    service_date: Mapped[date]
    active: Mapped[bool]
    result_json: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    member: Mapped[Member] = relationship()
