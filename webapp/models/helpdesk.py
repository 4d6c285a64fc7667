"""The helpdesk around cases and threads: service calendars and targets, agents' saved inbox views,
who has an item open, satisfaction ratings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db


class BusinessCalendar(db.Model):
    """A queue's working hours: {"0": ["09:00", "17:00"], ...} by weekday (Monday = 0), local time."""

    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id", ondelete="CASCADE"), primary_key=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    hours: Mapped[dict] = mapped_column(JSON, default=dict)

    queue = relationship("Queue")


class Holiday(db.Model):
    """A day a queue does not work (queue_id None: every queue)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id", ondelete="CASCADE"))
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("queue_id", "day", name="uq_holiday_queue_day"),)


class ServiceTarget(db.Model):
    """First-response and resolution targets in business hours for a category of work:
    item_kind "thread" with a Message Center category slug, or "case" with a case type slug."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(60))
    first_response_hours: Mapped[int]
    resolution_hours: Mapped[int]

    __table_args__ = (UniqueConstraint("item_kind", "category", name="uq_service_target_kind_category"),)


class SavedInboxView(db.Model):
    """An agent's named set of inbox filters (a query string of the inbox page)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(500))

    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_inbox_view_user_name"),)


class ItemPresence(db.Model):
    """When a user last had an item (case or thread) open: who else is here, and agents' unread."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    user = relationship("User")

    __table_args__ = (Index("ix_item_presence_item", "item_kind", "item_id", "seen_at"),)


class Rating(db.Model):
    """A provider's satisfaction with a resolved case or thread (1-5). The queue and the assignee at
    rating time are kept so the Supervisor page can group by them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id", ondelete="SET NULL"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive, index=True)

    __table_args__ = (Index("ix_rating_item", "item_kind", "item_id", "created_at"),)
