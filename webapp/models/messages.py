"""Message Center: configured categories, threads between provider offices and plan agents."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class MessageCategory(db.Model):
    """A category the plan configures (loaded from the message rules file)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    subcategories: Mapped[list["MessageSubcategory"]] = relationship(
        back_populates="category", order_by="MessageSubcategory.position")


class MessageSubcategory(db.Model):
    """Where a sub-category routes, what it requires, and its deadline rule."""

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("message_category.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    # Comma-separated: claim, member, contact, reference.
    required_fields: Mapped[str] = mapped_column(String(120), default="")
    deadline_days: Mapped[int | None]
    deadline_basis: Mapped[str | None] = mapped_column(String(200))
    # When a claim review is requested as a Grievance into this sub-category.
    grievance_deadline_days: Mapped[int | None]
    grievance_deadline_basis: Mapped[str | None] = mapped_column(String(200))
    # Not accepted through the portal (expedited appeals): the fax lines are shown instead.
    fax_only: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[MessageCategory] = relationship(back_populates="subcategories")
    queue = relationship("Queue")

    __table_args__ = (UniqueConstraint("category_id", "slug", name="uq_message_subcategory_category_slug"),)


class FaxLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    number: Mapped[str] = mapped_column(String(20))


class ThreadStatus(str, enum.Enum):
    OPEN = "open"
    PENDING_PROVIDER = "pending_provider"
    ANSWERED = "answered"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Open", "pending_provider": "Pending Provider", "answered": "Answered",
                "closed": "Closed"}[self.value]


class MessageThread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    subcategory_id: Mapped[int] = mapped_column(ForeignKey("message_subcategory.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claim.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    reference_id: Mapped[str | None] = mapped_column(String(40))
    is_grievance: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ThreadStatus] = mapped_column(enum_column(ThreadStatus), default=ThreadStatus.OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    linked_from_id: Mapped[int | None] = mapped_column(ForeignKey("message_thread.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    # Last message a provider can see (internal notes do not count).
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    due_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # A duplicate merged by an agent: its messages moved to this thread.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("message_thread.id"))

    provider = relationship("Provider")
    subcategory: Mapped[MessageSubcategory] = relationship()
    queue = relationship("Queue")
    claim = relationship("Claim")
    member = relationship("Member")
    created_by = relationship("User", foreign_keys=[created_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    linked_from: Mapped["MessageThread | None"] = relationship(remote_side=[id], foreign_keys=[linked_from_id])
    merged_into: Mapped["MessageThread | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    messages: Mapped[list["Message"]] = relationship(back_populates="thread", order_by="Message.id")

    __table_args__ = (Index("ix_message_thread_queue_due", "queue_id", "status", "due_at"),)

    @property
    def reference(self) -> str:
        return f"M-{self.id:06d}"


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)  # agents' notes, never shown to providers
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author = relationship("User")


class ThreadRead(db.Model):
    """When a user last read a thread: unread state is per user."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"),
                                           primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow_naive)


class ReplyTemplate(db.Model):
    """A saved reply an agent inserts and edits before sending."""

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)

    queue = relationship("Queue")
