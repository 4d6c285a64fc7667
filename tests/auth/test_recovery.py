"""Forgot password (code AND security answer) and 60-day rotation."""
from __future__ import annotations

import time_machine
from sqlalchemy import select

from tests.accounts_helpers import last_mail, mails, passcode_in
from tests.conftest import DEMO_PASSWORD, sign_in
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


def test_unknown_email_gets_the_same_screens_and_no_mail(app, client, demo):
    _start(app, client, "nobody@example.com")
    assert mails(app, "nobody@example.com") == []
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
