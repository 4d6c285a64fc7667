"""Members and claims come from CSV files: all rows or none, bad rows named by line number."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.blueprints.claims.services import ImportFailed, import_claims, import_members
from webapp.extensions import db
from webapp.models import Claim, ClaimStatus, Member

MEMBERS = """member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi
T100,Ann,Lee,1960-02-03,F,Hartford,Medicaid,2025-01-01,,1234567893
T200,Bob,Kim,03/04/1970,M,Milford,Commercial,,,
"""
CLAIMS_HEADER = ("claim_number,member_id,provider_npi,tax_id,service_from,service_to,received_date,"
                 "paid_date,billed_amount,paid_amount,status,denial_reason,check_number\n")
GOOD_CLAIM = "900001,T100,1234567893,000123456,2026-03-01,2026-03-01,2026-03-05,2026-03-20,120.50,80.00,Finalized,,12345\n"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_good_files_are_imported_and_a_second_run_updates_in_place(app_ctx):
    assert import_members(MEMBERS) == 2
    assert import_claims(CLAIMS_HEADER + GOOD_CLAIM) == 1
    claim = db.session.scalar(select(Claim))
    assert (claim.billed_cents, claim.paid_cents, claim.status) == (12050, 8000, ClaimStatus.FINALIZED)
    assert claim.member.member_id == "T100" and claim.tax_id == "000123456"
    changed = GOOD_CLAIM.replace("Finalized", "Check Pending")
    assert import_claims(CLAIMS_HEADER + changed) == 1
    assert count(Claim) == 1 and db.session.scalar(select(Claim)).status == ClaimStatus.CHECK_PENDING
    assert count(Member) == 2


def test_a_bad_row_is_reported_by_line_and_nothing_of_the_file_is_imported(app_ctx):
    import_members(MEMBERS)
    bad = (CLAIMS_HEADER + GOOD_CLAIM
           + "900002,T100,1234567890,000123456,2026-03-01,,2026-03-05,,10.00,0,Finalized,,\n"
           + "900003,NOPE,1234567893,12345,2026-13-01,,2026-03-05,,-1,0,Paid,,\n")
    try:
        import_claims(bad)
    except ImportFailed as failed:
        errors = failed.errors
    else:
        raise AssertionError("the bad file was accepted")
    assert errors[0] == "line 3: provider_npi '1234567890' is not a valid NPI"
    assert errors[1].startswith("line 4: member_id 'NOPE' is not a known member")
    assert count(Claim) == 0  # the good first row was not imported either


def test_a_missing_header_column_is_line_1(app_ctx):
    try:
        import_members("member_id,first_name\nX1,Ann\n")
    except ImportFailed as failed:
        assert failed.errors[0].startswith("line 1: the header lacks last_name")
    else:
        raise AssertionError("accepted")


def test_the_commands_import_files_and_refuse_bad_ones(runner, app_ctx, tmp_path):
    members, claims = tmp_path / "members.csv", tmp_path / "claims.csv"
    members.write_text(MEMBERS)
    claims.write_text(CLAIMS_HEADER + GOOD_CLAIM.replace("120.50", "12.345"))
    result = runner.invoke(args=["import", "members", str(members)])
    assert result.exit_code == 0 and "Imported 2 members." in result.output
    result = runner.invoke(args=["import", "claims", str(claims)])
    assert result.exit_code == 1
    assert "line 2: billed_amount '12.345' must be zero or more with at most two decimals" in result.output
    assert "Nothing imported" in result.output and count(Claim) == 0


def test_the_demo_files_load_a_few_hundred_claims_over_the_two_groups(demo, app):
    with app.app_context():
        assert count(Claim) >= 250
        tax_ids = set(db.session.scalars(select(Claim.tax_id).distinct()))
        npis = set(db.session.scalars(select(Claim.provider_npi).distinct()))
        assert tax_ids == {"000123456", "000987654"}
        assert npis == {"1234567893", "1987654328", "1555555550"}
