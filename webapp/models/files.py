"""Uploaded files. The bytes live under UPLOAD_DIR with random names; the row says whose they are."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db


class StoredFile(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The only identifier in download URLs: random, says nothing about the file or its owner.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    # What the file belongs to ("case", "message", ...): that owner's access rule guards the download.
    owner_kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    uploaded_by = relationship("User")

    __table_args__ = (Index("ix_stored_file_owner", "owner_kind", "owner_id"),)
