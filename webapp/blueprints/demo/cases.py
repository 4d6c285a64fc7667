"""Demo cases for `flask seed-demo`: about 40 over the demo groups, in every status, with comments."""
from __future__ import annotations

import io
import os
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from webapp.blueprints.attachments.services import attach, receive_files
from webapp.blueprints.cases.case_types import CASE_TYPES
from webapp.blueprints.cases.services import creatable_providers, create_case, works_case
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Case, CaseComment, CaseStatus, Provider, User
from webapp.queues.services import queue_by_slug

DEMO_SUBJECTS = {
    "claim": ["Claim denied for missing modifier", "Underpaid office visit", "Duplicate claim rejection",
              "Claim pending over 30 days", "Coordination of benefits question",
              "Timely filing denial review"],
    "eligibility": ["Eligibility shows terminated coverage", "Member ID not found",
                    "Coverage dates do not match card"],
    "enrollment": ["Add new practitioner to group", "Update group billing address",
                   "Enrollment application status"],
    "general": ["Portal access for new staff member", "Remittance advice question",
                "Fee schedule request"],
}
DEMO_PATIENTS = [("Jordan Avery", "W100234567"), ("Casey Brooks", "W100876543"),
                 ("Riley Chen", "W100555012"), ("Morgan Diaz", "W100443210"),
                 ("Taylor Evans", "W100998877")]
DEMO_STATUSES = [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING_PAYER, CaseStatus.PENDING_PROVIDER,
                 CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.NEW, CaseStatus.OPEN]
CLAIM_ACTIONS_DEMO = ("Claim status", "Payment question", "Denial question", "Reprocessing request")
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _demo_values(slug: str, index: int, provider: Provider, creator: User, day: date) -> dict:
    patient, member = DEMO_PATIENTS[index % len(DEMO_PATIENTS)]
    subjects = DEMO_SUBJECTS[slug]
    values = {"contact_email": creator.email, "npi": provider.npi,
              "subject": subjects[index % len(subjects)],
              "description": "Demo case: please review and reply through the portal."}
    if slug == "claim":
        values.update(action=CLAIM_ACTIONS_DEMO[index % len(CLAIM_ACTIONS_DEMO)], payer_id="NYSPARCS",
                      patient_name=patient, member_id=member,
                      date_of_service=_us(day - timedelta(days=30)),
                      billed_amount=f"{125 + index * 17.5:.2f}",
                      date_submitted=_us(day - timedelta(days=20)),
                      patient_account_number=f"PA-{4100 + index}")
    elif slug == "eligibility":
        values.update(patient_name=patient, member_id=member, date_of_birth="04/12/1985",
                      date_of_service=_us(day - timedelta(days=3)))
    elif slug == "enrollment":
        values.update(enrollment_request="Change of information", tax_id=provider.tax_id)
    return values


def seed_demo_cases(upload_dir: str | os.PathLike, count: int = 40) -> int:
    """About 40 cases over the demo groups, with comments and one attachment (idempotent; the caller
    commits). The attachment is stored under `upload_dir`."""
    if db.session.scalar(select(func.count(Case.id))):
        return 0
    users = {u.email: u for u in db.session.scalars(select(User))}
    creators = [users.get(e) for e in ("staff@sunrise.example", "loa@sunrise.example",
                                       "staff@harbor.example", "loa@harbor.example")]
    agent, appeals = users.get("agent@plan.example"), users.get("appeals@plan.example")
    if None in creators or agent is None or appeals is None:
        return 0
    slugs = list(CASE_TYPES)
    now = utcnow_naive()
    created = []
    for index in range(count):
        creator = creators[0 if index % 3 == 0 else 1] if index % 3 != 2 else creators[2 + index % 2]
        provider = creatable_providers(creator)[0]
        slug = slugs[index % len(slugs)] if index % 5 else "claim"
        at = now - timedelta(days=count - index, hours=index % 7, minutes=index * 7 % 60)
        case, _ = create_case(creator, CASE_TYPES[slug], _demo_values(slug, index, provider, creator,
                                                                   at.date()),
                           limit=10 ** 6, window_minutes=1, now=at)
        status = DEMO_STATUSES[index % len(DEMO_STATUSES)]
        if index % 9 == 4:
            case.queue = queue_by_slug("grievance-and-appeals")
        worker = appeals if case.queue.slug == "grievance-and-appeals" else agent
        db.session.flush()
        if status != CaseStatus.NEW:
            db.session.add(CaseComment(case=case, author=creator, created_at=at + timedelta(hours=1),
                                       body="Adding details: the remittance shows a different amount."))
            if works_case(worker, case):
                case.assigned_to = worker
                db.session.add(CaseComment(
                    case=case, author=worker, created_at=at + timedelta(hours=5),
                    body="Thank you. We are reviewing this and will reply here."))
                if index % 4 == 1:
                    db.session.add(CaseComment(case=case, author=worker, internal=True,
                                               created_at=at + timedelta(hours=6),
                                               body="Checked the claim history; needs a supervisor."))
        case.status = status
        if status.is_finished:
            case.finished_at = at + timedelta(days=1)
        created.append(case)
    db.session.flush()

    first = created[0]
    upload = SimpleNamespace(filename="remittance-advice.pdf", stream=io.BytesIO(DEMO_PDF))
    prepared, refusals = receive_files([upload], user_id=first.created_by_id, upload_dir=upload_dir,
                                       max_mb=25, max_files=5)
    if not refusals:
        stored = attach(prepared, "case", first.id)
        for row in stored:
            row.uploaded_at = first.created_at + timedelta(hours=2)
    db.session.flush()
    return len(created)
