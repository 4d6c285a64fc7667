"""Every dashboard figure against a hand-computed fixture: Tax ID 000555555, 01/06/2026-30/11/2026."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from webapp.blueprints.claims.codes import CODES_FILE, load_codes
from webapp.blueprints.claims.eligibility import eligibility_result, record_check
from webapp.blueprints.claims.services import import_claims, import_members, import_payments
from webapp.blueprints.dashboard.services import bars, dashboard
from webapp.extensions import db
from webapp.models import Member, User

TAX_ID = "000555555"
FROM, TO = date(2026, 6, 1), date(2026, 11, 30)
MEMBERS = """member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi
M1,Ida,Moss,1970-01-01,F,Hartford,Commercial,2020-01-01,,1000000004
M2,Jon,Nash,1980-01-01,M,Hartford,Commercial,2020-01-01,,1000000004
"""
# number, member, service, received, paid date, billed, paid, status, denial reason, check
ROWS = [
    ("D1", "M1", "2026-09-01", "2026-09-05", "2026-10-10", "100.00", "80.00", "Finalized", "", "P1"),
    ("D2", "M1", "2026-09-10", "2026-09-12", "2026-10-20", "200.00", "0", "Finalized", "CO-50 Not medically necessary"),
    ("D3", "M2", "2026-10-01", "2026-10-03", "2026-11-15", "50.00", "0", "Finalized", "CO-16 Lacks information"),
    ("D4", "M2", "2026-10-05", "2026-10-06", "2026-11-20", "300.00", "0", "Finalized", "CO-50 Not medically necessary"),
    ("D5", "M1", "2026-11-20", "2026-11-25", "", "120.00", "0", "In Progress", ""),
    ("D6", "M2", "2026-09-20", "2026-09-25", "", "80.00", "0", "In Progress", ""),
    ("D7", "M1", "2026-07-01", "2026-07-10", "", "40.00", "0", "Check Pending", ""),
    ("D8", "M2", "2026-09-01", "2026-09-02", "2026-09-30", "500.00", "0", "Original Claim", "CO-16 Lacks information"),
    ("D9", "M2", "2026-05-01", "2026-10-15", "", "60.00", "0", "In Progress", ""),
    ("X1", "M1", "2026-09-01", "2026-09-05", "2026-10-10", "700.00", "0", "Finalized", "CO-97 Bundled"),
    # Paid before the range and before both windows; only their payments' dates count.
    ("D10", "M1", "2026-05-15", "2026-05-16", "2026-05-20", "25.00", "25.00", "Finalized", "", "P2"),
    ("D11", "M1", "2026-05-15", "2026-05-16", "2026-05-21", "999.00", "999.00", "Finalized", "", "P3"),
]
PAYMENTS = """trace_number,method,payment_date,amount,payee_tax_id,payee_name,payee_npi,payee_address
P1,CHK,2026-11-20,80.00,000555555,Test Office,1000000004,
P2,CHK,2026-09-15,25.00,000555555,Test Office,1000000004,
P3,CHK,2026-08-01,999.00,000555555,Test Office,1000000004,
"""


@pytest.fixture
def board(demo):
    with demo.app_context():
        import_members(MEMBERS)
        header = ("claim_number,member_id,provider_npi,tax_id,service_from,service_to,received_date,paid_date,"
                  "billed_amount,paid_amount,status,denial_reason,check_number\n")
        import_claims(header + "".join(
            f"{n},{m},1000000004,{'000987654' if n == 'X1' else TAX_ID},{s},,{r},{p},{b},{a},{st},{d},{c}\n"
            for n, m, s, r, p, b, a, st, d, *check in ROWS for c in [check[0] if check else ""]))
        import_payments(PAYMENTS)
        load_codes(CODES_FILE.read_text())
        user = db.session.scalar(select(User).where(User.email == "staff@sunrise.example"))
        m2 = db.session.scalar(select(Member).where(Member.member_id == "M2"))
        record_check(user, m2, date(2026, 9, 20), eligibility_result(m2, date(2026, 9, 20)))  # D6 checked
        db.session.commit()
        yield dashboard(TAX_ID, FROM, TO)


def test_payments_and_adjustments_in_the_last_30_and_90_days(board):
    assert board.payments == {30: 8000, 90: 10500}  # P1; P1 + P2 (P3 is older)
    # 30 days (11/01-11/30): D3 50 + D4 300; 90 days (09/02-11/30): + D1 20 + D2 200. D8 is an Original Claim.
    assert board.adjustments == {30: 35000, 90: 57000}


def test_outstanding_balance_and_days_in_ar(board):
    assert (board.outstanding_cents, board.outstanding_count) == (30000, 4)  # D5 D6 D7 D9
    # Charges with a date of service in the range: D1-D7 = 890.00 over 183 days; 300.00 / (890.00 / 183)
    assert board.days_in_ar == 61.7


def test_denial_rate_and_its_trend_by_month(board):
    assert board.trend == [("2026-10", 2, 1), ("2026-11", 2, 2)]
    assert (board.denied, board.adjudicated, board.denial_rate) == (3, 4, 0.75)


def test_claims_pending_by_age(board):
    assert board.pending == [("0–30 days", 1, 12000), ("31–60 days", 1, 6000), ("61–90 days", 1, 8000),
                             ("90+ days", 1, 4000)]  # D5 5 days, D9 46, D6 66, D7 143


def test_top_denial_codes_with_their_explanation(board):
    assert [(code, count) for code, count, _ in board.top_codes] == [("CO-50", 2), ("CO-16", 1)]
    assert all(text and text != "No explanation on file." for _, _, text in board.top_codes)


def test_pending_eligibility_checks(board):
    assert board.eligibility_pending == 3  # D5 D7 D9 (D6's member was checked for its date of service)


def test_chart_bars_scale_to_the_largest_value():
    result = bars([("a", 50, "50"), ("b", 100, "100"), ("c", 0, "0")], width=300, height=140)
    assert [b.height for b in result] == [50.0, 100.0, 0.0]
    assert [b.x for b in result] == [20.0, 120.0, 220.0]


def test_dashboard_page_shows_figures_charts_and_tables(signed_in, app):
    client = signed_in("staff@sunrise.example")
    response = client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tax ID 000123456" in page
    assert page.count("<svg") == 2 and "Denial rate by month" in page and "Claims pending by age" in page
    assert "Days in accounts receivable" in page and "Top denial codes" in page
    response = client.get("/dashboard?tax_id=000987654&date_from=2026-01-01&date_to=2026-06-30")
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    response = client.get("/dashboard?tax_id=000123456&date_from=2026-07-01&date_to=2026-01-01")
    assert response.status_code == 422 and "The To date must be on or after the From date." in response.get_data(as_text=True)
