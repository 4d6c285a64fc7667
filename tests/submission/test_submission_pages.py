"""Submit a Claim as the office uses it: draft saved per section and resumed from My Claims, rejected with
reasons and values kept, corrected, accepted into Claims search, and its 837P read back."""
from __future__ import annotations

import re

import pytest
import time_machine
from sqlalchemy import select

from tests.submission.helpers import clean_values, load_members
from webapp.blueprints.submission.x837 import read_837p
from webapp.extensions import db
from webapp.models import Claim, ClaimStatus, ClaimSubmission, SubmissionStatus


@pytest.fixture
def office(signed_in, demo):
    with demo.app_context():
        load_members()
    with time_machine.travel("2026-11-16 15:00:00Z", tick=False):
        yield signed_in("staff@sunrise.example")


def _start(client) -> str:
    response = client.post("/claims/submissions/new")
    assert response.status_code == 303
    return response.headers["Location"]


def _with_billing(app, values: dict) -> dict:
    with app.app_context():
        return clean_values(**values)


def test_draft_is_saved_per_section_and_resumed_from_my_claims(office, app):
    url = _start(office)
    values = _with_billing(app, {})
    providers = {k: values[k] for k in ("billing_provider_id", "rendering_npi")}
    response = office.post(url, data={**providers, "member_id": "S100", "dx1": "E11.9", "action": "save-member"})
    assert response.status_code == 303 and response.headers["Location"].endswith("saved=member#member")
    my_claims = office.get("/claims/submissions").get_data(as_text=True)
    assert "Draft" in my_claims and "S100" in my_claims
    resume = re.search(r'href="(/claims/submissions/\d+)">Resume claim', my_claims).group(1)
    page = office.get(resume).get_data(as_text=True)
    assert 'value="S100"' in page and 'value="E11.9"' in page and 'value="1987654328"' in page
    # htmx saves on every change and answers only with the status line.
    response = office.post(url, data={**providers, "member_id": "S100", "dx1": "E11.9", "line1_code": "9921"},
                           headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and "Draft saved at 15:00:00 UTC." in fragment and "<form" not in fragment
    assert 'value="9921"' in office.get(url).get_data(as_text=True)


def test_too_long_value_is_not_saved_and_says_so(office, app):
    url = _start(office)
    response = office.post(url, data={"member_id": "S100", "line1_code": "992130", "action": "save-lines"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Field cannot be longer than 5 characters." in page
    assert 'value="992130"' in page
    with app.app_context():
        submission = db.session.scalar(select(ClaimSubmission).order_by(ClaimSubmission.id.desc()))
        assert submission.values_json == '{"billing_provider_id": "%d"}' % submission.billing_provider_id


def test_rejected_then_corrected_then_accepted_and_found_in_claims_search(office, app):
    url = _start(office)
    bad = _with_billing(app, {"rendering_npi": "1987654321", "line2_from": "11/20/2026"})
    response = office.post(url, data={**bad, "action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This claim is rejected" in page
    assert "Rendering Provider NPI: Rendering Provider NPI 1987654321 is not a valid NPI" in page
    assert "Line 2, Date of Service From: Date of Service From 11/20/2026 is in the future" in page
    assert 'value="1987654321"' in page and 'value="11/20/2026"' in page and 'value="ACCT-77"' in page
    with app.app_context():
        submission = db.session.scalar(select(ClaimSubmission).order_by(ClaimSubmission.id.desc()))
        assert submission.status is SubmissionStatus.REJECTED and submission.claim_id is None
    # Resumed later, the reasons are still listed.
    assert "This claim is rejected" in office.get(url).get_data(as_text=True)
    good = _with_billing(app, {"line2_from": "11/02/2026"})
    response = office.post(url, data={**good, "action": "submit"})
    assert response.status_code == 303
    page = office.get(url).get_data(as_text=True)
    number = re.search(r"Claim number <strong>(\d+)</strong>", page).group(1)
    assert number.startswith("269")
    assert "In Progress" in page and "Download 837P" in page
    with app.app_context():
        claim = db.session.scalar(select(Claim).where(Claim.claim_number == number))
        assert claim.status is ClaimStatus.IN_PROGRESS and claim.billed_cents == 16500
        assert [(l.procedure_code, l.modifiers, l.units) for l in claim.lines] == [("99213", "25", 1), ("83036", "", 1)]
        assert [d.code for d in claim.diagnoses] == ["E11.9", "I10"]
    results = office.post("/claims", data={"claim_number": number}).get_data(as_text=True)
    assert number in results and "In Progress" in results
    # An accepted claim is not changed any more.
    assert office.post(url, data={**good, "action": "submit"}).status_code == 409


def test_837p_download_reads_back_with_the_same_amounts(office, app):
    url = _start(office)
    values = _with_billing(app, {"line1_to": "11/03/2026", "line2_units": "1", "line2_charge": "40.55"})
    assert office.post(url, data={**values, "action": "submit"}).status_code == 303
    response = office.get(url + "/837")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "ST*837*0001*005010X222A2~" in text
    [claim] = read_837p(text)
    with app.app_context():
        stored = db.session.scalar(select(Claim).order_by(Claim.id.desc()))
        assert claim.claim_number == stored.claim_number
        assert claim.total_cents == stored.billed_cents == claim.lines_total_cents == 16555
        assert [line.charge_cents for line in claim.lines] == [line.billed_cents for line in stored.lines]
        assert [(l.procedure_code, l.modifiers, l.units, l.pointers) for l in claim.lines] == [
            ("99213", ["25"], 1, [1, 2]), ("83036", [], 1, [1])]
        assert claim.member_id == "S100" and claim.billing_npi == "1234567893"
        assert claim.diagnoses == ["E119", "I10"] and claim.patient_account == "ACCT-77"


def test_other_offices_and_drafts_are_not_found(office, app, client):
    url = _start(office)
    assert office.get(url + "/837").status_code == 404  # a draft has no 837P
    office.post("/sign-out")
    from tests.conftest import sign_in
    sign_in(client, "staff@harbor.example")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"member_id": "X"}).status_code == 404
    assert client.get("/claims/submissions/99999999999999999999").status_code == 404
    assert "S100" not in client.get("/claims/submissions").get_data(as_text=True)


def test_explains_clean_and_rejected(office):
    page = office.get("/claims/submissions").get_data(as_text=True)
    assert "<dt>Clean</dt>" in page and "<dt>Rejected</dt>" in page and "Submit a Claim" in page
