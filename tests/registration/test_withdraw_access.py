"""A Local Office Administrator withdraws a person's access: it shows as Withdrawn and their sessions end."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import AccessStatus, AuditEvent, ProviderAccess, User, UserSession


def test_withdrawing_access_ends_the_persons_sessions(app, demo):
    staff, loa = app.test_client(), app.test_client()
    sign_in(staff, "staff@sunrise.example")
    sign_in(loa, "loa@sunrise.example")
    page = loa.get("/access-requests").get_data(as_text=True)
    assert "People with access" in page and "Sam Rivera" in page
    action = re.search(r'action="(/access-requests/\d+/withdraw)"', page).group(1)
    response = loa.post(action, follow_redirects=True)
    assert "The access of Sam Rivera to Sunrise Family Medical Group was withdrawn" in response.get_data(as_text=True)
    assert staff.get("/").status_code == 302  # signed out at once
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
        access = db.session.scalar(select(ProviderAccess).where(ProviderAccess.user_id == user.id))
        assert access.status is AccessStatus.WITHDRAWN
        assert db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all() == []
        assert "access.withdrawn" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_another_offices_administrator_cannot_withdraw(app, demo):
    loa, other = app.test_client(), app.test_client()
    sign_in(loa, "loa@sunrise.example")
    action = re.search(r'action="(/access-requests/\d+/withdraw)"',
                       loa.get("/access-requests").get_data(as_text=True)).group(1)
    sign_in(other, "loa@harbor.example")
    assert other.post(action).status_code == 404
    staff = app.test_client()
    sign_in(staff, "staff@sunrise.example")
    assert staff.post(action).status_code == 404
