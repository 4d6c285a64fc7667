"""Claims an office submits (the 837P's content): kept as a draft while typed, then scrubbed."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class SubmissionStatus(str, enum.Enum):
    DRAFT = "draft"
    REJECTED = "rejected"  # failed scrubbing; stays editable until corrected
    ACCEPTED = "accepted"  # clean: became a claim with a claim number

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ClaimSubmission(db.Model):
    """Every value is kept as typed (JSON text), so a draft never loses input, even invalid input."""
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    billing_provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"))
    tax_id: Mapped[str | None] = mapped_column(String(9))  # the billing provider's, for the office's view
    status: Mapped[SubmissionStatus] = mapped_column(enum_column(SubmissionStatus))
    values_json: Mapped[str] = mapped_column(Text, default="{}")
    errors_json: Mapped[str] = mapped_column(Text, default="[]")
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive, onupdate=utcnow_naive)
    submitted_at: Mapped[datetime | None]

    billing_provider = relationship("Provider")
    claim = relationship("Claim")

    __table_args__ = (Index("ix_claim_submission_tax_id_updated", "tax_id", "updated_at"),)
