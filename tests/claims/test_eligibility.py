"""Eligibility and benefits: active on the date of service or not, plan, PCP and benefits; each check is
kept and listed; a check of another user is a 404."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from tests.claims.helpers import load_small_extracts
from webapp.blueprints.claims.eligibility import eligibility_result
from webapp.extensions import db
from webapp.models import EligibilityCheck, Member


def test_result_for_a_covered_and_an_uncovered_date(app_ctx):
    load_small_extracts()
    member = db.session.scalar(select(Member).where(Member.member_id == "T100"))
    result = eligibility_result(member, date(2026, 3, 1))
    assert result["active"] and result["plan"] == "Commercial" and result["pcp_npi"] == "1234567893"
    assert result["copays"] == {"Primary care visit": 2500, "Specialist visit": 5000, "Urgent care": 7500,
                                "Emergency room": 25000}
    assert (result["coinsurance_percent"], result["deductible"], result["deductible_met"]) == (20, 150000, 30000)
    assert (result["out_of_pocket_max"], result["out_of_pocket_met"]) == (600000, 45000)
    assert eligibility_result(member, date(2025, 6, 1))["plan"] == "Medicaid"
    earlier = eligibility_result(member, date(2024, 12, 31))
    assert not earlier["active"] and "plan" not in earlier
    other = db.session.scalar(select(Member).where(Member.member_id == "T200"))
    assert eligibility_result(other, date(2026, 3, 1)) == {
        "member_id": "T200", "name": "Bob Kim", "date_of_birth": "1970-03-04", "service_date": "2026-03-01",
        "active": False}


def test_check_by_member_id_is_kept_listed_and_printable(signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = client.post("/eligibility", data={"search_by": "member_id", "member_id": "c10000001",
                                                 "service_date": "2026-11-02"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Active" in page and "Copay: Primary care visit" in page
    assert "Past checks" in page and "C10000001" in page
    check_id = re.search(r"/eligibility/checks/(\d+)", page).group(1)
    printable = client.get(f"/eligibility/checks/{check_id}").get_data(as_text=True)
    assert "Eligibility Result" in printable and "Out-of-pocket maximum" in printable
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(EligibilityCheck)) == 1
    client.post("/sign-out")
    other = signed_in("loa@sunrise.example")
    assert other.get(f"/eligibility/checks/{check_id}").status_code == 404


def test_a_terminated_member_is_not_active_after_the_end_date(signed_in, app):
    client = signed_in("staff@sunrise.example")
    # Demo: every ninth member's coverage ended 06/30/2026.
    page = client.post("/eligibility", data={"search_by": "member_id", "member_id": "C10000009",
                                             "service_date": "2026-07-15"}).get_data(as_text=True)
    assert "Not active" in page and "Last coverage" in page


def test_by_name_and_date_of_birth_finds_a_new_patient_only_on_an_exact_match(signed_in, app):
    with app.app_context():
        harbor_member = db.session.scalar(select(Member).where(Member.member_id == "C20000002"))
        name, born = harbor_member.full_name, harbor_member.date_of_birth.isoformat()
    client = signed_in("staff@sunrise.example")
    by_id = client.post("/eligibility", data={"search_by": "member_id", "member_id": "C20000002",
                                              "service_date": "2026-11-02"}).get_data(as_text=True)
    assert "No member was found" in by_id  # not one of Sunrise's members
    by_name = client.post("/eligibility", data={"search_by": "name", "name": name, "date_of_birth": born,
                                                "service_date": "2026-11-02"}).get_data(as_text=True)
    assert "C20000002" in by_name and "Eligibility" in by_name
    wrong = client.post("/eligibility", data={"search_by": "name", "name": name, "date_of_birth": "1900-01-01",
                                              "service_date": "2026-11-02"}).get_data(as_text=True)
    assert "No member was found" in wrong


def test_missing_fields_are_422_with_messages(signed_in):
    client = signed_in("staff@sunrise.example")
    response = client.post("/eligibility", data={"search_by": "name", "name": "", "service_date": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the Member Name." in page and "Enter the Date of Birth." in page and "Enter the Date of Service." in page
    assert client.post("/eligibility", data={"search_by": "member_id", "member_id": "x" * 300,
                                             "service_date": "2026-01-01"}).status_code == 422
