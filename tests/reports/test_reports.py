"""Reports against a hand-computed fixture (as of 11/16/2026, PCP NPI 1000000004), the pages, and the
CSV download streamed in batches with the same peak memory for a 4x larger roster."""
from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import date

import pytest
from sqlalchemy import select

from webapp.blueprints.claims.services import import_claim_lines, import_claims, import_diagnoses, import_members
from webapp.blueprints.reports import services
from webapp.extensions import db
from webapp.models import Provider

AS_OF = date(2026, 11, 16)
PCP = Provider(npi="1000000004", name="Test PCP")
MEMBER_HEADER = "member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi\n"
MEMBERS = MEMBER_HEADER + """R1,Ava,Baker,2024-05-10,F,Hartford,Medicaid,2024-05-10,,1000000004
R2,Ben,Cole,2025-08-01,M,Hartford,Medicaid,2025-08-01,,1000000004
R3,Cal,Diaz,2020-01-01,M,Hartford,Medicaid,2020-01-01,,1000000004
R4,Dee,Evans,1970-01-01,F,Hartford,Commercial,2020-01-01,,1000000004
R5,Eli,Ford,1990-01-01,M,Hartford,Commercial,2020-01-01,2026-12-31,1000000004
R6,Fay,Gray,2026-08-01,F,Hartford,Medicaid,2026-08-01,,1000000004
R7,Gus,Hill,1970-01-01,M,Hartford,Commercial,2020-01-01,,1234567893
"""
CLAIMS = ("claim_number,member_id,provider_npi,tax_id,service_from,service_to,received_date,paid_date,"
          "billed_amount,paid_amount,status,denial_reason,check_number\n") + "\n".join(
    f"{n},{m},1000000004,000555555,{d},,{d},,{a},0,In Progress,," for n, m, d, a in [
        ("RC1", "R1", "2025-06-01", "10.00"), ("RC2", "R1", "2026-03-01", "100.00"),
        ("RC3", "R1", "2025-10-01", "20.00"), ("RC4", "R2", "2025-09-01", "10.00"),
        ("RC5", "R2", "2026-10-15", "20.00"), ("RC6", "R4", "2026-02-01", "180.00"),
        ("RC7", "R7", "2026-02-01", "30.00")]) + "\n"
LINES = ("claim_number,line_number,service_from,service_to,procedure_code,modifiers,units,billed_amount,"
         "allowed_amount,deductible,coinsurance,copay,paid_amount,adjustments\n") + "\n".join(
    f"{n},{i},{d},,{c},,1,{a},0,0,0,0,0," for n, i, d, c, a in [
        ("RC1", 1, "2025-06-01", "83655", "10.00"), ("RC2", 1, "2026-03-01", "99392", "100.00"),
        ("RC3", 1, "2025-10-01", "90686", "20.00"), ("RC4", 1, "2025-09-01", "83655", "10.00"),
        ("RC5", 1, "2026-10-15", "90686", "20.00"), ("RC6", 1, "2026-02-01", "83036", "30.00"),
        ("RC6", 2, "2026-02-01", "G0439", "150.00"), ("RC7", 1, "2026-02-01", "83036", "30.00")]) + "\n"
DIAGNOSES = ("claim_number,sequence,code,description\nRC6,1,E11.9,Type 2 diabetes mellitus without complications\n"
             "RC7,1,E11.9,Type 2 diabetes mellitus without complications\n")


@pytest.fixture
def fixture_data(app_ctx):
    import_members(MEMBERS)
    import_claims(CLAIMS)
    import_claim_lines(LINES)
    import_diagnoses(DIAGNOSES)
    db.session.commit()


def _csv(report: str, provider=PCP) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(services.report_csv(report, provider, AS_OF)))))


def test_pcp_roster_counts_the_members_assigned_to_the_pcp(fixture_data):
    rows = _csv("pcp_roster")
    assert [r["Member ID"] for r in rows] == ["R1", "R2", "R3", "R4", "R5", "R6"]
    assert rows[4]["Eligible To"] == "12/31/2026" and rows[0]["Date of Birth"] == "05/10/2024"
    page, total = services.roster_page(PCP, 1)
    assert total == 6 and [m.member_id for m in page] == ["R1", "R2", "R3", "R4", "R5", "R6"]


