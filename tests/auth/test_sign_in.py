import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import DEMO_PASSWORD, sign_in
from webapp.blueprints.auth import services
from webapp.blueprints.auth.routes import WRONG_LOGIN
from webapp.extensions import db
from webapp.models import AuditEvent, User, UserStatus


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _set_status(app, email, status):
    with app.app_context():
        _user(email).status = status
        db.session.commit()


def test_sign_in_with_email_then_home_shows_the_name(client, demo):
    response = sign_in(client, "staff@sunrise.example")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Sam Rivera" in page and "Sunrise Family Medical Group" in page


def test_sign_in_with_user_id_in_any_case(app, client, demo):
    with app.app_context():
        code = _user("staff@harbor.example").user_code
    assert sign_in(client, code.lower()).status_code == 303
    assert "Tom Nguyen" in client.get("/").get_data(as_text=True)


def test_email_is_normalised(client, demo):
    assert sign_in(client, "  Staff@Sunrise.EXAMPLE ").status_code == 303
    assert "Sam Rivera" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_user_get_the_same_message_and_keep_the_email(client, demo):
    wrong = sign_in(client, "staff@sunrise.example", "Wrong!Pass2026")
    unknown = sign_in(client, "nobody@sunrise.example", DEMO_PASSWORD)
    for response, typed in ((wrong, "staff@sunrise.example"), (unknown, "nobody@sunrise.example")):
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert WRONG_LOGIN.split(".")[0] in page
        assert f'value="{typed}"' in page
        assert DEMO_PASSWORD not in page and "Wrong!Pass2026" not in page
    assert client.get("/").status_code == 302  # still signed out


def test_empty_fields_are_named_next_to_the_field(client, demo):
    page = sign_in(client, "", "").get_data(as_text=True)
    assert "Enter your email address or User ID." in page
    assert "Enter your password." in page
    assert 'class="error-summary"' in page


def test_a_disabled_account_cannot_sign_in(app, client, demo):
    _set_status(app, "staff@sunrise.example", UserStatus.DISABLED)
    refused = sign_in(client, "staff@sunrise.example")
    assert refused.status_code == 422 and WRONG_LOGIN.split(".")[0] in refused.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/sign-in")  # still signed out


def test_sign_out_ends_the_session(client, demo):
    sign_in(client, "staff@sunrise.example")
    response = client.post("/sign-out")
    assert response.status_code == 303
    assert client.get("/").status_code == 302
    assert "You have signed out." in client.get("/sign-in").get_data(as_text=True)


def test_sign_in_and_failures_are_audited(app, client, demo):
    sign_in(client, "staff@sunrise.example", "nope")
    sign_in(client, "staff@sunrise.example")
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        staff_id = _user("staff@sunrise.example").id
    assert [e.action for e in events] == ["sign_in.failed", "sign_in"]
    assert events[1].user_id == staff_id and events[1].remote_addr == "127.0.0.1"


def test_next_only_goes_to_paths_on_this_site(client, demo):
    response = client.post("/sign-in?next=//evil.example/x",
                           data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/"


def test_idle_timeout_signs_out_and_says_so(app, client, demo):
    idle = app.config["SESSION_IDLE_MINUTES"]
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        sign_in(client, "staff@sunrise.example")
        clock.shift((idle - 1) * 60)
        assert client.get("/").status_code == 200  # activity keeps the session alive
        clock.shift((idle - 1) * 60)
        assert client.get("/").status_code == 200
        clock.shift(idle * 60 + 1)
        response = client.get("/")
        assert response.status_code == 303 and response.headers["Location"] == "/sign-in"
        page = client.get("/sign-in").get_data(as_text=True)
        assert "signed out after a period of inactivity" in page
        assert client.get("/").status_code == 302  # stays signed out


def test_htmx_request_after_idle_timeout_redirects_the_whole_page(app, client, demo):
    with time_machine.travel("2026-11-23 09:00:00Z", tick=False) as clock:
        sign_in(client, "staff@sunrise.example")
        clock.shift(app.config["SESSION_IDLE_MINUTES"] * 60 + 1)
        response = client.get("/", headers={"HX-Request": "true"})
        assert response.headers["HX-Redirect"] == "/sign-in"


def test_sign_out_everywhere_ends_other_sessions(app, demo):
    first, second = app.test_client(), app.test_client()
    sign_in(first, "staff@sunrise.example")
    sign_in(second, "staff@sunrise.example")
    with app.app_context():
        services.sign_out_everywhere(_user("staff@sunrise.example"))
        db.session.commit()
    for client in (first, second):
        assert client.get("/").headers["Location"].startswith("/sign-in")


def test_passwords_are_stored_hashed(demo):
    with demo.app_context():
        user = _user("staff@sunrise.example")
    assert DEMO_PASSWORD not in user.password_hash
    # The suite hashes cheaply (PASSWORD_HASH_METHOD); the app's own default is scrypt.
    assert user.password_hash.startswith(demo.config["PASSWORD_HASH_METHOD"].split(":")[0] + ":")
    from config import load_settings
    from webapp.passwords import hash_password

    assert load_settings({"SECRET_KEY": "x"})["PASSWORD_HASH_METHOD"] == "scrypt"
    demo.config["PASSWORD_HASH_METHOD"] = "scrypt"
    with demo.app_context():
        assert hash_password(DEMO_PASSWORD).startswith("scrypt:")


def test_production_refuses_a_cheap_password_hash():
    from config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD"):
        load_settings({"PROVIDERDESK_ENV": "production", "SECRET_KEY": "x" * 40,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})


@pytest.mark.parametrize("target", [
    "//evil.example", "/%09/evil.example", "/\\evil.example", "https:evil.example", "/%0d%0a/x",
    "javascript:alert(1)", "https://evil.example/", "/%2F/evil.example", "%2F%2Fevil.example", "/%5Cevil.example",
])
def test_next_outside_this_site_goes_home(client, demo, target):
    response = client.post(f"/sign-in?next={target}",
                           data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_next_on_this_site_is_honoured(client, demo):
    response = client.post("/sign-in?next=/profile%3Ftab%3D1",
                           data={"login": "staff@sunrise.example", "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/profile?tab=1"
