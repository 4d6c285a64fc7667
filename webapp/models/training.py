"""Annual training (CalOptima guide III): one module per provider role, passed once a year."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column
from webapp.models.users import Role


class TrainingModule(db.Model):
    """Pages of text and a short quiz; `quiz` is a list of {"question", "choices": [...], "answer": i}."""

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    pages: Mapped[list] = mapped_column(JSON, default=list)  # list of {"heading", "body"}
    quiz: Mapped[list] = mapped_column(JSON, default=list)
    pass_mark: Mapped[int] = mapped_column(default=80)  # percent of questions answered right
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class TrainingAttempt(db.Model):
    """One sent quiz. A passed attempt counts for TRAINING_VALID_DAYS from `taken_at`."""

    __table_args__ = (Index("ix_training_attempt_user_passed", "user_id", "passed", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    score: Mapped[int]  # percent
    passed: Mapped[bool]

    module: Mapped[TrainingModule] = relationship()


class TrainingReminder(db.Model):
    """A reminder mail sent for one passed attempt, `days_before` its expiry: sent at most once."""

    __table_args__ = (UniqueConstraint("attempt_id", "days_before", name="uq_training_reminder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("training_attempt.id", ondelete="CASCADE"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