def test_quality_rates_against_hand_computed_figures(fixture_data):
    rates = {r["id"]: (r["eligible"], r["met"], r["rate"]) for r in services.quality_rates(PCP, AS_OF)}
    # WCV: R1 R2 R3 R6 aged 0-6, R1's 99392 in the last 12 months. FLU: all but R6 (3 months old), R2's
    # 90686 of 10/15/2026 (R1's of 10/01/2025 is older than 12 months). HBA1C: R4 (E11, 83036).
    # AWV: R4 (G0439) of R4 and R5.
    assert rates == {"WCV": (4, 1, "25%"), "FLU": (5, 1, "20%"), "HBA1C": (1, 1, "100%"), "AWV": (2, 1, "50%")}
    rows = _csv("quality")
    assert {(r["Measure"], r["Member ID"], r["Status"], r["Last Service Date"]) for r in rows if r["Status"] == "Met"} == {
        ("WCV", "R1", "Met", "03/01/2026"), ("FLU", "R2", "Met", "10/15/2026"),
        ("HBA1C", "R4", "Met", "02/01/2026"), ("AWV", "R4", "Met", "02/01/2026")}
    assert "R7" not in {r["Member ID"] for r in rows}


def test_blood_lead_screening_counts_tests_after_the_first_birthday(fixture_data):
    rows = _csv("blood_lead")
    # R1 (30 months) tested at 12 months; R2 (15 months) tested before the first birthday; R3 (82 months)
    # and R6 (3 months) are outside 12-72 months.
    assert [(r["Member ID"], r["Age in Months"], r["Status"], r["Last Screening Date"]) for r in rows] == [
        ("R1", "30", "Screened", "06/01/2025"), ("R2", "15", "Not screened", "")]


def _peak_bytes(rows: int, offset: int) -> tuple[int, int]:
    import_members(MEMBER_HEADER + "".join(
        f"B{offset + i},First,Last{i:06d},1980-01-01,F,Hartford,Medicaid,2020-01-01,,1000000004\n"
        for i in range(rows)))
    db.session.commit()
    db.session.expunge_all()
    tracemalloc.start()
    chunks = count = 0
    for chunk in services.report_csv("pcp_roster", PCP, AS_OF):
        chunks += 1
        count += chunk.count("\n")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, count, chunks


def test_roster_csv_is_streamed_in_batches_with_constant_memory(app_ctx):
    small_peak, small_rows, small_chunks = _peak_bytes(2000, 0)
    large_peak, large_rows, large_chunks = _peak_bytes(6000, 2000)
    assert (small_rows, large_rows) == (2001, 8001)  # header + every member
    assert (small_chunks, large_chunks) == (3, 9)  # header, then one chunk per 1,000 rows
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def test_reports_page_roster_and_download(signed_in, app):
    client = signed_in("loa@sunrise.example")
    with app.app_context():
        sunrise = db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
        harbor = db.session.scalar(select(Provider).where(Provider.npi == "1555555550"))
        sunrise_id, harbor_id = sunrise.id, harbor.id
    page = client.get("/reports").get_data(as_text=True)
    assert "Report Type" in page and "PCP Membership Roster" in page and "Blood Lead Screening Report" in page
    assert "Pay for Value (Quality Rates Report)" in page and "What each report counts" in page
    response = client.get(f"/reports?report=pcp_roster&provider={sunrise_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "members assigned; page 1 of 1" in page
    response = client.get(f"/reports/download?report=blood_lead&provider={sunrise_id}")
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith("Member ID,Last Name,First Name,Date of Birth,Age in Months")
    response = client.get(f"/reports/download?report=pcp_roster&provider={harbor_id}")
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    response = client.get("/reports?report=pcp_roster&provider=99999999999999999999999&page=x")
    assert response.status_code == 422
    client.post("/sign-out")
    agent = signed_in("agent@plan.example")
    assert agent.get("/reports").status_code == 404
