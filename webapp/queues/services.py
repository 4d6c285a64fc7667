"""Support queues and which agents work them."""
from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Queue, User

# The plan's standard queues (seed 000 owners, seed 003 routing targets).
STANDARD_QUEUES = {
    "provider-customer-service": "Provider Customer Service",
    "claims-inquiry": "Claims Inquiry",
    "grievance-and-appeals": "Grievance and Appeals",
    "en-enrollments": "EN Enrollments",
    "eligibility": "Eligibility",
}


def ensure_queue(slug: str, name: str) -> Queue:
    queue = db.session.scalar(select(Queue).where(Queue.slug == slug))
    if queue is None:
        queue = Queue(slug=slug, name=name)
        db.session.add(queue)
    return queue


def ensure_standard_queues() -> dict[str, Queue]:
    return {slug: ensure_queue(slug, name) for slug, name in STANDARD_QUEUES.items()}


def queue_by_slug(slug: str) -> Queue | None:
    return db.session.scalar(select(Queue).where(Queue.slug == slug))


def assign_agent(agent: User, queue: Queue) -> None:
    if queue not in agent.queues:
        agent.queues.append(queue)


def visible_queues(user: User) -> list[Queue]:
    """Supervisors and admins read every queue; agents their own; provider users none."""
    if user.reads_all_queues:
        return list(db.session.scalars(select(Queue).order_by(Queue.name)))
    if user.is_support_agent:
        return sorted(user.queues, key=lambda q: q.name)
    return []
