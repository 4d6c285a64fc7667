"""Terms and Conditions re-acceptance at sign-in when TERMS_VERSION changes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import share_compiled_templates, sign_in
from webapp import create_app
from webapp.blueprints.registration import services as registration
from webapp.extensions import db
from webapp.models import User, UserSession
from webapp.providers.services import provider_by_npi
from webapp.search import get_service


@pytest.fixture
def new_terms(demo_config):
    """The demo accepted the terms in force; then the plan publishes version 2027-01."""
    app = share_compiled_templates(create_app(demo_config))
    app.config["TERMS_VERSION"] = "2027-01"
    yield app
    get_service(app).stop()
    with app.app_context():
        db.engine.dispose()


def _accepted(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.terms_version, user.terms_accepted_at


def test_unchanged_terms_ask_nothing(demo):
    client = demo.test_client()
    sign_in(client, "staff@sunrise.example")
    home = client.get("/")
    assert home.status_code == 200 and "Welcome, Sam" in home.get_data(as_text=True)
    assert client.get("/terms/accept").headers["Location"] == "/"  # nothing to accept


def test_a_new_version_is_asked_at_sign_in_before_anything_else(new_terms):
    client = new_terms.test_client()
    assert sign_in(client, "staff@sunrise.example").status_code == 303
    for path in ("/", "/cases/new", "/profile", "/referrals"):
        assert client.get(path).headers.get("Location") == "/terms/accept", path
    page = client.get("/terms/accept").get_data(as_text=True)
    assert "The Terms and Conditions have changed since you accepted version 2026-11. Read the terms" in page
    assert "version 2027-01" in page and "Decline and sign out" in page
    assert client.get("/help").status_code == 200  # help stays reachable

    refused = client.post("/terms/accept", data={})
    assert refused.status_code == 422 and "Read the terms to the end" in refused.get_data(as_text=True)
    assert _accepted(new_terms, "staff@sunrise.example")[0] == "2026-11"

    done = client.post("/terms/accept", data={"read_terms": "y"}, follow_redirects=True)
    assert "Thank you for accepting the updated Terms and Conditions." in done.get_data(as_text=True)
    version, accepted_at = _accepted(new_terms, "staff@sunrise.example")
    assert version == "2027-01" and accepted_at is not None
    assert client.get("/cases/new").status_code == 200
    assert client.get("/terms/accept").headers["Location"] == "/"  # nothing left to accept


def test_declining_signs_out_and_asks_again_next_time(new_terms):
    client = new_terms.test_client()
    sign_in(client, "loa@sunrise.example")
    response = client.post("/terms/accept", data={"decline": "1"}, follow_redirects=True)
    assert "You declined the updated Terms and Conditions, so you were signed out." in response.get_data(as_text=True)
    assert client.get("/").headers["Location"].startswith("/sign-in")
    with new_terms.app_context():
        user = db.session.scalar(select(User).where(User.email == "loa@sunrise.example"))
        assert db.session.scalar(select(UserSession).where(UserSession.user_id == user.id)) is None
    assert _accepted(new_terms, "loa@sunrise.example")[0] == "2026-11"
    sign_in(client, "loa@sunrise.example")
    assert client.get("/").headers["Location"] == "/terms/accept"


def test_plan_staff_are_not_asked(new_terms):
    client = new_terms.test_client()
    sign_in(client, "agent@plan.example")
    assert client.get("/").status_code == 200
    assert client.get("/terms/accept").headers["Location"] == "/"


def test_registration_records_the_version_accepted(demo):
    """Submitted through the registration services (in a request context: they build mail links)."""
    with demo.test_request_context():
        settings = registration.RegistrationSettings.from_config(demo.config)
        reg = registration.start_registration(full_name="Tess Terms", office_address="1 Main St, Hartford, CT",
                                              mobile_phone="860.555.0100", email="tess@example.com",
                                              position="Biller", lifetime_hours=72,
                                              settings=settings).registration
        registration.mark_email_verified(reg)
        registration.accept_terms(reg, "2026-11")
        registration.choose_provider(reg, provider_by_npi("1234567893"), on_behalf=True)
        registration.record_identity(reg, "tin")
        registration.submit_registration(reg, settings=settings)
        db.session.commit()
        user = db.session.scalar(select(User).where(User.email == "tess@example.com"))
        assert user.terms_version == "2026-11" and user.terms_accepted_at is not None
