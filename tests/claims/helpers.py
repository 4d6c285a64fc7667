"""Small CSV extracts for the claims tests, imported through the app's importers."""
from __future__ import annotations

from webapp.blueprints.claims.codes import CODES_FILE, load_codes
from webapp.blueprints.claims.services import (import_claim_lines, import_claims, import_coverage, import_diagnoses,
                                               import_members, import_payments)
from webapp.extensions import db

MEMBERS = """member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi,language,patient_account
T100,Ann,Lee,1960-02-03,F,Hartford,Commercial,2025-01-01,,1234567893,Spanish,PA-1
T200,Bob,Kim,03/04/1970,M,Milford,Medicaid,,,,English,
"""
COVERAGE = """member_id,start_date,end_date,plan,line_of_business,health_network,pcp_npi,copay_primary,copay_specialist,copay_urgent,copay_emergency,coinsurance_percent,deductible,deductible_met,out_of_pocket_max,out_of_pocket_met
T100,2025-01-01,2025-12-31,Medicaid,Medicaid,Plan Direct Network,,0,0,0,0,0,0,0,0,0
T100,2026-01-01,,Commercial,Commercial,Sunrise Medical Network,1234567893,25.00,50.00,75.00,250.00,20,1500.00,300.00,6000.00,450.00
"""
CLAIMS_HEADER = ("claim_number,member_id,provider_npi,tax_id,service_from,service_to,received_date,"
                 "paid_date,billed_amount,paid_amount,status,denial_reason,check_number,interest_amount\n")
# 900001: two lines, one paid with copay, one denied CO-97/M15; 900002: paid clean with interest.
CLAIMS = CLAIMS_HEADER + (
    "900001,T100,1234567893,000123456,2026-03-01,,2026-03-05,2026-03-20,190.00,80.00,Finalized,,555001,0\n"
    "900002,T100,1234567893,000123456,2026-03-02,,2026-01-05,2026-03-20,100.00,70.00,Finalized,,555001,1.50\n"
    "900003,T200,1555555550,000987654,2026-03-02,,2026-03-05,,60.00,0,In Progress,,,\n")
LINES_HEADER = ("claim_number,line_number,service_from,service_to,procedure_code,modifiers,units,billed_amount,"
                "allowed_amount,deductible,coinsurance,copay,paid_amount,adjustments\n")
LINES = LINES_HEADER + (
    "900001,1,2026-03-01,,99213,25,1,150.00,105.00,0,0,25.00,80.00,CO-45:45.00;PR-3:25.00\n"
    "900001,2,2026-03-01,,36415,,1,40.00,0,0,0,0,0,CO-97/M15:40.00\n"
    "900002,1,2026-03-02,,99214,,1,100.00,70.00,0,0,0,70.00,CO-45:30.00\n"
    "900003,1,2026-03-02,,99392,,1,60.00,0,0,0,0,0,\n")
DIAGNOSES = "claim_number,sequence,code,description\n900001,1,I10,Essential (primary) hypertension\n900002,1,E11.9,Type 2 diabetes mellitus without complications\n"
PAYMENTS = ("trace_number,method,payment_date,amount,payee_tax_id,payee_name,payee_npi,payee_address\n"
            "555001,CHK,2026-03-20,151.50,000123456,Sunrise Family Medical Group,1234567893,\"1200 Sunrise Boulevard, Hartford, CT 06103\"\n")


def load_small_extracts() -> None:
    import_members(MEMBERS)
    import_coverage(COVERAGE)
    import_claims(CLAIMS)
    import_claim_lines(LINES)
    import_diagnoses(DIAGNOSES)
    import_payments(PAYMENTS)
    load_codes(CODES_FILE.read_text())
    db.session.commit()


def errors_of(importer, text: str) -> list[str]:
    from webapp.blueprints.claims.services import ImportFailed

    try:
        importer(text)
    except ImportFailed as failed:
        db.session.rollback()
        return failed.errors
    raise AssertionError("the bad file was accepted")
