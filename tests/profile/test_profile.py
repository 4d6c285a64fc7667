"""My Profile and My Collections."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.accounts_helpers import SUNRISE_PROOF, last_mail, passcode_in
from tests.conftest import DEMO_PASSWORD, sign_in
from webapp.blueprints.account.questions import check_security_answer
from webapp.extensions import db
from webapp.models import AccessStatus, ProviderAccess, User

NEW = "Kestrel#Harbor42"


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_profile_shows_name_email_and_user_id_behind_show_details(app, signed_in):
    client = signed_in("staff@sunrise.example")
    assert 'href="/profile"' in client.get("/").get_data(as_text=True)  # via the user's name
    page = client.get("/profile").get_data(as_text=True)
    with app.app_context():
        code = _user("staff@sunrise.example").user_code
    assert "Sam Rivera" in page and "staff@sunrise.example" in page
    assert "<summary>Show Details</summary>" in page and code in page


def test_edit_info_saves_demographics_but_not_name_or_email(app, signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/profile/edit", data={"mobile_phone": "+1 860 555 0100", "position": "Biller",
                                                  "office_address": "1 Main St, Hartford, CT 06103",
                                                  "first_name": "Evil", "email": "x@evil.example"})
    assert response.status_code == 303
    assert "Your demographic information has been updated." in client.get("/profile").get_data(as_text=True)
    with app.app_context():
        user = _user("staff@sunrise.example")
        assert (user.mobile_phone, user.position, user.first_name) == ("(860) 555-0100", "Biller", "Sam")


def test_edit_info_bad_phone_is_named_and_kept(signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/profile/edit", data={"mobile_phone": "12", "position": "Biller",
                                                  "office_address": "1 Main St"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Enter a 10-digit mobile number" in page and 'value="12"' in page


def _verify(app, client, purpose):
    assert client.post(f"/profile/verify/{purpose}/start").status_code == 303
    code = passcode_in(last_mail(app, "staff@sunrise.example"))
    response = client.post(f"/profile/verify/{purpose}", data={"passcode": code})
    assert response.status_code == 303


def test_change_password_needs_the_emailed_code_and_signs_out_other_sessions(app, signed_in):
    client = signed_in("staff@sunrise.example")
    other = app.test_client()
    sign_in(other, "staff@sunrise.example")
    assert client.get("/profile/password").status_code == 303  # not verified yet
    page = client.post("/profile/verify/password", data={"passcode": "123456"}).get_data(as_text=True)
    assert "There is no verification code waiting" in page
    _verify(app, client, "password")
    response = client.post("/profile/password", data={"password": DEMO_PASSWORD, "confirm": DEMO_PASSWORD})
    assert response.status_code == 422 and "cannot reuse" in response.get_data(as_text=True)
    response = client.post("/profile/password", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 303
    assert "Your password has been updated" in client.get("/profile").get_data(as_text=True)
    assert other.get("/").status_code == 302  # the other session ended
    client.post("/sign-out")
    assert sign_in(client, "staff@sunrise.example", NEW).status_code == 303


def test_change_security_needs_the_code_then_saves(app, signed_in):

    client = signed_in("staff@sunrise.example")
    _verify(app, client, "security")
    response = client.post("/profile/security", data={"question_1": "first_car", "answer_1": "Volvo",
                                                      "question_2": "first_job", "answer_2": "Lifeguard"})
    assert response.status_code == 303
    with app.app_context():
        assert check_security_answer(_user("staff@sunrise.example"), "first_car", "volvo")


def test_collections_add_a_provider_pending_then_active_then_default(app, signed_in):
    client = signed_in("staff@harbor.example")
    page = client.get("/profile/collections").get_data(as_text=True)
    assert "Harbor Pediatrics" in page and "Active" in page and "I need additional access" in page
    # the old address leads to "I need additional access", with the search kept
    assert client.get("/profile/collections/add?tab=group").headers["Location"] == "/additional-access?tab=group"
    page = client.get("/additional-access?tab=group&tax_id=000123456&search=1").get_data(as_text=True)
    provider_id = re.search(r'value="(\d+)"[^>]*> <label for="provider-\d+">Sunrise', page).group(1)
    response = client.post("/additional-access?tab=group&tax_id=000123456&search=1",
                           data={"pick-provider_id": provider_id, "pick-role": "staff", "pick-registering_as": "behalf"})
    assert response.headers["Location"] == "/additional-access/identity"
    response = client.post("/additional-access/identity", data=SUNRISE_PROOF)
    assert response.status_code == 303 and response.headers["Location"] == "/profile/collections"
    assert re.search(r"Sunrise Family Medical Group</td>\s*<td>\d+</td>\s*<td>Pending",
                     client.get("/profile/collections").get_data(as_text=True))
    assert "access request" in str(last_mail(app, "loa@sunrise.example")["Subject"])

    admin = app.test_client()
    sign_in(admin, "loa@sunrise.example")
    with app.app_context():
        access_id = db.session.scalar(select(ProviderAccess.id).where(
            ProviderAccess.status == AccessStatus.PENDING,
            ProviderAccess.user_id == _user("staff@harbor.example").id))
    assert admin.post(f"/access-requests/{access_id}", data={"approve": "Approve"}).status_code == 303
    assert "Sign in to see it in My Collections" in last_mail(app, "staff@harbor.example").get_content()

    assert client.post(f"/profile/collections/{access_id}/default").status_code == 303
    with app.app_context():
        user = _user("staff@harbor.example")
        defaults = [a.provider.name for a in user.provider_accesses if a.is_default]
        assert defaults == ["Sunrise Family Medical Group"]


def test_only_own_active_providers_can_be_made_default(app, signed_in):
    client = signed_in("staff@harbor.example")
    with app.app_context():
        other = db.session.scalar(select(ProviderAccess.id).join(User, User.id == ProviderAccess.user_id)
                                  .where(User.email == "staff@sunrise.example"))
    response = client.post(f"/profile/collections/{other}/default")
    assert response.status_code == 404 and "Sunrise" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProviderAccess, other).is_default  # still Sunrise staff's default
        harbor = _user("staff@harbor.example")
        assert [a.provider.name for a in harbor.provider_accesses if a.is_default] == ["Harbor Pediatrics"]


def test_profile_needs_sign_in(client, demo):
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    page = client.get("/profile", follow_redirects=True).get_data(as_text=True)
    assert "Sign in to ProviderDesk" in page and "staff@sunrise.example" not in page
