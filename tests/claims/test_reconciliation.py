"""Payment reconciliation: matching rules, totals, unpaid claims by age, CSV export, and an uploaded
835 compared with our claims (a malformed one gets the failing segment and changes nothing)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from sqlalchemy import func, select

from webapp.blueprints.claims.reconciliation import expected_payment, outcome, reconcile, unpaid_by_age
from webapp.blueprints.claims.remittance import Totals, build_835, remittance_advice
from webapp.extensions import db
from webapp.models import Claim, Payment, User

PLAN = dict(payer_name="ProviderDesk Health Plan", payer_tax_id="060000001",
            payer_address="PO Box 1000, Hartford, CT 06101", payer_id="NYSPARCS", created=datetime(2026, 12, 1))


def totals(billed, paid, share=0, **adjustments):
    t = Totals(billed=billed, paid=paid, patient_share=share)
    t.adjustments.update({k.replace("_", "-"): v for k, v in adjustments.items()})
    return t


def test_matching_rules():
    clean = totals(15000, 8000, 2500, CO_45=4500, PR_3=2500)
    assert expected_payment(clean) == 8000 and outcome(clean) == "matched"
    assert outcome(totals(19000, 8000, 2500, CO_45=4500, PR_3=2500, CO_97=4000)) == "partial"
    assert outcome(totals(5000, 0, 0, CO_50=5000)) == "denied"
    assert outcome(totals(5000, 0, 3500, CO_45=1500, PR_1=3500)) == "matched"  # all to the deductible
    assert outcome(totals(5000, 5000, 0, CO_45=1500)) == "overpaid"


def test_reconciliation_page_marks_claims_and_exports_csv(signed_in, app):
    client = signed_in("staff@sunrise.example")
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000123456")
                                    .order_by(Payment.payment_date))
        day = payment.payment_date.isoformat()
        claims = [c.claim_number for c in remittance_advice(payment).claims]
        harbor = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000987654"))
    page = client.get(f"/payments/reconciliation?date_from={day}&date_to={day}").get_data(as_text=True)
    assert payment.trace_number in page and all(number in page for number in claims)
    assert harbor.trace_number not in page
    assert "Matched" in page and "Claims billed and still unpaid" in page
    export = client.get(f"/payments/reconciliation.csv?date_from={day}&date_to={day}")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert rows[0][:4] == ["Payment", "Method", "Payment Date", "Claim Number"]
    assert [row[3] for row in rows[1:-1]] == claims and rows[-1][0] == "Total"
    assert sum(float(row[10]) + float(row[11]) for row in rows[1:-1]) * 100 == payment.amount_cents
    assert client.get("/payments/reconciliation?date_from=2026-05-01&date_to=2026-01-01").status_code == 422


def test_unpaid_claims_are_grouped_by_age(demo, app):
    with app.app_context():
        today = date(2026, 12, 1)
        buckets = dict(unpaid_by_age({"000123456"}, today))
        assert list(buckets) == ["31–60 days", "61–90 days", "Over 90 days"]
        for label, claims in buckets.items():
            for claim in claims:
                age = (today - claim.received_date).days
                assert claim.check_number is None and claim.tax_id == "000123456"
                assert {"31–60 days": 31 <= age <= 60, "61–90 days": 61 <= age <= 90, "Over 90 days": age > 90}[label]
        assert sum(len(c) for c in buckets.values()) > 0


def test_reconcile_totals_add_up(demo, app):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "staff@harbor.example"))
        result = reconcile(user, date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 1))
        paid = sum(p.amount_cents for p in db.session.scalars(select(Payment).where(Payment.payee_tax_id == "000987654")))
        assert result.payment_total == paid == result.totals.total_paid
        assert sum(result.counts.values()) == sum(len(p.claims) for p in result.payments)
        assert result.counts["denied"] > 0 and result.counts["matched"] > 0


def test_an_uploaded_835_is_compared_with_our_claims(signed_in, app):
    client = signed_in("staff@sunrise.example")
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000123456")
                                    .order_by(Payment.amount_cents.desc()))
        text = build_835(remittance_advice(payment), **PLAN)
    page = client.post("/payments/reconciliation/835", data={"file": (io.BytesIO(text.encode()), "era.835")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Matches our claim" in page and "Differs" not in page


def test_a_differing_line_is_reported(signed_in, app):
    client = signed_in("staff@sunrise.example")
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000123456")
                                    .order_by(Payment.amount_cents.desc()))
        advice = remittance_advice(payment)
        claim = advice.claims[0]
        claim_number, line_number, code = claim.claim_number, claim.lines[0].line_number, claim.lines[0].procedure_code
        text = build_835(advice, **PLAN)
        # Pay one dollar less on the first line: move it to a CO-45 so the file still balances.
        segments = text.split("~\n")
        index = next(i for i, s in enumerate(segments) if s.startswith("SVC*"))
        parts = segments[index].split("*")
        parts[3] = f"{float(parts[3]) - 1:.2f}"
        segments[index] = "*".join(parts)
        clp = next(i for i, s in enumerate(segments) if s.startswith("CLP*"))
        clp_parts = segments[clp].split("*")
        clp_parts[4] = f"{float(clp_parts[4]) - 1:.2f}"
        segments[clp] = "*".join(clp_parts)
        segments.insert(index + 2, "CAS*OA*23*1")
        se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
        segments[se] = f"SE*{int(segments[se].split('*')[1]) + 1}*0001"
        changed = "~\n".join(segments)
    page = client.post("/payments/reconciliation/835", data={"file": (io.BytesIO(changed.encode()), "era.835")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Differs" in page and f"Line {line_number} ({code}): paid in the file" in page
    assert "OA-23 $1.00" in page


def test_a_malformed_835_upload_names_the_segment_and_changes_nothing(signed_in, app):
    client = signed_in("staff@sunrise.example")
    with app.app_context():
        payment = db.session.scalar(select(Payment).where(Payment.payee_tax_id == "000123456"))
        text = build_835(remittance_advice(payment), **PLAN)
        broken = re.sub(r"^(SVC\*[^*]+\*)\d+", r"\g<1>12X", text, count=1, flags=re.M)
        before = (db.session.scalar(select(func.count()).select_from(Claim)),
                  db.session.scalar(select(func.sum(Claim.paid_cents))))
    response = client.post("/payments/reconciliation/835", data={"file": (io.BytesIO(broken.encode()), "bad.835")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The 835 file could not be read. It failed at SVC segment (loop 2110 #1), line_item_charge_amount" in page
    for data, message in (({"file": (io.BytesIO(b"\xff\xfe garbage"), "x.835")}, "not an 835 file"),
                          ({}, "Choose an 835 file to compare."),
                          ({"file": "text instead of a file"}, "Choose an 835 file to compare.")):
        response = client.post("/payments/reconciliation/835", data=data, content_type="multipart/form-data")
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert before == (db.session.scalar(select(func.count()).select_from(Claim)),
                          db.session.scalar(select(func.sum(Claim.paid_cents))))
