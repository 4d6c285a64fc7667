"""Submitted referrals are items of the agents' inbox: Utilization Management sees them with their
legal decision deadline, takes them with Next, and opening one clears its "New" badge."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpdesk.conftest import switch, text_of
from webapp.blueprints.referrals.inbox_source import decision_due
from webapp.extensions import db
from webapp.models import Referral, ReferralStatus, User


def _pending(app) -> list[Referral]:
    with app.app_context():
        found = list(db.session.scalars(select(Referral).where(Referral.status == ReferralStatus.PENDING)
                                        .order_by(Referral.id)))
        for referral in found:
            db.session.expunge(referral)
        return found


def _row(client, referral) -> str:
    rows = client.get("/inbox").get_data(as_text=True).split("<tr")
    return next(r for r in rows if f'href="/referrals/{referral.id}"' in r)


def test_utilization_management_finds_pending_referrals_in_the_inbox(app, client, demo):
    pending = _pending(app)
    assert pending, "the demo has pending referrals"
    switch(client, "um@plan.example")
    page = text_of(client.get("/inbox"))
    for referral in pending:
        assert referral.code in page
    assert "(legal)" in page
    assert "Referral: Medical" in client.get("/inbox").get_data(as_text=True)  # the Type filter offers it
    only = text_of(client.get("/inbox?type=referral"))
    assert all(r.code in only for r in pending)
    assert "M-0" not in only  # no messages when filtered to referrals
    # the header badge counts the referrals not yet opened
    home = client.get("/").get_data(as_text=True)
    assert re.search(r"Inbox <span class=\"badge\">\d+", home)


def test_next_gives_the_referral_due_first_and_opening_it_clears_new(app, client, demo):
    pending = _pending(app)
    first = min(pending, key=lambda r: (decision_due(r), r.id))
    switch(client, "um@plan.example")
    response = client.post("/inbox/next")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/referrals/{first.id}")
    with app.app_context():
        um = db.session.scalar(select(User).where(User.email == "um@plan.example"))
        assert db.session.get(Referral, first.id).assigned_to_id == um.id
    row_before = _row(client, first)
    assert ">New<" in row_before
    assert "Decision for CPT" in client.get(f"/referrals/{first.id}").get_data(as_text=True)
    row_after = _row(client, first)
    assert ">New<" not in row_after and "Dana Patel" in row_after


def test_an_agent_outside_utilization_management_never_sees_referrals(app, client, demo):
    pending = _pending(app)
    switch(client, "agent@plan.example")
    page = text_of(client.get("/inbox"))
    assert not any(r.code in page for r in pending)
    switch(client, "supervisor@plan.example")  # supervisors read every queue, and act in none
    assert pending[0].code in text_of(client.get("/inbox"))
    assert "Decision for CPT" not in client.get(f"/referrals/{pending[0].id}").get_data(as_text=True)
