"""Create Case: type first, the form in place, a numbered New case routed to its queue."""
from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from tests.cases.helpers import claim_form, new_case
from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.cases import services
from webapp.blueprints.cases.case_types import CASE_TYPES
from webapp.extensions import db
from webapp.models import AuditEvent, Case, CaseStatus


def test_the_type_comes_first_and_the_form_follows(world, signed_in):
    client = signed_in("staff@sunrise.example")
    page = client.get("/cases/new").get_data(as_text=True)
    assert "Select the type of case" in page
    for label in ("Claim", "Eligibility", "Enrollment", "General Question"):
        assert f">{label}</option>" in page
    assert "Patient Name" not in page

    full = client.get("/cases/new?type=claim").get_data(as_text=True)
    assert "New Claim Case" in full and "<html" in full
    fragment = client.get("/cases/new?type=claim", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="case-form">') and "<html" not in fragment
    for label in ("Contact Email", "NPI", "Action", "Payer ID", "Patient Name", "Member ID",
                  "Date of Service", "Billed Amount", "Date Submitted", "ECT Number",
                  "Patient Account Number", "Subject", "Description"):
        assert re.search(rf">{re.escape(label)}(<span class=\"required\"|</label>)", fragment), label
    assert 'value="NYSPARCS"' in fragment and 'value="staff@sunrise.example"' in fragment
    assert re.search(r'<input[^>]*disabled[^>]*name="ect_number"|<input[^>]*name="ect_number"[^>]*disabled',
                     fragment)
    assert "Do not use" in fragment


def test_saving_a_claim_creates_a_new_numbered_case_in_claims_inquiry(world, signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = client.post("/cases/new?type=claim", data=claim_form())
    assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Case {number} was created" in page
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.number == number))
        assert case.status == CaseStatus.NEW and case.queue.name == "Claims Inquiry"
        assert case.provider.name == "Sunrise Family Medical Group"
        assert case.details["billed_amount"] == "1250.50"
        assert re.fullmatch(rf"{case.created_at:%m%d%Y}\d{{4,}}", number)
        assert db.session.scalar(select(func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "case.create")) == 1


def test_bad_input_is_422_keeps_what_was_typed_and_saves_nothing(world, signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = client.post("/cases/new?type=claim",
                           data=claim_form(billed_amount="-3", npi="1234567890", subject=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page and "Enter the Subject" in page
    assert "Enter a valid NPI" in page and "Enter Billed Amount as an amount" in page
    assert 'value="Jamie Test"' in page and 'value="-3"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 0


@pytest.mark.parametrize("slug, queue", [
    ("claim", "Claims Inquiry"), ("eligibility", "Eligibility"), ("enrollment", "EN Enrollments"),
    ("general", "Provider Customer Service"),
])
def test_each_type_routes_to_its_queue(world, app, slug, queue):
    with app.app_context():
        case = new_case("staff@sunrise.example", slug, date_of_birth="01/02/1980", tax_id="123456",
                        enrollment_request="New enrollment")
        assert case.queue.name == queue and case.case_type == slug


def test_agents_cannot_create_cases(world, signed_in):
    assert signed_in("agent@plan.example").get("/cases/new").status_code == 403


def test_case_numbers_are_unique_and_sequential_under_concurrent_saves(world, app):
    with app.app_context():
        staff_id = find_user_by_login("staff@sunrise.example").id
    numbers, failures = [], []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def save(_):
        with app.app_context():
            try:
                from webapp.models import User
                user = db.session.get(User, staff_id)
                clean, errors = services.validate_case_input(
                    CASE_TYPES["general"], claim_form(), allowed_npis={"1234567893"},
                    today=services.utcnow_naive().date())
                start.wait()
                for _ in range(3):
                    case, _ = services.create_case(user, CASE_TYPES["general"], clean, limit=1000,
                                                   window_minutes=10)
                    db.session.commit()
                    with lock:
                        numbers.append(case.number)
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(numbers) == 24 and len(set(numbers)) == 24
    sequence = sorted(int(n[8:]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 24))  # no gaps, none reused
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 24


def test_creation_is_rate_limited_per_user(world, signed_in, app):
    app.config.update(CASE_CREATE_LIMIT=2, CASE_CREATE_WINDOW_MINUTES=10)
    client = signed_in("staff@sunrise.example")
    assert client.post("/cases/new?type=claim", data=claim_form()).status_code == 303
    assert client.post("/cases/new?type=claim", data=claim_form()).status_code == 303
    third = client.post("/cases/new?type=claim", data=claim_form(subject="Third"))
    assert third.status_code == 429 and "Retry-After" in third.headers
    assert "You have created 2 cases in the last 10 minutes" in third.get_data(as_text=True)
    assert 'value="Third"' in third.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Case.id))) == 2
        # Another user is not limited by Sam's cases.
        assert new_case("loa@sunrise.example").number


def test_the_window_passes(world, app):
    import time_machine

    from datetime import datetime, timedelta, timezone
    with app.app_context():
        user = find_user_by_login("staff@sunrise.example")
        clean, _ = services.validate_case_input(CASE_TYPES["general"], claim_form(),
                                                allowed_npis={"1234567893"}, today=datetime.now().date())
        start = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
        with time_machine.travel(start, tick=False):
            services.create_case(user, CASE_TYPES["general"], clean, limit=1, window_minutes=10)
            db.session.commit()
            case, refused = services.create_case(user, CASE_TYPES["general"], clean, limit=1, window_minutes=10)
            assert case is None and refused == {services.RATE_LIMITED: (
                "You have created 1 cases in the last 10 minutes. Please wait a few minutes before creating another.")}
            db.session.rollback()
        with time_machine.travel(start + timedelta(minutes=11), tick=False):
            services.create_case(user, CASE_TYPES["general"], clean, limit=1, window_minutes=10)
            db.session.commit()


def test_a_new_case_type_is_data_only(world, signed_in, app, monkeypatch):
    from webapp.blueprints.cases import case_types
    from webapp.blueprints.cases.case_types import (
        CONTACT_SECTION,
        DESCRIPTION_SECTION,
        CaseType,
        FieldSpec,
        Section,
    )

    referral = CaseType("referral", "Referral", "provider-customer-service", (
        CONTACT_SECTION, Section("Referral Information", (FieldSpec("referral_id", "Reference ID"),)),
        DESCRIPTION_SECTION))
    monkeypatch.setitem(case_types.CASE_TYPES, "referral", referral)
    client = signed_in("staff@sunrise.example")
    assert '<option value="referral">Referral</option>' in client.get("/cases/new").get_data(as_text=True)
    assert "Reference ID" in client.get("/cases/new?type=referral").get_data(as_text=True)
    data = {"contact_email": "a@sunrise.example", "npi": "1234567893", "referral_id": "R-1",
            "subject": "Referral question", "description": "When?"}
    response = client.post("/cases/new?type=referral", data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reference ID" in page and "R-1" in page and "Referral" in page


def test_a_user_without_an_active_provider_gets_an_error_and_no_case(world, app):
    with app.app_context():
        agent = find_user_by_login("agent@plan.example")
        clean, _ = services.validate_case_input(CASE_TYPES["general"], claim_form(), allowed_npis={"1234567893"},
                                                today=services.utcnow_naive().date())
        case, refused = services.create_case(agent, CASE_TYPES["general"], clean, limit=10, window_minutes=10)
        assert case is None and refused == {
            "provider": "No provider is active in your collection, so a case cannot be created."}
        db.session.rollback()
        assert db.session.scalar(select(func.count(Case.id))) == 0
