"""What the search index knows about a case (webapp.search's plain-dict document contract)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from webapp.blueprints.attachments.services import files_of
from webapp.blueprints.cases.case_types import case_type_of
from webapp.extensions import db
from webapp.models import Case, CaseComment, StoredFile
from webapp.search import register_source, track_model

# Case details that are identifiers (exact match) or searchable text.
MEMBER_KEYS = ("member_id",)
ACCOUNT_KEYS = ("patient_account_number",)
CLAIM_KEYS = ("claim_number", "ect_number")
TEXT_KEYS = ("patient_name", "action", "payer_id", "date_of_service", "billed_amount")


# Built once (webapp.statements): the search results page loads its hits' documents with them.
_CASES = select(Case).where(Case.id.in_(bindparam("ids", expanding=True))).options(joinedload(Case.queue))
_COMMENTS = (select(CaseComment).where(CaseComment.case_id.in_(bindparam("case_ids", expanding=True)))
             .order_by(CaseComment.id))


def load_documents(ids):
    cases = db.session.scalars(_CASES, {"ids": list(ids)}).all()
    comments = _comments_by_case([case.id for case in cases])
    file_names = _file_names_by_case([case.id for case in cases])
    for case in cases:
        details = case.details or {}
        public = [c.body for c in comments.get(case.id, []) if not c.internal]
        internal = [c.body for c in comments.get(case.id, []) if c.internal]
        case_type = case_type_of(case.case_type)
        yield {
            "id": case.id,
            "number": case.number,
            "title": case.subject,
            "body": [case.description, *public, *file_names.get(case.id, []),
                     *(str(details[key]) for key in TEXT_KEYS if details.get(key))],
            "internal": internal,
            "member_ids": [details[key] for key in MEMBER_KEYS if details.get(key)],
            "account_numbers": [details[key] for key in ACCOUNT_KEYS if details.get(key)],
            "claim_numbers": [details[key] for key in CLAIM_KEYS if details.get(key)],
            "provider_ids": [case.provider_id],
            "queue": case.queue.slug if case.queue else "",
            "status": case.status.label,
            "type": case_type.label if case_type else case.case_type,
            "is_open": not case.status.is_finished,
            "created": case.created_at,
            "updated": case.updated_at,
        }


def _comments_by_case(case_ids):
    grouped: dict[int, list[CaseComment]] = {}
    for comment in db.session.scalars(_COMMENTS, {"case_ids": list(case_ids)}):
        grouped.setdefault(comment.case_id, []).append(comment)
    return grouped


def _file_names_by_case(case_ids):
    grouped: dict[int, list[str]] = {}
    for stored in files_of("case", case_ids):
        grouped.setdefault(stored.owner_id, []).append(stored.original_name)
    return grouped


def all_ids():
    return [(case_id, updated) for case_id, updated in db.session.execute(select(Case.id, Case.updated_at))]


def case_url(case_id) -> str | None:
    number = db.session.scalar(select(Case.number).where(Case.id == int(case_id)))
    return url_for("cases.view", number=number) if number else None


def case_url_from_number(number: str) -> str:
    """A case's number never changes, so the one stored in the index makes its link."""
    return url_for("cases.view", number=number)


def register_with_search() -> None:
    register_source("case", load_documents, all_ids, url_builder=case_url, label="Case",
                    url_from_number=case_url_from_number)
    track_model(Case, "case", lambda case: case.id)
    track_model(CaseComment, "case", lambda comment: comment.case_id)
    track_model(StoredFile, "case", lambda stored: stored.owner_id if stored.owner_kind == "case" else None)
