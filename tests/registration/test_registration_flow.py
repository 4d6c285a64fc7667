"""Register -> passcode -> terms -> provider -> submit -> approval -> credentials -> sign in."""
from __future__ import annotations

import re

import time_machine
from sqlalchemy import select

from tests.accounts_helpers import (DETAILS, NEW_PASSWORD, last_mail, link_in, mails, passcode_in,
                                    register_until_submitted)
from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import (AccessStatus, PasscodeChallenge, ProviderAccess, Registration, Role, User,
                           UserStatus)

QUESTIONS = {"question_1": "first_pet", "answer_1": "Biscuit", "question_2": "first_school",
             "answer_2": "Lincoln  Elementary"}


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _approve_as_loa(app, client, **extra):
    sign_in(client, "loa@sunrise.example")
    page = client.get("/access-requests").get_data(as_text=True)
    access_id = re.search(r'/access-requests/(\d+)"', page).group(1)
    response = client.post(f"/access-requests/{access_id}", data={"approve": "Approve", **extra})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    client.post("/sign-out")
    return int(access_id)


def _create_credentials(app, client, email="nora.quinn@example.com"):
    link = link_in(last_mail(app, email))
    assert link.startswith("/credentials/")
    assert client.get(link).status_code == 303
    code = passcode_in(last_mail(app, email))
    assert client.post("/credentials/verify", data={"passcode": code}).status_code == 303
    response = client.post("/credentials/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    response = client.post("/credentials/questions", data=QUESTIONS)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    return link


def test_whole_registration_to_first_sign_in(app, client, demo):
    page = register_until_submitted(app, client).get_data(as_text=True)
    assert "Local Office Administrator of Sunrise Family Medical Group" in page
    with app.app_context():
        user = _user("nora.quinn@example.com")
        assert user.status is UserStatus.PENDING and user.password_hash is None
        assert user.first_name == "Nora" and user.mobile_phone == "(860) 555-0199"
        registration = db.session.scalar(select(Registration))
        assert registration.terms_version == app.config["TERMS_VERSION"] and registration.terms_accepted_at
    assert "access request" in str(last_mail(app, "loa@sunrise.example")["Subject"])
    assert sign_in(client, "nora.quinn@example.com", NEW_PASSWORD).status_code == 422

    # the header of the administrator counts the waiting request
    sign_in(client, "loa@sunrise.example")
    assert re.search(r'Access requests <span class="badge">1</span>', client.get("/").get_data(as_text=True))
    client.post("/sign-out")
    _approve_as_loa(app, client)
    approval = last_mail(app, "nora.quinn@example.com")
    assert "approved" in str(approval["Subject"])

    _create_credentials(app, client)
    response = sign_in(client, "nora.quinn@example.com", NEW_PASSWORD)
    assert response.status_code == 303
    home = client.get("/").get_data(as_text=True)
    assert "Nora Quinn" in home and "Sunrise Family Medical Group" in home
    with app.app_context():
        user = _user("nora.quinn@example.com")
        assert user.status is UserStatus.ACTIVE and user.role is Role.STAFF
        assert NEW_PASSWORD not in user.password_hash


def test_replayed_credentials_link_is_refused(app, client, demo):
    register_until_submitted(app, client)
    _approve_as_loa(app, client)
    link = _create_credentials(app, client)
    response = client.get(link)
    assert response.status_code == 404 and "cannot be used" in response.get_data(as_text=True)


def test_expired_credentials_link_is_refused(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        register_until_submitted(app, client)
        _approve_as_loa(app, client)
        link = link_in(last_mail(app, "nora.quinn@example.com"))
        clock.shift(app.config["CREDENTIALS_LINK_HOURS"] * 3600 + 1)
        response = client.get(link)
    assert response.status_code == 404 and "expired" in response.get_data(as_text=True)


def test_tampered_link_is_refused(app, client, demo):
    register_until_submitted(app, client)
    _approve_as_loa(app, client)
    link = link_in(last_mail(app, "nora.quinn@example.com"))
    assert client.get(link[:-3] + "abc").status_code == 404


def test_rejection_is_mailed_with_the_reason(app, client, demo):
    register_until_submitted(app, client)
    sign_in(client, "loa@sunrise.example")
    access_id = re.search(r'/access-requests/(\d+)"', client.get("/access-requests").get_data(as_text=True)).group(1)
    client.post(f"/access-requests/{access_id}", data={"reject": "Reject", "reason": "Not on our staff list"})
    message = last_mail(app, "nora.quinn@example.com")
    assert "not approved" in str(message["Subject"]) and "Not on our staff list" in message.get_content()
    with app.app_context():
        assert db.session.get(ProviderAccess, int(access_id)).status is AccessStatus.REJECTED


def test_another_providers_administrator_gets_404(app, client, demo):
    register_until_submitted(app, client)
    with app.app_context():
        access_id = db.session.scalar(select(ProviderAccess.id).where(ProviderAccess.status == AccessStatus.PENDING))
    sign_in(client, "loa@harbor.example")
    assert client.get(f"/access-requests/{access_id}").status_code == 404
    assert client.post(f"/access-requests/{access_id}", data={"approve": "Approve"}).status_code == 404
    client.post("/sign-out")
    sign_in(client, "staff@sunrise.example")
    assert client.get("/access-requests").status_code == 404


def test_replace_current_administrator_only_when_asked(app, client, demo):
    register_until_submitted(app, client)
    _approve_as_loa(app, client, replace_administrator="y")
    with app.app_context():
        nora, linda = _user("nora.quinn@example.com"), _user("loa@sunrise.example")
        assert nora.role is Role.LOCAL_OFFICE_ADMIN and linda.role is Role.STAFF


def test_approval_is_normally_not_a_replacement(app, client, demo):
    register_until_submitted(app, client)
    _approve_as_loa(app, client)
    with app.app_context():
        assert _user("nora.quinn@example.com").role is Role.STAFF
        assert _user("loa@sunrise.example").role is Role.LOCAL_OFFICE_ADMIN


def test_provider_without_administrator_approves_by_emailed_link(app, client, demo):
    proof = {"npi": "1987654328", "proof": "tin", "tax_id": "000123456", "provider_email": "MLopez@sunrise.example"}
    page = register_until_submitted(app, client, tab="practitioner", provider_name="Maria Lopez, MD",
                                    registering_as="behalf", proof=proof).get_data(as_text=True)
    assert "by email to the address the health plan has on file" in page
    request_mail = last_mail(app, "mlopez@sunrise.example")
    link = link_in(request_mail)
    assert "Nora Quinn" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"approve": "Approve", "ssn_last4": "6789"})
    assert response.status_code == 200 and "approved" in response.get_data(as_text=True)
    assert "/credentials/" in link_in(last_mail(app, "nora.quinn@example.com"))
    assert client.get(link).status_code == 404  # single use
    with app.app_context():
        access = db.session.scalar(select(ProviderAccess).join(User, User.id == ProviderAccess.user_id)
                                   .where(User.email == "nora.quinn@example.com"))
        assert access.status is AccessStatus.ACTIVE and access.decided_by is None


