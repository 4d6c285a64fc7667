"""Service lines, diagnoses, coverage, payments and the code lists come from CSV extracts: all rows or
none, bad rows named by line; amounts must add up the way a remittance does."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.claims.helpers import (CLAIMS, COVERAGE, DIAGNOSES, LINES, LINES_HEADER, MEMBERS, PAYMENTS, errors_of,
                                  load_small_extracts)
from webapp.blueprints.claims.codes import CODES_FILE, CodesFailed, load_codes
from webapp.blueprints.claims.services import (import_claim_lines, import_claims, import_coverage, import_members,
                                               import_payments, is_valid_routing_number, parse_adjustments)
from webapp.extensions import db
from webapp.models import Claim, CoveragePeriod, LineAdjustment, Payment, RemittanceCode, ServiceLine


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_small_extracts_load_with_lines_adjustments_diagnoses_and_payment(app_ctx):
    load_small_extracts()
    claim = db.session.scalar(select(Claim).where(Claim.claim_number == "900001"))
    assert [(l.procedure_code, l.modifier_list, l.billed_cents, l.paid_cents, l.copay_cents) for l in claim.lines] == [
        ("99213", ["25"], 15000, 8000, 2500), ("36415", [], 4000, 0, 0)]
    assert [(a.label, a.remark_code, a.amount_cents) for a in claim.lines[1].adjustments] == [("CO-97", "M15", 4000)]
    assert claim.lines[0].disallowed_cents == 4500 and claim.lines[0].patient_responsibility_cents == 2500
    assert [(d.code, d.description) for d in claim.diagnoses] == [("I10", "Essential (primary) hypertension")]
    payment = db.session.scalar(select(Payment))
    assert [c.claim_number for c in payment.claims] == ["900001", "900002"] and payment.amount_cents == 15150
    assert count(CoveragePeriod) == 2


def test_reimporting_lines_replaces_a_claims_lines(app_ctx):
    load_small_extracts()
    import_claim_lines(LINES)
    db.session.commit()
    assert count(ServiceLine) == 4 and count(LineAdjustment) == 4


def test_lines_that_do_not_balance_are_refused_by_line_with_nothing_saved(app_ctx):
    import_members(MEMBERS)
    import_claims(CLAIMS)
    bad = LINES_HEADER + (
        "900001,1,2026-03-01,,99213,25,1,150.00,105.00,0,0,25.00,80.00,CO-45:45.00;PR-3:20.00\n"  # 5.00 missing
        "900001,2,2026-03-01,,ABCDE,,1,40.00,0,0,0,0,0,CO-97/M15:40.00\n"
        "900002,1,2026-03-02,,99214,A1:B2:C3:D4:E5,1,100.00,70.00,0,0,0,70.00,CO-45:30.00\n"
        "900003,1,2026-03-02,,99392,,1,60.00,0,0,0,0,0,XX-45:1\n"
        "999999,1,2026-03-02,,99392,,1,60.00,0,0,0,0,0,\n")
    errors = errors_of(import_claim_lines, bad)
    assert errors[0] == "line 2: billed $150.00 less adjustments $65.00 is not the paid amount $80.00"
    assert errors[1] == "line 3: procedure_code 'ABCDE' is not a CPT or HCPCS code"
    assert errors[2].startswith("line 4: modifiers 'A1:B2:C3:D4:E5': at most 4")
    assert errors[3] == "line 5: adjustment 'XX-45:1' must look like CO-45:40.00 or CO-50/N115:80.00" or \
        errors[3].startswith("line 5: adjustment 'XX-45:1': the group code")
    assert errors[4].startswith("line 6: claim_number '999999' is not a known claim")
    assert count(ServiceLine) == 0


def test_lines_must_add_up_to_their_claim(app_ctx):
    import_members(MEMBERS)
    import_claims(CLAIMS)
    only_first = LINES_HEADER + "900001,1,2026-03-01,,99213,25,1,150.00,105.00,0,0,25.00,80.00,CO-45:45.00;PR-3:25.00\n"
    errors = errors_of(import_claim_lines, only_first)
    assert errors == ["line 2: the lines of claim 900001 add up to billed $150.00 and paid $80.00, "
                      "the claim says $190.00 and $80.00"]


def test_patient_share_fields_must_match_the_pr_adjustments(app_ctx):
    import_members(MEMBERS)
    import_claims(CLAIMS)
    bad = LINES_HEADER + "900002,1,2026-03-02,,99214,,1,100.00,70.00,0,0,10.00,60.00,CO-45:30.00;PR-1:10.00\n"
    errors = errors_of(import_claim_lines, bad)
    assert errors == ["line 2: deductible $0.00 differs from the PR-1 adjustments ($10.00)"]


def test_a_payment_must_equal_its_claims_with_interest(app_ctx):
    import_members(MEMBERS)
    import_claims(CLAIMS)
    errors = errors_of(import_payments, PAYMENTS.replace("151.50", "150.00")
                       + "777,CHK,2026-03-20,1.00,000123456,Sunrise,1234567893,\n"
                       + "888,ACH,2026-03-20,1.00,000123456,Sunrise,1234567893,\n")
    assert errors == ["line 2: the amount $150.00 differs from what its 2 claims pay with interest ($151.50)",
                      "line 3: no claim has check_number 777",
                      "line 4: payer_routing is needed for an EFT (ACH) payment"]
    assert count(Payment) == 0


def test_coverage_periods_may_not_overlap(app_ctx):
    import_members(MEMBERS)
    db.session.commit()
    overlapping = COVERAGE.replace("2025-12-31", "2026-02-01")
    assert errors_of(import_coverage, overlapping) == ["line 3: this period overlaps the one from 2025-01-01"]
    assert errors_of(import_coverage, COVERAGE.replace("300.00,6000.00", "1600.00,6000.00")) == [
        "line 3: deductible_met is more than the deductible"]


@pytest.mark.parametrize("raw, expected", [
    ("CO-45:40.00;PR-2:12.50", [("CO", "45", None, 4000), ("PR", "2", None, 1250)]),
    ("co-50/n115:80", [("CO", "50", "N115", 8000)]),
    ("OA-23:-5.00", [("OA", "23", None, -500)]),
    ("", []),
])
def test_adjustments_are_parsed(raw, expected):
    assert [(a["group_code"], a["reason_code"], a["remark_code"], a["amount_cents"])
            for a in parse_adjustments(raw)] == expected


def test_routing_numbers_use_the_aba_checksum():
    assert is_valid_routing_number("111000025") and not is_valid_routing_number("111000026")
    assert not is_valid_routing_number("12345678")


def test_the_code_lists_load_with_official_short_texts(app_ctx):
    assert load_codes(CODES_FILE.read_text()) == 53
    db.session.commit()
    texts = dict(db.session.execute(select(RemittanceCode.code, RemittanceCode.short_text)
                                    .where(RemittanceCode.kind == "CARC")).all())
    assert texts["45"] == "Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement."
    assert texts["16"] == "Claim/service lacks information or has submission/billing error(s)."
    assert count(RemittanceCode) == 53
    load_codes(CODES_FILE.read_text())  # a second load updates in place
    assert count(RemittanceCode) == 53


def test_a_bad_code_file_changes_nothing(app_ctx):
    with pytest.raises(CodesFailed) as failed:
        load_codes("kind,code,short_text,explanation,action\nCARC,45,x,y,z\nFOO,1,x,y,z\nRARC,M15,,y,z\n")
    assert failed.value.errors == ["line 3: kind 'FOO' must be CARC, RARC or GROUP",
                                   "line 4: short_text, explanation and action are all needed"]
    assert count(RemittanceCode) == 0


def test_the_import_commands_cover_every_extract(runner, app_ctx, tmp_path):
    files = {"members": MEMBERS, "coverage": COVERAGE, "claims": CLAIMS, "claim-lines": LINES,
             "diagnoses": DIAGNOSES, "payments": PAYMENTS}
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        result = runner.invoke(args=["import", name, str(path)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["import", "codes", str(CODES_FILE)])
    assert "Imported 53 codes." in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(PAYMENTS.replace("151.50", "1.00"))
    result = runner.invoke(args=["import", "payments", str(bad)])
    assert result.exit_code == 1 and "line 2: the amount $1.00 differs" in result.output
