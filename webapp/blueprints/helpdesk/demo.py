"""Helpdesk demo data: calendars and targets, help articles, a supervisor, and ratings of the
resolved demo cases so the Supervisor page has something to show. Idempotent. (No demo threads:
the Message Center's tests count on an empty one.)"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from webapp.blueprints.auth.services import create_user
from webapp.blueprints.kb.demo import seed_demo_articles
from webapp.extensions import db
from webapp.helpdesk.targets import seed_demo_service_targets
from webapp.models import Case, CaseStatus, Queue, Rating, Role, User
from webapp.queues.services import assign_agent

SUPERVISOR_EMAIL = "supervisor@plan.example"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo_helpdesk(password: str) -> None:
    seed_demo_service_targets()
    seed_demo_articles()
    if _user(SUPERVISOR_EMAIL) is None:
        supervisor = create_user(email=SUPERVISOR_EMAIL, first_name="Pat", last_name="Quinn", role=Role.SUPERVISOR,
                                 password=password, position="Helpdesk supervisor")
        for queue in db.session.scalars(select(Queue)):
            assign_agent(supervisor, queue)
        db.session.flush()
    if not db.session.scalar(select(func.count(Rating.id))):
        _demo_ratings()


def _demo_ratings() -> None:
    """Ratings of the demo's resolved cases, so the Supervisor page shows satisfaction."""
    finished = db.session.scalars(select(Case).where(Case.status.in_([CaseStatus.RESOLVED, CaseStatus.CLOSED]))
                                  .order_by(Case.id)).all()
    for index, case in enumerate(finished):
        if case.finished_at is None:
            continue
        db.session.add(Rating(item_kind="case", item_id=case.id, user_id=case.created_by_id,
                              queue_id=case.queue_id, agent_id=case.assigned_to_id, score=5 - index % 3,
                              created_at=case.finished_at + timedelta(hours=2)))
