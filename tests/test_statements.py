"""Statements built once (webapp/statements.py): one statement serves every viewer of a kind, and
each viewer still gets only their own records."""
from __future__ import annotations

from sqlalchemy import select

from webapp.blueprints.cases.services import search_cases
from webapp.blueprints.messages.services import unread_count, visible_threads
from webapp.extensions import db
from webapp.models import ThreadRead, User
from webapp.statements import EVERYTHING, ORGANIZATION, QUEUES, prepared, viewer_kind, viewer_params


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def test_a_statement_is_built_once_per_key():
    built = []

    def build():
        built.append(1)
        return select(User)

    first = prepared(("tests.once",), build)
    assert prepared(("tests.once",), build) is first
    assert len(built) == 1


def test_viewer_kinds_and_their_parameters(app, demo):
    with app.app_context():
        staff, agent, supervisor = (user("staff@sunrise.example"), user("agent@plan.example"),
                                    user("supervisor@plan.example"))
        assert (viewer_kind(staff), viewer_kind(agent), viewer_kind(supervisor)) == (ORGANIZATION, QUEUES, EVERYTHING)
        assert viewer_params(staff) == {"viewer_id": staff.id}
        assert viewer_params(agent) == {"viewer_id": agent.id,
                                        "viewer_queue_ids": [queue.id for queue in agent.queues]}
        assert agent.queues  # the demo agent holds queues, so the list above is not trivially empty


def test_one_prepared_search_keeps_two_offices_apart(app, demo):
    with app.app_context():
        sunrise, harbor = user("staff@sunrise.example"), user("staff@harbor.example")
        sunrise_cases = search_cases(sunrise, per_page=100).items
        harbor_cases = search_cases(harbor, per_page=100).items
        assert sunrise_cases and harbor_cases
        assert {c.provider.tax_id for c in sunrise_cases}.isdisjoint({c.provider.tax_id for c in harbor_cases})
        # The badge's prepared count agrees with the threads the viewer sees, counted here in Python.
        for viewer in (sunrise, harbor, user("agent@plan.example"), user("supervisor@plan.example")):
            reads = {r.thread_id: r.read_at for r in db.session.scalars(
                select(ThreadRead).where(ThreadRead.user_id == viewer.id))}
            threads = db.session.scalars(visible_threads(viewer)).all()
            expected = sum(1 for t in threads if t.id not in reads or t.last_activity_at > reads[t.id])
            assert unread_count(viewer) == expected
