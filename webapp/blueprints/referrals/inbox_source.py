"""Submitted referrals in the agents' inbox (helpdesk/inbox.py): Utilization Management decides them.

A referral's decision deadline is the law's (organization determinations: 72 hours when urgent,
14 calendar days otherwise; 42 CFR 422.568/422.572, 438.210(d)), so it is the item's legal due date.
Referrals stay in the Utilization Management queue: moving one elsewhere is refused."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from webapp.blueprints.helpdesk.inbox import InboxItem, InboxSource, register_inbox_source, works_in_queue
from webapp.extensions import db
from webapp.models import ItemPresence, Queue, Referral, ReferralStatus, User

URGENT_DECISION = timedelta(hours=72)
STANDARD_DECISION = timedelta(days=14)
STATES = {"ours": (ReferralStatus.PENDING,), "theirs": (),
          "done": (ReferralStatus.APPROVED, ReferralStatus.MODIFIED, ReferralStatus.DENIED)}
DONE_LIMIT = 200
TYPES = {"medical": "Medical", "behavioral": "Behavioral Health"}


def decision_due(referral: Referral) -> datetime | None:
    if referral.submitted_at is None:
        return None
    return referral.submitted_at + (URGENT_DECISION if referral.priority == "urgent" else STANDARD_DECISION)


def _seen_by(agent: User):
    """True where the agent has opened the referral since it was submitted."""
    seen = (select(ItemPresence.seen_at).where(ItemPresence.user_id == agent.id, ItemPresence.item_kind == "referral",
                                               ItemPresence.item_id == Referral.id)
            .correlate(Referral).scalar_subquery())
    return seen >= Referral.submitted_at


def referral_items(agent: User, queue_ids: list[int], states: set[str], now: datetime) -> list[InboxItem]:
    statuses = [s for state in states for s in STATES[state]]
    if not statuses:
        return []
    query = (select(Referral, _seen_by(agent).label("seen"))
             .where(Referral.queue_id.in_(queue_ids), Referral.status.in_(statuses))
             .options(selectinload(Referral.queue), selectinload(Referral.assigned_to)))
    if states == {"done"}:
        query = query.order_by(Referral.decided_at.desc()).limit(DONE_LIMIT)
    items = []
    for referral, seen in db.session.execute(query).all():
        pending = referral.status == ReferralStatus.PENDING
        items.append(InboxItem(
            kind="referral", id=referral.id, reference=referral.code or f"Referral {referral.id}",
            subject=f"{referral.priority_label} {referral.type_label.lower()} referral".strip(),
            queue=referral.queue, type_label=referral.type_label, status_label=referral.status.label,
            state="ours" if pending else "done", assigned_to=referral.assigned_to,
            created_at=referral.submitted_at or referral.created_at,
            legal_due=decision_due(referral) if pending else None,
            unread=pending and not seen, endpoint="referrals.detail", url_args={"referral_id": referral.id}))
    return items


def claim_referral(agent_id: int, referral_id: int) -> bool:
    result = db.session.execute(
        update(Referral).where(Referral.id == referral_id, Referral.assigned_to_id.is_(None),
                               Referral.status == ReferralStatus.PENDING)
        .values(assigned_to_id=agent_id), execution_options={"synchronize_session": False})
    if result.rowcount != 1:
        return False
    db.session.refresh(db.session.get(Referral, referral_id))
    return True


def assign_referral(agent: User, referral_id: int, assignee: User | None) -> bool:
    referral = db.session.get(Referral, referral_id)
    if referral is None or not works_in_queue(agent, referral.queue_id):
        return False
    if assignee is not None and not works_in_queue(assignee, referral.queue_id):
        return False
    referral.assigned_to = assignee
    return True


def move_referral(agent: User, referral_id: int, queue: Queue) -> bool:
    referral = db.session.get(Referral, referral_id)
    return referral is not None and works_in_queue(agent, referral.queue_id) and queue.id == referral.queue_id


def referral_unread_count(agent: User, queue_ids: list[int]) -> int:
    seen = _seen_by(agent)
    return db.session.scalar(select(func.count(Referral.id)).where(
        Referral.queue_id.in_(queue_ids), Referral.status == ReferralStatus.PENDING,
        or_(Referral.assigned_to_id.is_(None), Referral.assigned_to_id == agent.id),
        or_(seen.is_(None), ~seen))) or 0


def register() -> None:
    register_inbox_source(InboxSource(
        kind="referral", label="Referral", items=referral_items, claim=claim_referral, assign=assign_referral,
        move=move_referral, types=lambda: [(label, label) for label in TYPES.values()], unread_count=referral_unread_count))
