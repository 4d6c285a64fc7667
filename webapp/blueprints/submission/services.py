"""Submit a Claim: drafts kept as typed, scrubbing on submit, a clean claim becomes a Claim (In Progress)."""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import or_, select

from webapp.blueprints.claims.services import MAX_ROW_ID, user_tax_ids, visible_members_query
from webapp.blueprints.submission import rules as rule_data
from webapp.blueprints.submission.scrubbing import (CLAIM_LABELS, LINE_FIELDS, MAX_DIAGNOSES, MAX_LINES, Context,
                                                    ParsedClaim, Problem, diagnosis_key, line_key, scrub)
from webapp.blueprints.submission.x837 import Claim837, Line837
from webapp.extensions import db
from webapp.models import (Claim, ClaimDiagnosis, ClaimStatus, ClaimSubmission, Provider, ServiceLine,
                           SubmissionStatus, User)
from webapp.providers.services import active_providers

# Every key of the form, in the order of its sections.
SECTIONS = {
    "providers": ["billing_provider_id", "rendering_npi"],
    "member": ["member_id", "patient_account", "prior_authorization", "referral_number"],
    "diagnoses": [diagnosis_key(n) for n in range(1, MAX_DIAGNOSES + 1)],
    "lines": [line_key(n, name) for n in range(1, MAX_LINES + 1) for name in LINE_FIELDS],
}
FIELD_KEYS = [key for keys in SECTIONS.values() for key in keys]
assert set(CLAIM_LABELS) == set(SECTIONS["providers"] + SECTIONS["member"])


def context_for(user: User, today: date, timely_filing_days: int) -> Context:
    return Context(today=today, timely_filing_days=timely_filing_days, providers=active_providers(user),
                   visible_members=visible_members_query(user))


def new_draft(user: User) -> ClaimSubmission:
    providers = active_providers(user)
    values = {"billing_provider_id": str(providers[0].id)} if providers else {}
    submission = ClaimSubmission(user_id=user.id, status=SubmissionStatus.DRAFT, values_json=json.dumps(values),
                                 errors_json="[]", tax_id=providers[0].tax_id if providers else None,
                                 billing_provider_id=providers[0].id if providers else None)
    db.session.add(submission)
    db.session.flush()
    return submission


def _visible(user: User):
    """The user's own submissions and those billed under one of the office's Tax IDs."""
    return select(ClaimSubmission).where(or_(ClaimSubmission.user_id == user.id,
                                             ClaimSubmission.tax_id.in_(user_tax_ids(user))))


def visible_submission(user: User, submission_id: int) -> ClaimSubmission | None:
    if not 0 < submission_id <= MAX_ROW_ID:
        return None
    return db.session.scalar(_visible(user).where(ClaimSubmission.id == submission_id))


def my_submissions(user: User) -> list[ClaimSubmission]:
    return list(db.session.scalars(_visible(user).order_by(ClaimSubmission.updated_at.desc(),
                                                           ClaimSubmission.id.desc()).limit(200)))


def values_of(submission: ClaimSubmission) -> dict[str, str]:
    return json.loads(submission.values_json or "{}")


def problems_of(submission: ClaimSubmission) -> list[Problem]:
    return [Problem(**item) for item in json.loads(submission.errors_json or "[]")]


def save_values(submission: ClaimSubmission, raw: dict[str, str], user: User) -> None:
    """Keep every value as typed (the draft). An accepted claim is never changed."""
    if submission.status is SubmissionStatus.ACCEPTED:
        raise ValueError("An accepted claim cannot be changed.")
    values = {key: (raw.get(key) or "").strip() for key in FIELD_KEYS if (raw.get(key) or "").strip()}
    submission.values_json = json.dumps(values)
    provider = next((p for p in active_providers(user) if str(p.id) == values.get("billing_provider_id")), None)
    if provider is not None:
        submission.billing_provider_id, submission.tax_id = provider.id, provider.tax_id


def claim_number_for(submission: ClaimSubmission, today: date) -> str:
    """Year, a 9 marking a claim sent from the portal, and the submission's number: 2690000012."""
    return f"{today:%y}9{submission.id:07d}"


