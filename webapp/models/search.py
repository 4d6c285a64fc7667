"""The search change log. A change to a tracked record adds a row in the same transaction (so a
crash loses nothing). Rows are never consumed: every machine's index applies them in id order and
remembers the last id it applied, so several machines each keep their own index from one
database. Rows older than SEARCH_CHANGE_LOG_DAYS are pruned."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow_naive
from webapp.extensions import db


class SearchChange(db.Model):
    # SQLite: ids never reused, even after the newest rows are deleted (index folders keep ids).
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))          # "case", "thread"
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))        # "upsert" or "delete"
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive, index=True)
