"""Building blocks for case tests: a filled-in Claim form and cases created through the services."""
from __future__ import annotations

from webapp.blueprints.auth.services import find_user_by_login
from webapp.blueprints.cases import services
from webapp.blueprints.cases.case_types import CASE_TYPES
from webapp.extensions import db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def claim_form(**overrides) -> dict:
    """Every Claim field filled in the way a user types it."""
    data = {
        "contact_email": "sam@sunrise.example", "npi": "1234567893", "action": "Claim status",
        "payer_id": "NYSPARCS", "patient_name": "Jamie Test", "member_id": "W123456789",
        "date_of_service": "10/01/2026 - 10/03/2026", "billed_amount": "1,250.50",
        "date_submitted": "10/10/2026", "patient_account_number": "PA-77",
        "subject": "Claim paid at the wrong rate", "description": "Paid 80 instead of 125.",
    }
    data.update(overrides)
    return data


def new_case(login: str, slug: str = "claim", **overrides):
    """Create and commit a case as `login` through the services (inside an app context)."""
    user = find_user_by_login(login)
    case_type = CASE_TYPES[slug]
    raw = claim_form(**overrides)
    clean, errors = services.validate_case_input(case_type, raw, allowed_npis=services.allowed_npis(user),
                                                 today=services.utcnow_naive().date())
    assert errors == {}, errors
    case, refused = services.create_case(user, case_type, clean, limit=1000, window_minutes=10)
    assert refused == {}, refused
    db.session.commit()
    return case