def submit(submission: ClaimSubmission, context: Context, now: datetime) -> list[Problem]:
    """Scrub the draft. Clean: accept it as a Claim (In Progress). Otherwise: rejected with the problems."""
    if submission.status is SubmissionStatus.ACCEPTED:
        raise ValueError("This claim was already accepted.")
    problems, parsed = scrub(values_of(submission), context)
    submission.submitted_at = now
    if problems:
        submission.status = SubmissionStatus.REJECTED
        submission.errors_json = json.dumps([p.as_dict() for p in problems])
        return problems
    submission.claim = _accept(submission, parsed, now.date())
    submission.status = SubmissionStatus.ACCEPTED
    submission.errors_json = "[]"
    return []


def _rendering_provider(npi: str) -> Provider | None:
    return db.session.scalar(select(Provider).where(Provider.npi == npi))


def _accept(submission: ClaimSubmission, parsed: ParsedClaim, today: date) -> Claim:
    billing, member = parsed.billing_provider, parsed.member
    rendering = _rendering_provider(parsed.rendering_npi)
    descriptions = rule_data.diagnosis_codes()
    claim = Claim(
        claim_number=claim_number_for(submission, today), member_id=member.id, provider_npi=parsed.rendering_npi,
        tax_id=billing.tax_id, service_from=min(line.service_from for line in parsed.lines),
        service_to=max(line.service_to or line.service_from for line in parsed.lines), received_date=today,
        paid_date=None, billed_cents=sum(line.charge_cents for line in parsed.lines), paid_cents=0,
        status=ClaimStatus.IN_PROGRESS,
        service_provider_name=rendering.name if rendering else billing.name,
        service_provider_address=(rendering or billing).address, service_provider_phone=(rendering or billing).phone,
        payment_provider_name=billing.name, payment_provider_npi=billing.npi, payment_provider_address=billing.address,
        payment_provider_phone=billing.phone)
    for line in parsed.lines:
        claim.lines.append(ServiceLine(
            line_number=line.number, service_from=line.service_from, service_to=line.service_to or line.service_from,
            procedure_code=line.code, modifiers=":".join(line.modifiers), units=line.units,
            billed_cents=line.charge_cents, allowed_cents=0, coinsurance_cents=0, copay_cents=0, deductible_cents=0,
            paid_cents=0))
    for sequence, code in enumerate(parsed.diagnoses, start=1):
        claim.diagnoses.append(ClaimDiagnosis(sequence=sequence, code=code, description=descriptions[code][:200]))
    db.session.add(claim)
    db.session.flush()
    return claim


def claim_837_of(submission: ClaimSubmission) -> Claim837:
    """The accepted claim, with the values only the submission holds (place of service, pointers)."""
    claim, values = submission.claim, values_of(submission)
    billing, member = submission.billing_provider, claim.member
    rendering = _rendering_provider(claim.provider_npi)
    lines = []
    for line in claim.lines:
        pointers = [int(p) for p in values.get(line_key(line.line_number, "pointers"), "").replace(",", " ").split()]
        lines.append(Line837(service_from=line.service_from, service_to=line.service_to,
                             place_of_service=values.get(line_key(line.line_number, "pos"), "11"),
                             procedure_code=line.procedure_code, modifiers=line.modifier_list, units=line.units,
                             charge_cents=line.billed_cents, pointers=pointers,
                             control_number=f"{claim.claim_number}-{line.line_number}"))
    return Claim837(
        claim_number=claim.claim_number, patient_account=values.get("patient_account", ""),
        billing_name=billing.name, billing_npi=billing.npi, billing_tax_id=billing.tax_id,
        billing_address=billing.address, billing_phone=billing.phone or "",
        rendering_npi=claim.provider_npi,
        rendering_name=(rendering.last_name or rendering.name) if rendering else billing.name,
        member_id=member.member_id, member_first=member.first_name, member_last=member.last_name,
        member_dob=member.date_of_birth, member_gender=member.gender or "U",
        diagnoses=[d.code for d in claim.diagnoses], lines=lines,
        prior_authorization=values.get("prior_authorization", ""), referral_number=values.get("referral_number", ""))
