"""Forgot password (code AND security answer) and 60-day rotation."""
from __future__ import annotations

import re

import time_machine
from sqlalchemy import select

from tests.accounts_helpers import body, last_mail, mails, passcode_in
from tests.conftest import DEMO_PASSWORD, sign_in
from tests.mailbox import free_port
from webapp import create_app
from webapp.extensions import db
from webapp.models import User

NEW = "Kestrel#Harbor42"


def _start(app, client, email="staff@sunrise.example"):
    response = client.post("/forgot-password", data={"email": email})
    assert response.status_code == 303 and response.headers["Location"] == "/forgot-password/verify"


def test_forgot_password_needs_code_and_answer(app, client, demo):
    _start(app, client)
    code = passcode_in(last_mail(app, "staff@sunrise.example"))
    assert client.get("/forgot-password/new").headers["Location"] == "/forgot-password"  # code alone: no
    assert client.post("/forgot-password/verify", data={"passcode": code}).status_code == 303
    assert client.get("/forgot-password/new").headers["Location"] == "/forgot-password"  # no answer yet
    page = client.get("/forgot-password/answer").get_data(as_text=True)
    assert "first pet" in page
    wrong = client.post("/forgot-password/answer", data={"answer": "Fido"})
    assert wrong.status_code == 422 and "does not match" in wrong.get_data(as_text=True)
    assert client.post("/forgot-password/answer", data={"answer": "  rEx "}).status_code == 303
    response = client.post("/forgot-password/new", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
    assert sign_in(client, "staff@sunrise.example", NEW).status_code == 303


def test_security_answer_alone_is_not_enough(app, client, demo):
    _start(app, client)
    assert client.get("/forgot-password/answer").headers["Location"] == "/forgot-password"
    assert client.post("/forgot-password/answer", data={"answer": "Rex"}).headers["Location"] == "/forgot-password"


def test_unknown_email_gets_the_same_screens_and_a_mail_without_a_code(app, client, demo):
    _start(app, client, "nobody@example.com")
    [notice] = mails(app, "nobody@example.com")
    assert "no active account" in body(notice) and not re.search(r"\b\d{6}\b", body(notice))
    response = client.post("/forgot-password/verify", data={"passcode": "123456"})
    assert response.status_code == 422 and "not correct" in response.get_data(as_text=True)


def test_wrong_answers_lock_recovery(app, client, demo):
    _start(app, client)
    client.post("/forgot-password/verify", data={"passcode": passcode_in(last_mail(app, "staff@sunrise.example"))})
    for _ in range(app.config["PASSCODE_MAX_ATTEMPTS"]):
        client.post("/forgot-password/answer", data={"answer": "nope"})
    response = client.post("/forgot-password/answer", data={"answer": "Rex"})
    assert response.status_code == 429 and "Too many wrong answers" in response.get_data(as_text=True)


def test_forgot_password_is_rate_limited(app, client, demo):
    for _ in range(app.config["RATE_LIMIT_PER_EMAIL"]):
        client.post("/forgot-password", data={"email": "staff@sunrise.example"})
    response = client.post("/forgot-password", data={"email": "staff@sunrise.example"})
    assert response.status_code == 429 and "Try again in" in response.get_data(as_text=True)


def test_expired_password_must_be_changed_before_anything_else(app, client, demo):
    with time_machine.travel("2027-06-01 09:00:00Z", tick=False):  # long after the demo seed
        assert sign_in(client, "staff@sunrise.example").status_code == 303
        response = client.get("/")
        assert response.status_code == 303 and response.headers["Location"] == "/password/expired"
        assert client.get("/profile").headers["Location"] == "/password/expired"
        reused = client.post("/password/expired", data={"password": DEMO_PASSWORD, "confirm": DEMO_PASSWORD})
        assert reused.status_code == 422 and "cannot reuse" in reused.get_data(as_text=True)
        assert client.post("/password/expired", data={"password": NEW, "confirm": NEW}).status_code == 303
        assert client.get("/").status_code == 200
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
            assert user.password_changed_at.year == 2027


def _through_answer(app, client):
    _start(app, client)
    client.post("/forgot-password/verify", data={"passcode": passcode_in(last_mail(app, "staff@sunrise.example"))})
    assert client.post("/forgot-password/answer", data={"answer": "Rex"}).status_code == 303


def test_a_copied_cookie_cannot_set_a_second_password(app, client, demo):
    _through_answer(app, client)
    copied = client.get_cookie("pd_session").value
    assert client.post("/forgot-password/new", data={"password": NEW, "confirm": NEW}).status_code == 303
    replay = app.test_client()
    replay.set_cookie("pd_session", copied)
    other = "Osprey#Meadow77"
    response = replay.post("/forgot-password/new", data={"password": other, "confirm": other})
    assert response.headers["Location"] == "/forgot-password"
    assert sign_in(app.test_client(), "staff@sunrise.example", other).status_code == 422
    assert sign_in(app.test_client(), "staff@sunrise.example", NEW).status_code == 303


def test_the_grant_expires_after_ten_minutes(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        _through_answer(app, client)
        clock.shift(10 * 60 + 1)
        response = client.post("/forgot-password/new", data={"password": NEW, "confirm": NEW})
        assert response.headers["Location"] == "/forgot-password"
    assert sign_in(client, "staff@sunrise.example", NEW).status_code == 422


def _tries_left(response) -> str:
    return re.search(r"\((\d+) tr(?:y|ies) left\)", response.get_data(as_text=True)).group(1)


def test_counts_are_the_same_for_registered_and_unknown_addresses_across_sessions(app, demo):
    answers = {}
    for email in ("staff@sunrise.example", "nobody@example.com"):
        seen = []
        for _ in range(2):  # two fresh sessions, one wrong code each
            fresh = app.test_client()
            _start(app, fresh, email)
            seen.append(_tries_left(fresh.post("/forgot-password/verify", data={"passcode": "000000"})))
        answers[email] = seen
    assert answers["staff@sunrise.example"] == answers["nobody@example.com"] == ["4", "3"]


def test_mail_down_looks_the_same_for_registered_and_unknown_addresses(app_config, demo):
    app = create_app({**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(),
                      "MAIL_SUPPRESS_SEND": False})
    pages = []
    for email in ("staff@sunrise.example", "nobody@example.com"):
        fresh = app.test_client()
        pages.append(fresh.post("/forgot-password", data={"email": email}, follow_redirects=True)
                     .get_data(as_text=True).replace(email, "ADDRESS"))
    pages = [re.sub(r'(csrf[-_]?token|X-CSRFToken)([^>]*)', r"\1", page, flags=re.I) for page in pages]
    assert "Sending the email is delayed" in pages[0]
    assert pages[0] == pages[1]
