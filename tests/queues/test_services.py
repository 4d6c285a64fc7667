"""Support queues: the plan's standard queues, agents' assignments, who sees which queues."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Queue, User
from webapp.queues import services


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _queue_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Queue))


def test_standard_queues_are_created_once(app_ctx):
    created = services.ensure_standard_queues()
    db.session.commit()
    again = services.ensure_standard_queues()
    db.session.commit()
    assert _queue_count() == 5
    assert {slug: q.id for slug, q in created.items()} == {slug: q.id for slug, q in again.items()}
    assert services.queue_by_slug("claims-inquiry").name == "Claims Inquiry"
    assert services.queue_by_slug("no-such-queue") is None


def test_assigning_an_agent_twice_keeps_one_assignment(app_ctx, demo):
    agent = _user("appeals@plan.example")
    eligibility = services.queue_by_slug("eligibility")
    services.assign_agent(agent, eligibility)
    services.assign_agent(agent, eligibility)
    db.session.commit()
    assert [q.name for q in services.visible_queues(agent)] == ["Eligibility", "Grievance and Appeals"]


def test_agents_see_their_own_queues_sorted_by_name(app_ctx, demo):
    assert [q.name for q in services.visible_queues(_user("agent@plan.example"))] == \
        ["Claims Inquiry", "Provider Customer Service", "Provider Services"]


def test_admins_see_every_queue_and_provider_users_none(app_ctx, demo):
    admin = _user("admin@plan.example")
    names = [q.name for q in services.visible_queues(admin)]
    assert names == sorted(names) and len(names) == _queue_count() >= 5
    assert services.visible_queues(_user("staff@sunrise.example")) == []
    assert services.visible_queues(_user("loa@harbor.example")) == []
