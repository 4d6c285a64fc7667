"""Cases (SPARCS-style tickets): what a provider office asks the plan, and the plan's answers."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class CaseStatus(str, enum.Enum):
    NEW = "new"
    OPEN = "open"
    PENDING_PAYER = "pending_payer"
    PENDING_PROVIDER = "pending_provider"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "new": "New",
            "open": "Open",
            "pending_payer": "Pending Payer Response",
            "pending_provider": "Pending Provider Response",
            "resolved": "Resolved",
            "closed": "Closed",
        }[self.value]

    @property
    def is_finished(self) -> bool:
        return self in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class CaseSequence(db.Model):
    """The counter behind case numbers: one row per series, incremented under the write lock."""

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int]


class Case(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Date-derived and sequential (MMDDYYYY + sequence, like 120620171401); never reused.
    number: Mapped[str] = mapped_column(String(24), unique=True)
    case_type: Mapped[str] = mapped_column(String(40))  # a slug from the case type catalogue
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    # When the case last became Resolved or Closed: starts the reopen window.
    finished_at: Mapped[datetime | None]
    contact_email: Mapped[str] = mapped_column(String(254))
    npi: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # The case type's own fields (label order comes from the catalogue).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    # A duplicate merged by an agent: its comments and files moved to this case.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))

    provider = relationship("Provider")
    queue = relationship("Queue")
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    follow_up_of: Mapped["Case | None"] = relationship(remote_side=[id], foreign_keys=[follow_up_of_id])
    merged_into: Mapped["Case | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    def __repr__(self) -> str:
        return f"<Case {self.number}>"


class CaseComment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    # Agents' notes to each other: never shown to provider users, never mailed.
    internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    case = relationship("Case")
    author = relationship("User")

    __table_args__ = (Index("ix_case_comment_case", "case_id", "created_at"),)
