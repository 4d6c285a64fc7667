"""Search index work waiting to be applied. Written in the same transaction as the change that
causes it (so a crash loses nothing); deleted once the index has it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow_naive
from webapp.extensions import db


class SearchPending(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))          # "case", "thread"
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))        # "upsert" or "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
