"""Knowledge base: articles agents write, and how often one answered a provider's question."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models.types import enum_column


class Audience(str, enum.Enum):
    PUBLIC = "public"        # anyone, without signing in
    PROVIDERS = "providers"  # signed-in users only

    @property
    def label(self) -> str:
        return {"public": "Public", "providers": "Signed-in providers"}[self.value]


class Article(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    # A Message Center category slug (the guide lists articles by category).
    category: Mapped[str] = mapped_column(String(60), index=True)
    audience: Mapped[Audience] = mapped_column(enum_column(Audience))
    review_on: Mapped[date | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow_naive)

    created_by = relationship("User")


class ArticleAnswer(db.Model):
    """"This answered my question": a draft (New Message or Create Case) closed by an article."""

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # "message" or "case"
    queue_id: Mapped[int | None] = mapped_column(ForeignKey("queue.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow_naive, index=True)

    article = relationship("Article")
