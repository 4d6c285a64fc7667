"""Helpdesk demo data: calendars and targets, help articles, a supervisor, a few Message Center
threads and ratings so the inbox and the Supervisor page have something to show. Idempotent."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.blueprints.auth.services import create_user
from webapp.helpdesk.targets import seed_demo_service_targets
from webapp.blueprints.kb.demo import seed_demo_articles
from webapp.blueprints.messages.services import Draft, agent_reply, start_thread, subcategory_by_slugs
from webapp.blueprints.providers.services import active_providers
from webapp.blueprints.queues.services import assign_agent
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Case, CaseStatus, Claim, MessageThread, Queue, Rating, Role, ThreadStatus, User

SUPERVISOR_EMAIL = "supervisor@plan.example"
# (provider user, category, sub-category, subject, body, days ago, agent answers)
DEMO_THREADS = [
    ("staff@sunrise.example", "claims", "claim-question", "Paid amount lower than the fee schedule",
     "The office visit was paid below our contracted rate. Can you check the pricing?", 3, False),
    ("loa@sunrise.example", "grievance-and-appeal", "post-service", "Grievance: denied lab panel",
     "We disagree with the denial of the lab panel; records are attached to the claim.", 10, True),
    ("staff@harbor.example", "general-question", "general-question", "Where do we find the fee schedule?",
     "Our new biller needs the current fee schedule.", 1, False),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def seed_demo_helpdesk(password: str) -> None:
    seed_demo_service_targets()
    seed_demo_articles()
    if _user(SUPERVISOR_EMAIL) is None:
        # issue 11 adds a Supervisor role: use it when it exists, an administrator until then
        role = getattr(Role, "SUPERVISOR", Role.ADMIN)
        supervisor = create_user(email=SUPERVISOR_EMAIL, first_name="Pat", last_name="Quinn", role=role,
                                 password=password, position="Helpdesk supervisor")
        for queue in db.session.scalars(select(Queue)):
            assign_agent(supervisor, queue)
        db.session.commit()
    if not db.session.scalar(select(func.count(MessageThread.id))):
        _demo_threads()
    if not db.session.scalar(select(func.count(Rating.id))):
        _demo_ratings()


def _demo_threads() -> None:
    now = utcnow_naive()
    agent, appeals = _user("agent@plan.example"), _user("appeals@plan.example")
    for email, category, sub_slug, subject, body, days, answered in DEMO_THREADS:
        user, sub = _user(email), subcategory_by_slugs(category, sub_slug)
        if user is None or sub is None:
            continue
        provider = active_providers(user)[0]
        claim = None
        if "claim" in (sub.required_fields or ""):
            claim = db.session.scalar(select(Claim).where(Claim.tax_id == provider.tax_id).order_by(Claim.id))
        draft = Draft(subcategory=sub, subject=subject, body=body, claim=claim,
                      member=claim.member if claim else None, contact_name=user.full_name,
                      contact_phone="(860) 555-0142")
        thread = start_thread(user, provider, draft, [], grievance=category == "grievance-and-appeal")
        at = now - timedelta(days=days)
        thread.created_at = thread.last_activity_at = at
        thread.due_at = thread.due_at - timedelta(days=days) if thread.due_at else None
        for message in thread.messages:
            message.created_at = at
        if answered:
            worker = appeals if sub.queue.slug == "grievance-and-appeals" else agent
            thread.assigned_to = worker
            link = f"{current_app.config['PUBLIC_BASE_URL']}/messages/{thread.id}"
            agent_reply(worker, thread, "We received your grievance and opened a review.", [], internal=False,
                        new_status=ThreadStatus.ANSWERED, link=link)
            thread.messages[-1].created_at = at + timedelta(hours=6)
            thread.last_activity_at = at + timedelta(hours=6)
    db.session.commit()


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
    db.session.commit()
