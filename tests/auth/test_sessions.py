"""Sessions live on the server: the cookie carries only a random id; Sign Out really ends it."""
import time_machine
from sqlalchemy import select

from tests.conftest import sign_in
from webapp.extensions import db
from webapp.models import User, UserSession

COOKIE = "pd_session"


def _cookie(client):
    return client.get_cookie(COOKIE).value


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, demo):
    sign_in(client, "staff@sunrise.example")
    copied = _cookie(client)
    assert client.post("/sign-out").status_code == 303
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, copied)
    response = attacker.get("/")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_a_sign_in_stores_a_session_row_and_the_cookie_holds_no_user_id(app, client, demo):
    sign_in(client, "staff@sunrise.example")
    with app.app_context():
        row = db.session.scalars(select(UserSession)).one()
        user = db.session.get(User, row.user_id)
    assert user.email == "staff@sunrise.example" and row.remote_addr == "127.0.0.1"
    serializer = app.session_interface.get_signing_serializer(app)
    stored = serializer.loads(_cookie(client))
    assert stored["_user_id"] != str(user.id) and len(stored["_user_id"]) >= 40
    assert row.id != stored["_user_id"]  # only a hash of the secret is stored


def test_the_absolute_lifetime_ends_a_busy_session(app, client, demo):
    with time_machine.travel("2026-11-23 06:00:00Z", tick=False) as clock:
        sign_in(client, "staff@sunrise.example")
        for _ in range(app.config["SESSION_MAX_HOURS"] * 6 - 1):  # a request every 10 minutes
            clock.shift(600)
            assert client.get("/").status_code == 200
        clock.shift(601)
        assert client.get("/").status_code == 303
        assert "signed out after a period of inactivity" in client.get("/sign-in").get_data(as_text=True)


def test_idle_timeout_is_enforced_on_the_server_even_with_a_fresh_cookie(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        sign_in(client, "staff@sunrise.example")
        copied = _cookie(client)
        clock.shift(app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
        other = app.test_client()
        other.set_cookie(COOKIE, copied)
        assert other.get("/").status_code == 303
        with app.app_context():
            assert db.session.scalars(select(UserSession)).all() == []


def test_my_profile_lists_sessions_and_signs_out_the_others(app, demo):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "staff@sunrise.example")
    sign_in(phone, "staff@sunrise.example")
    page = laptop.get("/profile").get_data(as_text=True)
    assert page.count("<tr>") == 3 and "(this session)" in page and "Sign out other sessions" in page
    response = laptop.post("/profile/sessions/sign-out-others", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Signed out 1 other session." in page and "Sign out other sessions" not in page
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200
