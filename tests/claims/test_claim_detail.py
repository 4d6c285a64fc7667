"""Claim detail: the seed's header and tabs (links without JavaScript, a panel fragment for htmx),
member information only at the PCP or group level, codes explained, Ask a Question prefilled."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Claim, LineAdjustment, Member, Payment, Referral, ReferralStatus, ServiceLine


def sunrise_claim(app, *where):
    with app.app_context():
        query = select(Claim).where(Claim.tax_id == "000123456", *where).order_by(Claim.id)
        claim = db.session.scalar(query)
        return claim.id, claim.claim_number


@pytest.mark.parametrize("tab, words", [
    ("services", ["Start Date", "End Date", "Code", "Modifiers", "Billed Quantity", "Billed Amount", "Payable"]),
    ("member", ["Member Information", "Health Network", "Contact Information", "Language", "Patient Account #",
                "Line of Business", "PCP", "Address", "Phone", "Email"]),
    ("providers", ["Payment Provider", "Service Provider", "Provider Name", "Provider ID", "Fax"]),
    ("diagnosis", ["Code(s)", "Description"]),
    ("eob", ["EOB Code", "Billed Amount", "Allowed Amount", "Disallowed Amount", "Coinsurance Amount", "Copay Amount",
             "Deductible Amount", "Paid Amount", "Interest Paid", "EOB Description"]),
])
def test_each_tab_has_the_seeds_fields(signed_in, app, tab, words):
    claim_id, number = sunrise_claim(app, Claim.check_number.is_not(None),
                                     Claim.member_id.in_(select(Member.id).where(Member.pcp_npi == "1234567893")))
    client = signed_in("staff@sunrise.example")
    page = client.get(f"/claims/{claim_id}?tab={tab}").get_data(as_text=True)
    for header in ("CIN", "Date paid", "Date of service", "Check #", "Date received"):
        assert f"<dt>{header}</dt>" in page
    assert f'aria-current="page">{dict(services="Services", member="Member Info", providers="Providers", diagnosis="Diagnosis", eob="EOB")[tab]}</a>' in page
    for word in words:
        assert word in page, word


def test_htmx_gets_only_the_panel(signed_in, app):
    claim_id, _ = sunrise_claim(app)
    client = signed_in("staff@sunrise.example")
    response = client.get(f"/claims/{claim_id}?tab=diagnosis", headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert fragment.strip().startswith('<div id="claim-tabs">') and "<html" not in fragment
    assert "HX-Request" in response.headers["Vary"]


def test_member_info_only_at_the_pcp_or_group_level(signed_in, app):
    with app.app_context():
        elsewhere = db.session.scalar(select(Claim.id).join(Member, Member.id == Claim.member_id)
                                      .where(Claim.tax_id == "000123456", Member.pcp_npi.is_(None)))
        assigned = db.session.scalar(select(Claim.id).join(Member, Member.id == Claim.member_id)
                                     .where(Claim.tax_id == "000123456", Member.pcp_npi == "1987654328"))
    client = signed_in("staff@sunrise.example")
    hidden = client.get(f"/claims/{elsewhere}?tab=member").get_data(as_text=True)
    assert "cannot be viewed" in hidden and "Patient Account #" not in hidden
    shown = client.get(f"/claims/{assigned}?tab=member").get_data(as_text=True)
    assert "Patient Account #" in shown and "Maria Lopez, MD" in shown


def test_a_denied_line_explains_its_code_and_asks_a_prefilled_question(signed_in, app):
    with app.app_context():
        line = db.session.scalar(select(ServiceLine).join(Claim).join(LineAdjustment)
                                 .where(Claim.tax_id == "000123456", LineAdjustment.reason_code == "97"))
        claim_id, number, line_number = line.claim.id, line.claim.claim_number, line.line_number
    client = signed_in("staff@sunrise.example")
    page = client.get(f"/claims/{claim_id}?tab=eob").get_data(as_text=True)
    assert "The benefit for this service is included in the payment/allowance" in page
    assert "What you can do:" in page
    link = re.search(r'href="(/messages/new\?[^"]*code=CO-97[^"]*)"', page).group(1).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert f'value="{number}"' in form and f"Question about claim {number}, code CO-97" in form
    assert f"service line {line_number}" in form
    # A code that is not on the claim prefills nothing beyond the claim.
    plain = client.get(f"/messages/new?claim={claim_id}&code=CO-999").get_data(as_text=True)
    assert f"Question about claim {number}" in plain and "code CO-999" not in plain


def test_search_lists_original_claims_and_the_ra_button(signed_in, app):
    client = signed_in("staff@sunrise.example")
    page = client.post("/claims", data={"date_from": "2026-01-01", "date_to": "2026-12-31", "date_type": "service",
                                        "status": "original"}).get_data(as_text=True)
    with app.app_context():
        originals = db.session.scalars(select(Claim).where(Claim.tax_id == "000123456",
                                                           Claim.status == "original")).all()
        assert originals and all(c.claim_number in page for c in originals)
        assert page.count("Original Claim</td>") == len(originals)
        paid = db.session.scalar(select(Claim).where(Claim.tax_id == "000123456", Claim.check_number.is_not(None)))
        payment_id = db.session.scalar(select(Payment.id).where(Payment.trace_number == paid.check_number))
    page = client.post("/claims", data={"claim_number": paid.claim_number}).get_data(as_text=True)
    for column in ("Status (DOS)", "Claim Number", "Member Name", "CIN", "Date of Service", "Service Provider",
                   "Billed/Payable", "Check"):
        assert f">{column}</th>" in page
    assert f'href="/payments/{payment_id}"' in page and ">RA</a>" in page


def test_member_detail_tabs_and_member_search_by_id(signed_in, app):
    with app.app_context():
        member = db.session.scalar(select(Member).where(Member.member_id == "C10000001"))
        member_pk = member.id
    client = signed_in("staff@sunrise.example")
    search = client.post("/members", data={"search_by": "member_id", "member_id": "C10000001"}).get_data(as_text=True)
    assert "Member ID (also called CIN)" in search and f"/members/{member_pk}" in search
    conditions = client.get(f"/members/{member_pk}?tab=conditions").get_data(as_text=True)
    dates = re.findall(r"<tr><td>(\d\d/\d\d/\d{4})</td>", conditions)
    assert dates and dates == sorted(dates, key=lambda d: (d[6:], d[:2], d[3:5]), reverse=True)
    assert "Not available" in client.get(f"/members/{member_pk}?tab=labs").get_data(as_text=True)
    assert "Not available" in client.get(f"/members/{member_pk}?tab=medications").get_data(as_text=True)
    with app.app_context():
        codes = set(db.session.scalars(select(Referral.code).where(
            Referral.member_id == member_pk, Referral.status != ReferralStatus.DRAFT)))
    referrals = client.get(f"/members/{member_pk}?tab=referrals").get_data(as_text=True)
    assert codes and set(re.findall(r">(RF\d{8})</a>", referrals)) == codes  # the demo's referrals of this member
    assert "2026" in client.get(f"/members/{member_pk}?tab=eligibility").get_data(as_text=True)


def test_other_organizations_claims_and_members_are_404(signed_in, app):
    with app.app_context():
        harbor_claim = db.session.scalar(select(Claim.id).where(Claim.tax_id == "000987654"))
        harbor_member = db.session.scalar(select(Member.id).where(Member.member_id == "C20000001"))
    client = signed_in("staff@sunrise.example")
    for url in (f"/claims/{harbor_claim}?tab=eob", f"/members/{harbor_member}?tab=conditions",
                "/claims/123456789012345678901234"):
        assert client.get(url).status_code == 404
