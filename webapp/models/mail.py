"""Outgoing mail is kept in a table first, so nothing is lost while the mail server is down."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow_naive
from webapp.extensions import db


class OutgoingMail(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # A sender claims a mail before sending it (webapp/mailer.py), so two workers never both send
    # it; a claim left by a crashed worker lapses at claimed_until and the mail is tried again.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column()
