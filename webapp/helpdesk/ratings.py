"""Satisfaction: a provider rates a resolved case or thread once per resolution (1-5, optional
comment); a reopened and again resolved item can be rated again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Case, MessageThread, Rating, ThreadStatus, User

COMMENT_MAX = 1000
SCORES = {1: "Very dissatisfied", 2: "Dissatisfied", 3: "Neutral", 4: "Satisfied", 5: "Very satisfied"}


def finished_at(kind: str, item) -> datetime | None:
    """When the item was last resolved (None: not resolved now)."""
    if kind == "case":
        return item.finished_at if item.status.is_finished else None
    return item.closed_at if item.status == ThreadStatus.CLOSED else None


def latest_rating(kind: str, item) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.item_kind == kind, Rating.item_id == item.id)
                             .order_by(Rating.created_at.desc(), Rating.id.desc()).limit(1))


def can_rate(user: User, kind: str, item) -> bool:
    """Provider users rate a resolved item that was not rated since it was last resolved."""
    if not user.is_provider_user or getattr(item, "merged_into_id", None):
        return False
    resolved = finished_at(kind, item)
    if resolved is None:
        return False
    latest = latest_rating(kind, item)
    return latest is None or latest.created_at < resolved


def rate(user: User, kind: str, item, score, comment: str = "", now: datetime | None = None
         ) -> tuple[Rating | None, dict[str, str]]:
    """Record a rating (the caller commits). Returns (rating, errors by field)."""
    errors = {}
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        errors["score"] = "Choose a rating from 1 to 5."
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"The comment must be {COMMENT_MAX:,} characters or fewer."
    if not errors and not can_rate(user, kind, item):
        errors["score"] = ("This item was already rated since it was resolved." if finished_at(kind, item)
                           else "You can rate this item once it is resolved.")
    if errors:
        return None, errors
    rating = Rating(item_kind=kind, item_id=item.id, user_id=user.id, queue_id=item.queue_id,
                    agent_id=item.assigned_to_id, score=score, comment=comment or None,
                    created_at=now or utcnow_naive())
    db.session.add(rating)
    return rating, {}


def item_of(kind: str, item_id: int):
    model = {"case": Case, "thread": MessageThread}.get(kind)
    return db.session.get(model, item_id) if model else None
