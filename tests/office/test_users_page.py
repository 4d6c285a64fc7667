"""The Local Office Administrator's Users page: who has access, withdraw access, disable/enable an
account (each ends the user's open sessions), resend an invitation; other offices' users are 404."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.accounts_helpers import body, last_mail, mails
from tests.conftest import sign_in
from webapp.blueprints.auth.services import create_user
from webapp.extensions import db
from webapp.models import AccessStatus, ProviderAccess, Role, User, UserSession, UserStatus
from webapp.providers.services import grant_access, provider_by_npi

SUNRISE, HARBOR = "1234567893", "1555555550"


def _ids(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        access = db.session.scalar(select(ProviderAccess).where(ProviderAccess.user_id == user.id))
        return user.id, access.id


def test_the_users_page_lists_the_office_with_role_last_sign_in_and_training(signed_in, app):
    staff = app.test_client()
    sign_in(staff, "staff@sunrise.example")
    loa = signed_in("loa@sunrise.example")
    page = loa.get("/office/users").get_data(as_text=True)
    assert "staff@sunrise.example" in page and "loa@sunrise.example" in page
    assert "harbor.example" not in page
    assert "Staff" in page and "Local Office Administrator" in page
    assert "Due soon" in page and "Passed" in page
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d UTC", page)  # last sign-in shown
    assert "Withdraw access" in page and "Disable account" in page


def test_withdrawing_access_ends_the_users_open_session(signed_in, app):
    staff = app.test_client()
    assert sign_in(staff, "staff@sunrise.example").status_code == 303
    assert staff.get("/").status_code == 200
    user_id, access_id = _ids(app, "staff@sunrise.example")
    loa = signed_in("loa@sunrise.example")
    done = loa.post(f"/office/users/{user_id}/access/{access_id}/withdraw", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "no longer has access to Sunrise Family Medical Group" in text
    assert "Their open sessions were signed out." in text
    assert staff.get("/").headers["Location"].startswith("/sign-in")
    with app.app_context():
        access = db.session.get(ProviderAccess, access_id)
        assert access.status is AccessStatus.WITHDRAWN and not access.is_default
        assert db.session.scalar(select(UserSession).where(UserSession.user_id == user_id)) is None
    # Gone from the page, and a second withdrawal finds nothing.
    assert "staff@sunrise.example" not in loa.get("/office/users").get_data(as_text=True)
    assert loa.post(f"/office/users/{user_id}/access/{access_id}/withdraw").status_code == 404


def test_disable_ends_sessions_and_refuses_sign_in_until_enabled(signed_in, app):
    staff = app.test_client()
    sign_in(staff, "staff@sunrise.example")
    user_id, _ = _ids(app, "staff@sunrise.example")
    loa = signed_in("loa@sunrise.example")
    text = loa.post(f"/office/users/{user_id}/disable", follow_redirects=True).get_data(as_text=True)
    assert "account is disabled and their open sessions were signed out" in text
    assert "Enable account" in text
    assert staff.get("/").headers["Location"].startswith("/sign-in")
    assert sign_in(app.test_client(), "staff@sunrise.example").status_code != 303
    with app.app_context():
        assert db.session.get(User, user_id).status is UserStatus.DISABLED
    text = loa.post(f"/office/users/{user_id}/enable", follow_redirects=True).get_data(as_text=True)
    assert "account is enabled again" in text
    assert sign_in(app.test_client(), "staff@sunrise.example").status_code == 303


def test_an_administrator_cannot_disable_or_withdraw_themselves(signed_in, app):
    loa = signed_in("loa@sunrise.example")
    user_id, access_id = _ids(app, "loa@sunrise.example")
    assert "You cannot disable your own account." in loa.post(
        f"/office/users/{user_id}/disable", follow_redirects=True).get_data(as_text=True)
    assert "You cannot withdraw your own access here." in loa.post(
        f"/office/users/{user_id}/access/{access_id}/withdraw", follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user_id).status is UserStatus.ACTIVE


def test_another_offices_users_and_non_administrators_get_404(signed_in, app):
    user_id, access_id = _ids(app, "staff@sunrise.example")
    harbor = signed_in("loa@harbor.example")
    for path in (f"/office/users/{user_id}/disable", f"/office/users/{user_id}/enable",
                 f"/office/users/{user_id}/resend-invitation",
                 f"/office/users/{user_id}/access/{access_id}/withdraw", "/office/users/99999999999999999999/disable"):
        assert harbor.post(path).status_code == 404, path
    staff = app.test_client()
    sign_in(staff, "staff@harbor.example")
    assert staff.get("/office/users").status_code == 404
    assert staff.post(f"/office/users/{user_id}/disable").status_code == 404
    with app.app_context():
        assert db.session.get(User, user_id).status is UserStatus.ACTIVE


def test_resend_invitation_sends_a_new_credentials_link(signed_in, app):
    with app.app_context():
        invited = create_user(email="invited@sunrise.example", first_name="Ivy", last_name="Invited",
                              role=Role.STAFF, status=UserStatus.PENDING)
        db.session.flush()
        grant_access(invited, provider_by_npi(SUNRISE))
        db.session.commit()
        invited_id = invited.id
    loa = signed_in("loa@sunrise.example")
    page = loa.get("/office/users").get_data(as_text=True)
    assert "Invitation sent" in page and "Resend invitation" in page
    text = loa.post(f"/office/users/{invited_id}/resend-invitation", follow_redirects=True).get_data(as_text=True)
    assert "A new invitation was sent to invited@sunrise.example." in text
    mail = body(last_mail(app, "invited@sunrise.example"))
    assert "/credentials/" in mail
    assert "Sunrise Family Medical Group's administrator invited you again" in mail
    first_link = re.search(r"https?://\S+", mail).group(0)
    assert app.test_client().get(re.sub(r"^https?://[^/]+", "", first_link)).status_code in (200, 303)
    # Resent again (by the plan's administrator this time): the first link stops working, the new one works.
    admin = app.test_client()
    assert sign_in(admin, "admin@plan.example").status_code == 303
    assert admin.post(f"/office/users/{invited_id}/resend-invitation").status_code == 303
    second = body(last_mail(app, "invited@sunrise.example"))
    assert "The health plan's portal administrator invited you again" in second
    assert "earlier invitation links no longer work" in second
    second_link = re.search(r"https?://\S+", second).group(0)
    assert second_link != first_link
    old_page = app.test_client().get(re.sub(r"^https?://[^/]+", "", first_link))
    assert old_page.status_code == 404 and "expired" in old_page.get_data(as_text=True).lower()
    assert app.test_client().get(re.sub(r"^https?://[^/]+", "", second_link)).status_code in (200, 303)
    # Someone who already has a password gets no invitation.
    staff_id, _ = _ids(app, "staff@sunrise.example")
    text = loa.post(f"/office/users/{staff_id}/resend-invitation", follow_redirects=True).get_data(as_text=True)
    assert "there is no invitation to resend" in text
    assert mails(app, "staff@sunrise.example") == []


def test_the_plan_administrator_manages_every_offices_users(signed_in, app):
    """The plan's administrator sees each office's people and can withdraw access, which ends the
    person's open session, as the office's own administrator can."""
    staff = app.test_client()
    assert sign_in(staff, "staff@harbor.example").status_code == 303
    admin = signed_in("admin@plan.example")
    home = admin.get("/").get_data(as_text=True)
    assert 'href="/office/users"' in home and "Training modules" in home
    page = admin.get("/office/users").get_data(as_text=True)
    assert "Everyone with access to any provider's office" in page
    assert "staff@sunrise.example" in page and "staff@harbor.example" in page
    assert "agent@plan.example" not in page  # plan staff are not office users
    user_id, access_id = _ids(app, "staff@harbor.example")
    text = admin.post(f"/office/users/{user_id}/access/{access_id}/withdraw",
                      follow_redirects=True).get_data(as_text=True)
    assert "no longer has access to" in text and "Their open sessions were signed out." in text
    assert staff.get("/").headers["Location"].startswith("/sign-in")
    with app.app_context():
        assert db.session.get(ProviderAccess, access_id).status is AccessStatus.WITHDRAWN
    assert "Office training status" in page
    assert admin.get("/training/office").status_code == 200
