"""Remittance Advice totals add up; the 835 we write is read back by linuxforhealth-x12 amount by amount;
a malformed 835 is refused naming its segment; another organization's payment is a 404."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.claims.helpers import load_small_extracts
from webapp.blueprints.claims.remittance import (Malformed835, Totals, build_835, claim_totals, read_835,
                                                 remittance_advice)
from webapp.extensions import db
from webapp.models import LineAdjustment, Payment, ServiceLine

PLAN = dict(payer_name="ProviderDesk Health Plan", payer_tax_id="060000001",
            payer_address="PO Box 1000, Hartford, CT 06101", payer_id="NYSPARCS", created=datetime(2026, 12, 1, 9, 30))


def test_line_totals_and_patient_responsibility():
    line = ServiceLine(billed_cents=20000, allowed_cents=14000, deductible_cents=5000, coinsurance_cents=1800,
                       copay_cents=0, paid_cents=7200,
                       adjustments=[LineAdjustment(group_code="CO", reason_code="45", amount_cents=6000),
                                    LineAdjustment(group_code="PR", reason_code="1", amount_cents=5000),
                                    LineAdjustment(group_code="PR", reason_code="2", amount_cents=1800)])
    totals = Totals()
    totals.add_line(line)
    assert line.patient_responsibility_cents == 6800 and line.disallowed_cents == 6000
    assert (totals.billed, totals.allowed, totals.patient_share, totals.paid, totals.adjusted) == (
        20000, 14000, 6800, 7200, 12800)
    assert totals.billed - totals.adjusted == totals.paid
    assert dict(totals.adjustments) == {"CO-45": 6000, "PR-1": 5000, "PR-2": 1800}


def test_remittance_advice_adds_up_to_the_payment(app_ctx):
    load_small_extracts()
    advice = remittance_advice(db.session.scalar(select(Payment)))
    assert [c.claim_number for c in advice.claims] == ["900001", "900002"]
    assert (advice.totals.billed, advice.totals.paid, advice.totals.interest, advice.totals.total_paid) == (
        29000, 15000, 150, 15150)
    assert advice.totals.patient_share == 2500 and advice.balances
    assert dict(advice.totals.adjustments) == {"CO-45": 7500, "PR-3": 2500, "CO-97": 4000}


def test_every_demo_payment_balances_and_round_trips_through_the_835_library(demo, app):
    with app.app_context():
        payments = db.session.scalars(select(Payment)).all()
        assert len(payments) >= 50
        for payment in payments:
            advice = remittance_advice(payment)
            assert advice.balances, payment.trace_number
            [back] = read_835(build_835(advice, **PLAN))
            assert back.trace_number == payment.trace_number and back.amount_cents == payment.amount_cents
            assert back.balances
            assert [c.claim_number for c in back.claims] == [c.claim_number for c in advice.claims]
            for claim, parsed in zip(advice.claims, back.claims):
                totals = claim_totals(claim)
                assert (parsed.billed_cents, parsed.paid_cents, parsed.patient_share_cents, parsed.interest_cents) == (
                    totals.billed, totals.paid, totals.patient_share, claim.interest_cents)
                assert parsed.member_id == claim.member.member_id
                for line, parsed_line in zip(claim.lines, parsed.lines, strict=True):
                    assert (parsed_line.procedure_code, parsed_line.modifiers, parsed_line.units) == (
                        line.procedure_code, line.modifier_list, line.units)
                    assert (parsed_line.billed_cents, parsed_line.paid_cents) == (line.billed_cents, line.paid_cents)
                    assert (parsed_line.allowed_cents or 0) == line.allowed_cents
                    assert sorted((a.group_code, a.reason_code, a.amount_cents) for a in parsed_line.adjustments) == \
                        sorted((a.group_code, a.reason_code, a.amount_cents) for a in line.adjustments)
                    assert parsed_line.remarks == sorted({a.remark_code for a in line.adjustments if a.remark_code})


def test_an_eft_payment_carries_its_bank_details_in_bpr(demo, app):
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.method == "ACH"))
        text = build_835(remittance_advice(payment), **PLAN)
    bpr = next(line for line in text.splitlines() if line.startswith("BPR"))
    assert bpr.startswith("BPR*I*") and "*ACH*CCP*01*123123123*DA*5000012345*1060000001**01*111000025*DA*" in bpr


@pytest.mark.parametrize("mangle, where", [
    (lambda t: re.sub(r"^(CLP\*[^*]*\*[^*]*\*)(\d+)", r"\g<1>1X0", t, count=1, flags=re.M),
     "CLP segment (loop 2100 #1), total_claim_charge_amount"),
    (lambda t: re.sub(r"^(CLP\*[^*]*\*[^*]*\*)(\d+)", r"\g<1>191", t, count=1, flags=re.M),
     "loop 2100 #1"),  # the claim no longer balances against its adjustments
    (lambda t: t.split("SE*")[0], "the file ends before the SE trailer"),
    (lambda t: "hello world, this is not an 835 file at all", "ISA"),
    (lambda t: t.replace("ST*835", "ST*837"), "ST (segment 3)"),
])
def test_a_malformed_835_names_the_segment(app_ctx, mangle, where):
    load_small_extracts()
    text = build_835(remittance_advice(db.session.scalar(select(Payment))), **PLAN)
    with pytest.raises(Malformed835) as failed:
        read_835(mangle(text))
    assert where in str(failed.value)


def test_ra_page_shows_payee_check_codes_totals_and_downloads_the_835(signed_in, app):
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000123456"))
        advice = remittance_advice(payment)
        money = f"${payment.amount_cents / 100:,.2f}"
        number = advice.claims[0].claim_number
    client = signed_in("staff@sunrise.example")
    page = client.get(f"/payments/{payment.id}").get_data(as_text=True)
    assert "Remittance Advice" in page and payment.trace_number in page and money in page
    assert "Sunrise Family Medical Group" in page and number in page and "Download 835" in page
    assert "Charge exceeds fee schedule" in page  # CO-45 explained
    response = client.get(f"/payments/{payment.id}/835")
    assert response.headers["Content-Disposition"] == f'attachment; filename="835-{payment.trace_number}.edi"'
    [back] = read_835(response.get_data(as_text=True))
    assert back.amount_cents == payment.amount_cents


def test_another_organizations_payment_is_404(signed_in, app):
    with app.app_context():
        harbor = db.session.scalar(select(Payment.id).where(Payment.payee_tax_id == "000987654"))
    client = signed_in("staff@sunrise.example")
    assert client.get(f"/payments/{harbor}").status_code == 404
    assert client.get(f"/payments/{harbor}/835").status_code == 404
    assert client.get("/payments/99999999999999999999").status_code == 404