def test_same_email_cannot_register_twice_and_the_page_does_not_tell(app, client, demo):
    details = {**DETAILS, "email": "staff@sunrise.example"}
    response = client.post("/register", data=details, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Verify Your Identity" in page
    mail = last_mail(app, "staff@sunrise.example")
    assert "already have an account" in mail.get_content() and not re.search(r"\b\d{6}\b", mail.get_content())
    response = client.post("/register/verify", data={"passcode": "123456"})
    assert response.status_code == 422 and "4 tries left" in response.get_data(as_text=True)
    for _ in range(4):
        response = client.post("/register/verify", data={"passcode": "123456"})
    assert "locked" in response.get_data(as_text=True)  # like a real registration
    with app.app_context():
        assert db.session.scalar(select(Registration)) is None


def test_a_half_finished_registration_is_resumed_not_duplicated(app, client, demo):
    client.post("/register", data=DETAILS)
    other = app.test_client()
    other.post("/register", data=DETAILS)
    with app.app_context():
        assert len(db.session.scalars(select(Registration)).all()) == 1
    # the emailed link continues it in any browser
    third = app.test_client()
    response = third.get(link_in(last_mail(app, DETAILS["email"])))
    assert response.status_code == 303 and response.headers["Location"] == "/register/terms"


def test_expired_registrations_are_cleaned_up(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        client.post("/register", data=DETAILS)
        clock.shift(app.config["REGISTRATION_TTL_HOURS"] * 3600 + 1)
        client.post("/register", data={**DETAILS, "email": "someone.else@example.com"})
        with app.app_context():
            emails = [r.email for r in db.session.scalars(select(Registration))]
            assert emails == ["someone.else@example.com"]
            assert len(db.session.scalars(select(PasscodeChallenge)).all()) == 1


def test_passcode_is_not_stored_in_plain(app, client, demo):
    client.post("/register", data=DETAILS)
    code = passcode_in(last_mail(app, DETAILS["email"]))
    with app.app_context():
        challenge = db.session.scalar(select(PasscodeChallenge))
        assert code not in challenge.code_hash and len(challenge.code_hash) == 64


def test_wrong_passcode_resend_keeps_count_then_lockout(app, client, demo):
    client.post("/register", data=DETAILS)
    for _ in range(3):
        response = client.post("/register/verify", data={"passcode": "000000x"})
        assert response.status_code == 422
    assert "not correct" in response.get_data(as_text=True) and "2 tries left" in response.get_data(as_text=True)
    client.post("/register/resend")
    assert len(mails(app, DETAILS["email"])) == 2
    response = client.post("/register/verify", data={"passcode": "000000x"})
    assert "1 try left" in response.get_data(as_text=True)
    response = client.post("/register/verify", data={"passcode": "000000x"})
    assert "locked" in response.get_data(as_text=True)
    # even the right code is refused while locked
    code = passcode_in(last_mail(app, DETAILS["email"]))
    response = client.post("/register/verify", data={"passcode": code})
    assert response.status_code == 422 and "locked" in response.get_data(as_text=True)
    assert client.post("/register/resend").status_code == 429


def test_expired_passcode_says_so_and_a_new_one_works(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        client.post("/register", data=DETAILS)
        code = passcode_in(last_mail(app, DETAILS["email"]))
        clock.shift(app.config["PASSCODE_TTL_MINUTES"] * 60 + 1)
        response = client.post("/register/verify", data={"passcode": code})
        assert response.status_code == 422 and "expired" in response.get_data(as_text=True)
        client.post("/register/resend")
        new_code = passcode_in(last_mail(app, DETAILS["email"]))
        assert client.post("/register/verify", data={"passcode": new_code}).status_code == 303


def test_steps_cannot_be_skipped(app, client, demo):
    client.post("/register", data=DETAILS)
    assert client.get("/register/terms").headers["Location"] == "/register"
    assert client.post("/register/submit").headers["Location"] == "/register"


def test_bad_details_are_named_and_typed_values_kept(app, client, demo):
    response = client.post("/register", data={**DETAILS, "full_name": "Nora", "mobile_phone": "555-01",
                                              "email": "not-an-email"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error-summary"' in page
    assert "Enter your first and last name." in page
    assert "Enter a 10-digit mobile number" in page and "Enter an email address like" in page
    assert 'value="not-an-email"' in page and "Billing Specialist" in page
    assert mails(app, "not-an-email") == []


def test_terms_need_the_checkbox_without_javascript(app, client, demo):
    client.post("/register", data=DETAILS)
    client.post("/register/verify", data={"passcode": passcode_in(last_mail(app, DETAILS["email"]))})
    response = client.post("/register/terms", data={})
    assert response.status_code == 422 and "Read the terms to the end" in response.get_data(as_text=True)


def test_tax_id_must_be_nine_digits(app, client, demo):
    client.post("/register", data=DETAILS)
    client.post("/register/verify", data={"passcode": passcode_in(last_mail(app, DETAILS["email"]))})
    client.post("/register/terms", data={"read_terms": "y"})
    response = client.get("/register/provider?tab=group&tax_id=12345&search=1")
    assert response.status_code == 422 and "exactly 9 digits" in response.get_data(as_text=True)
    page = client.get("/register/provider?tab=practitioner&first_name=maria&last_name=lop&search=1")
    assert "Maria Lopez, MD" in page.get_data(as_text=True)
    page = client.get("/register/provider?tab=group&name=sunrise&search=1", headers={"HX-Request": "true"})
    text = page.get_data(as_text=True)
    assert "Sunrise Family Medical Group" in text and "<html" not in text


def test_registration_is_rate_limited_per_email(app, client, demo):
    limit = app.config["RATE_LIMIT_PER_EMAIL"]
    for _ in range(limit):
        assert app.test_client().post("/register", data=DETAILS).status_code == 303
    response = client.post("/register", data=DETAILS)
    assert response.status_code == 429 and "Try again in 60 minutes" in response.get_data(as_text=True)


def test_mail_server_down_says_the_email_is_delayed_and_keeps_the_registration(app_config, demo):
    from tests.mailbox import free_port
    from webapp import create_app

    app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(),
                      "MAIL_SUPPRESS_SEND": False})
    client = app.test_client()
    response = client.post("/register", data=DETAILS, follow_redirects=True)
    assert "delayed" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Registration)).email == "nora.quinn@example.com"


def test_step_1_errors_come_back_as_an_htmx_fragment_with_the_input_kept(client, demo):
    response = client.post("/register", headers={"HX-Request": "true"}, data={
        "full_name": "Kim Avery", "office_address": "1200 Sunrise Boulevard", "mobile_phone": "12",
        "email": "kim.avery@newoffice.example", "position": "Biller"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in page
    assert "There is a problem" in page and "Enter a 10-digit mobile number" in page
    assert 'value="kim.avery@newoffice.example"' in page
