"""Members with known coverage for the submission tests, imported through the claims importers."""
from __future__ import annotations

from datetime import date

from webapp.blueprints.claims.services import import_coverage, import_members
from webapp.blueprints.submission.scrubbing import Context
from webapp.blueprints.submission.services import context_for
from webapp.extensions import db
from webapp.models import User
from sqlalchemy import select

TODAY = date(2026, 11, 16)
# S100: covered since 2026-01-01 (Sunrise's PCP). S200: covered only 2026-06-01..2026-08-31.
MEMBERS = """member_id,first_name,last_name,date_of_birth,gender,city,plan,eligible_from,eligible_to,pcp_npi
S100,Nora,Hale,1980-05-06,F,Hartford,Commercial,2026-01-01,,1234567893
S200,Owen,Reyes,1975-07-08,M,Hartford,Medicaid,2026-06-01,2026-08-31,1234567893
"""
COVERAGE = """member_id,start_date,end_date,plan,line_of_business,health_network,pcp_npi,copay_primary,copay_specialist,copay_urgent,copay_emergency,coinsurance_percent,deductible,deductible_met,out_of_pocket_max,out_of_pocket_met
S100,2026-01-01,,Commercial,Commercial,Sunrise Medical Network,1234567893,25.00,50.00,75.00,250.00,20,1500.00,300.00,6000.00,450.00
S200,2026-06-01,2026-08-31,Medicaid,Medicaid,Sunrise Medical Network,1234567893,0,0,0,0,0,0,0,0,0
"""


def load_members() -> None:
    import_members(MEMBERS)
    import_coverage(COVERAGE)
    db.session.commit()


def user(login: str) -> User:
    return db.session.scalar(select(User).where(User.email == login))


def context(login: str = "staff@sunrise.example", today: date = TODAY, days: int = 180) -> Context:
    return context_for(user(login), today, days)


def clean_values(**changes) -> dict:
    """A claim that passes every rule for member S100 on 11/02/2026 (with `context()`)."""
    from webapp.extensions import db as _db
    from webapp.models import Provider

    sunrise = _db.session.scalar(select(Provider).where(Provider.npi == "1234567893"))
    values = {
        "billing_provider_id": str(sunrise.id), "rendering_npi": "1987654328", "member_id": "S100",
        "patient_account": "ACCT-77", "prior_authorization": "PA1234",
        "dx1": "E11.9", "dx2": "I10",
        "line1_from": "11/02/2026", "line1_pos": "11", "line1_code": "99213", "line1_mod1": "25", "line1_units": "1",
        "line1_charge": "125.00", "line1_pointers": "1,2",
        "line2_from": "2026-11-02", "line2_pos": "11", "line2_code": "83036", "line2_units": "1",
        "line2_charge": "40", "line2_pointers": "1",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}
