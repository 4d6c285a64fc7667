"""Referral rules: eligibility per type, who a provider accepts, distance flags, dates, drafts,
submission to Utilization Management and decisions per service. Plain functions; callers commit."""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import false, or_, select

from webapp.blueprints.attachments.services import files_of
from webapp.blueprints.claims.services import DEMO_DIR, search_members, user_tax_ids, visible_member
from webapp.blueprints.referrals.distance import distance_miles, is_known_zip, zip_for_city
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.models import (Member, NetworkProvider, Provider, Referral, ReferralDiagnosis, ReferralService,
                           ReferralStatus, ServiceDecision, User)
from webapp.models.referrals import SUBMITTED_STATUSES
from webapp.providers.services import active_providers
from webapp.queues.services import ensure_queue

DATA_DIR = Path(__file__).resolve().parents[3] / "data" / "referrals"
UM_QUEUE = ("utilization-management", "Utilization Management")
MAX_ATTACHMENTS = 3  # the guide: "up to 3 files"
PRIORITIES = {"routine": "Routine", "retro": "Retro", "urgent": "Urgent"}
RETRO_MAX_DAYS = 365  # how far back a Retro referral may go
RESULT_LIMIT = 100
SECTIONS = {1: "About the Referral", 2: "Referring Provider", 3: "Referred To Provider", 4: "Medical Info",
            5: "Clinical Attachments", 6: "Review"}


# --- data: rules, services, ICD codes ---------------------------------------------------------

@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads((DATA_DIR / "rules.json").read_text())


def referral_types() -> dict[str, dict]:
    return rules()["types"]


def places_of_service() -> list[dict]:
    return rules()["places_of_service"]


def place_label(code: str | None) -> str:
    return next((p["label"] for p in places_of_service() if p["code"] == code), "")


def service_catalog(referral_type: str | None) -> list[dict]:
    return rules()["services"].get(referral_type or "", [])


def service_info(referral_type: str | None, cpt: str) -> dict | None:
    return next((s for s in service_catalog(referral_type) if s["cpt"] == cpt), None)


@lru_cache(maxsize=1)
def icd_codes() -> dict[str, str]:
    with (DATA_DIR / "icd10cm.csv").open(newline="") as handle:
        return {row["code"]: row["description"] for row in csv.DictReader(handle)}


def find_icd(query: str, limit: int = 20) -> list[tuple[str, str]]:
    """ICD-10-CM codes whose code starts with, or whose description has every word of, the query."""
    words = query.strip().lower().split()
    if not words:
        return []
    found = []
    for code, description in icd_codes().items():
        text = description.lower()
        if code.lower().startswith(query.strip().lower()) or all(w in text for w in words):
            found.append((code, description))
    return found[:limit]


# --- rules --------------------------------------------------------------------------------------

def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_error(referral_type: str, member: Member, day: date) -> str | None:
    """Why `member` cannot have a referral of this type on `day`, or None."""
    rule = referral_types().get(referral_type)
    if rule is None:
        return "Choose the type of referral."
    if (member.eligible_from and day < member.eligible_from) or (member.eligible_to and day > member.eligible_to):
        return "The member is not eligible on this date."
    allowed = rule.get("eligible_plans")
    if allowed is not None and member.plan not in allowed:
        return rule["refusal"]
    if member.plan in rule.get("excluded_plans", []):
        return rule["refusal"]
    return None


def accepts_member(provider: NetworkProvider, member: Member, day: date) -> bool:
    """The provider sees patients of the member's age and gender."""
    age = age_on(member.date_of_birth, day)
    if not provider.min_age <= age <= provider.max_age:
        return False
    # An empty gender is in every string: a gender-limited provider needs one on file.
    return not provider.genders or bool(member.gender and member.gender in provider.genders)


def is_far(distance: float | None, far_miles: int) -> bool:
    return distance is not None and distance > far_miles


@dataclass
class ProviderMatch:
    provider: NetworkProvider
    distance: float | None
    far: bool

    @property
    def not_accepting(self) -> bool:
        return self.provider.panel_closed or not self.provider.accepting_new_patients


def _like(text: str) -> str:
    return text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_network_providers(text: str, member: Member, member_zip: str | None, day: date,
                             far_miles: int) -> list[ProviderMatch]:
    """Contracted providers matching a name, provider ID or specialty that accept the member.
    Closed panels are listed too (they keep their current patients), marked as not accepting."""
    text = text.strip()
    if not text:
        return []
    pattern = f"%{_like(text)}%"
    query = select(NetworkProvider).where(
        NetworkProvider.contracted.is_(True),
        or_(NetworkProvider.name.ilike(pattern, escape="\\"), NetworkProvider.specialties.ilike(pattern, escape="\\"),
            NetworkProvider.provider_code == text.upper(), NetworkProvider.npi == text))
    matches = []
    for provider in db.session.scalars(query.order_by(NetworkProvider.name).limit(RESULT_LIMIT)):
        if not accepts_member(provider, member, day):
            continue
        distance = distance_miles(member_zip, provider.postal_code) if member_zip else None
        matches.append(ProviderMatch(provider, distance, is_far(distance, far_miles)))
    matches.sort(key=lambda m: (m.far, m.distance if m.distance is not None else 1e9, m.provider.name))
    return matches


def request_date_error(priority: str, request_date: date | None, today: date) -> str | None:
    """Request Date is today; only a Retro referral (services already given) may be earlier."""
    if priority not in PRIORITIES:
        return "Choose the Priority."
    if request_date is None:
        return "Enter the Request Date."
    if request_date > today:
        return "The Request Date cannot be in the future."
    if priority == "retro":
        if request_date == today:
            return "A Retro referral is for services already given: change the Request Date to an earlier date."
        if (today - request_date).days > RETRO_MAX_DAYS:
            return f"A Retro referral can go back at most {RETRO_MAX_DAYS} days."
        return None
    if request_date != today:
        return "Only a Retro referral can have a Request Date before today."
    return None


def attachment_limit_error(existing: int, adding: int, limit: int = MAX_ATTACHMENTS) -> str | None:
    if adding and existing + adding > limit:
        room = max(limit - existing, 0)
        return (f"A referral can have at most {limit} files; "
                + (f"you can add {room} more." if room else "remove one before adding another."))
    return None


# --- who sees what ------------------------------------------------------------------------------

def holds_um_queue(user: User) -> bool:
    if user.is_admin:
        return True
    return user.is_support_agent and any(q.slug == UM_QUEUE[0] for q in user.queues)


def _submitted_for(user: User):
    query = select(Referral).where(Referral.status.in_(SUBMITTED_STATUSES))
    if user.is_provider_user:
        # The office's referrals: the referring provider shares a Tax ID with the user's providers.
        orgs = select(Provider.id).where(Provider.tax_id.in_(user_tax_ids(user)))
        return query.where(Referral.referring_provider_id.in_(orgs))
    if holds_um_queue(user) or user.reads_all_queues:  # supervisors read every queue
        return query
    return query.where(false())


def visible_referral(user: User, referral_id: int) -> Referral | None:
    return db.session.scalar(_submitted_for(user).where(Referral.id == referral_id))


def can_view_referral(user, referral_id: int) -> bool:
    """Download rule for referral attachments: a submitted referral's viewers, or a draft's author."""
    if visible_referral(user, referral_id) is not None:
        return True
    return draft_of(user, referral_id) is not None


def referrals_for_member(member_id: int, scope: User) -> list[Referral]:
    """Submitted referrals of one member that `scope` (the signed-in user) may see, newest first.
    For the member detail page's Referrals tab."""
    return list(db.session.scalars(_submitted_for(scope).where(Referral.member_id == member_id)
                                   .order_by(Referral.request_date.desc(), Referral.id.desc())))


@dataclass
class ReferralSearch:
    code: str = ""
    date_from: date | None = None
    date_to: date | None = None
    date_type: str = "request"  # "service" (Date of Service) or "request" (Request Date)
    status: str = ""  # "" = all five statuses
    member_id: str = ""  # CIN


def search_referrals(user: User, criteria: ReferralSearch) -> list[Referral]:
    query = _submitted_for(user)
    if criteria.code:
        query = query.where(Referral.code == criteria.code.strip().upper())
    else:
        column = Referral.service_date if criteria.date_type == "service" else Referral.request_date
        if criteria.date_from:
            query = query.where(column >= criteria.date_from)
        if criteria.date_to:
            query = query.where(column <= criteria.date_to)
        if criteria.status:
            query = query.where(Referral.status == ReferralStatus(criteria.status))
        if criteria.member_id:
            query = query.join(Member, Member.id == Referral.member_id).where(
                Member.member_id == criteria.member_id.strip().upper())
        query = query.order_by(column.desc(), Referral.id.desc())
    return list(db.session.scalars(query.limit(RESULT_LIMIT)))


# --- drafts -------------------------------------------------------------------------------------

def drafts_of(user: User) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(
        Referral.created_by_id == user.id, Referral.status == ReferralStatus.DRAFT)
        .order_by(Referral.updated_at.desc())))


def draft_of(user: User, referral_id: int) -> Referral | None:
    """The user's own draft; a draft is nobody else's business until it is submitted."""
    return db.session.scalar(select(Referral).where(
        Referral.id == referral_id, Referral.created_by_id == user.id, Referral.status == ReferralStatus.DRAFT))


def next_section(draft: Referral) -> int:
    return min(draft.sections_done + 1, 6)


def find_members(user: User, text: str) -> list[Member]:
    """Members the user may see, by Member ID (CIN) or by name words."""
    text = text.strip()
    if not text:
        return []
    if text.isalnum() and any(ch.isdigit() for ch in text):
        return search_members(user, member_id=text)
    return search_members(user, name=text)


def default_member_zip(user: User, member: Member) -> str | None:
    """The member's ZIP from their city, in the state of the user's (default) provider."""
    providers = active_providers(user)
    return zip_for_city(member.city, providers[0].state) if providers else None


def save_about(user: User, draft: Referral | None, *, referral_type: str, member_pk: int | None,
               member_zip: str, today: date) -> tuple[Referral | None, dict[str, str]]:
    """Section 1. Creates the draft on first save. Returns (draft, errors)."""
    errors: dict[str, str] = {}
    if referral_type not in referral_types():
        errors["referral_type"] = "Choose the type of referral."
    member = visible_member(user, member_pk) if member_pk else None
    if member is None:
        errors["member"] = "Find the member and choose them from the list."
    elif "referral_type" not in errors:
        problem = eligibility_error(referral_type, member, today)
        if problem:
            errors["member"] = problem
    zip_code = (member_zip or "").strip()
    if not zip_code and member is not None:
        zip_code = default_member_zip(user, member) or ""
    if not zip_code:
        if member is not None:  # without a member there is no city to take it from yet
            errors["member_zip"] = "Enter the member's ZIP Code."
    elif not is_known_zip(zip_code):
        errors["member_zip"] = "Enter a 5-digit US ZIP Code."
    if errors:
        return draft, errors
    if draft is None:
        draft = Referral(created_by_id=user.id, status=ReferralStatus.DRAFT)
        db.session.add(draft)
    if draft.referral_type != referral_type or draft.member_id != member.id:
        # Services, the referred-to provider and eligibility depend on both: choose them again.
        draft.services.clear()
        draft.referred_provider_id = None
        draft.sections_done = 0
    draft.referral_type, draft.member_id, draft.member_zip = referral_type, member.id, zip_code
    draft.sections_done = max(draft.sections_done, 1)
    return draft, errors


def save_referring_provider(user: User, draft: Referral, provider_id: int | None) -> dict[str, str]:
    """Section 2: only one of the user's own providers."""
    provider = next((p for p in active_providers(user) if p.id == provider_id), None)
    if provider is None:
        return {"referring_provider": "Choose the referring provider from your office."}
    draft.referring_provider_id = provider.id
    draft.sections_done = max(draft.sections_done, 2)
    return {}


def save_referred_provider(draft: Referral, network_provider_id: int | None, day: date,
                           far_miles: int) -> dict[str, str]:
    """Section 3: a contracted provider that accepts the member's age and gender."""
    provider = db.session.get(NetworkProvider, network_provider_id) if network_provider_id else None
    if provider is None or not provider.contracted:
        return {"referred_provider": "Search for a provider and choose one from the list."}
    if not accepts_member(provider, draft.member, day):
        return {"referred_provider": "This provider does not see patients of the member's age or gender."}
    draft.referred_provider_id = provider.id
    draft.distance_miles = distance_miles(draft.member_zip, provider.postal_code) if draft.member_zip else None
    draft.sections_done = max(draft.sections_done, 3)
    return {}


@dataclass
class ServiceLine:
    cpt: str = ""
    units: int | None = None
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class MedicalInfo:
    priority: str = ""
    request_date: date | None = None
    service_date: date | None = None
    place_of_service: str = ""
    services: list[ServiceLine] = field(default_factory=list)
    icd_codes: list[str] = field(default_factory=list)
    clinical_indications: str = ""


def keep_medical_info(draft: Referral, info: MedicalInfo) -> None:
    """Store what was typed in section 4 as it is (the draft), without judging it."""
    draft.priority = info.priority if info.priority in PRIORITIES else None
    draft.request_date, draft.service_date = info.request_date, info.service_date
    draft.place_of_service = info.place_of_service or None
    draft.clinical_indications = info.clinical_indications or None
    draft.services.clear()
    db.session.flush()
    for position, line in enumerate(info.services):
        if line.cpt:
            draft.services.append(ReferralService(position=position, cpt=line.cpt[:5], units=line.units,
                                                  answers=json.dumps(line.answers) if line.answers else None))
    draft.diagnoses.clear()
    db.session.flush()
    known = icd_codes()
    seen = []
    for code in info.icd_codes:
        if code in known and code not in seen:
            seen.append(code)
    draft.diagnoses.extend(ReferralDiagnosis(position=i, code=code) for i, code in enumerate(seen))


def medical_info_errors(draft: Referral, info: MedicalInfo, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = request_date_error(info.priority, info.request_date, today)
    if problem:
        errors["priority" if info.priority not in PRIORITIES else "request_date"] = problem
    if info.service_date is None:
        errors["service_date"] = "Enter the Date of Service."
    elif info.priority == "retro" and info.service_date > today:
        errors["service_date"] = "A Retro referral is for services already given: the Date of Service cannot be in the future."
    elif info.priority != "retro" and info.service_date < today:
        errors["service_date"] = "The Date of Service cannot be in the past unless the referral is Retro."
    if info.place_of_service not in {p["code"] for p in places_of_service()}:
        errors["place_of_service"] = "Choose the Place of Service."
    lines = [line for line in info.services if line.cpt]
    if not lines:
        errors["services"] = "Add at least one service (CPT code and Units)."
    for index, line in enumerate(info.services):
        if not line.cpt:
            continue
        service = service_info(draft.referral_type, line.cpt)
        if service is None:
            errors[f"services-{index}-cpt"] = "Choose a service from the list."
            continue
        if not service.get("referral_required", True):
            errors[f"services-{index}-cpt"] = f"CPT {line.cpt} does not need a referral: remove it."
        if line.units is None or line.units < 1:
            errors[f"services-{index}-units"] = f"Enter the Units for CPT {line.cpt} (1 or more)."
        elif line.units > service.get("max_units", 99):
            errors[f"services-{index}-units"] = f"CPT {line.cpt} allows at most {service['max_units']} units."
        for question in service.get("questionnaire", []):
            if not (line.answers.get(question["id"]) or "").strip():
                errors[f"services-{index}-answer-{question['id']}"] = f"Answer: {question['question']} (CPT {line.cpt})."
    if not [code for code in info.icd_codes if code in icd_codes()]:
        errors["icd_codes"] = "Add at least one ICD code."
    if not info.clinical_indications.strip():
        errors["clinical_indications"] = "Describe the clinical indications for this referral."
    return errors


def save_medical_info(draft: Referral, info: MedicalInfo, today: date) -> dict[str, str]:
    """Section 4, going on: keep everything, and mark the section done only when it is complete."""
    keep_medical_info(draft, info)
    errors = medical_info_errors(draft, info, today)
    if not errors:
        draft.sections_done = max(draft.sections_done, 4)
    return errors


def finish_attachments(draft: Referral) -> None:
    """Section 5 has nothing required: files are optional."""
    draft.sections_done = max(draft.sections_done, 5)


def attachment_count(draft: Referral) -> int:
    return len(files_of("referral", draft.id))


def submission_errors(draft: Referral, today: date) -> list[str]:
    """What stops a draft from being submitted (each section checked again: data may have changed)."""
    problems = []
    if draft.sections_done < 5:
        problems.append(f"Finish section {next_section(draft)}: {SECTIONS[next_section(draft)]}.")
        return problems
    problem = eligibility_error(draft.referral_type, draft.member, today)
    if problem:
        problems.append(problem)
    if draft.referred_provider is None or not draft.referred_provider.contracted:
        problems.append("Choose the Referred To Provider again.")
    info = medical_info_of(draft)
    problems.extend(medical_info_errors(draft, info, today).values())
    return problems


def medical_info_of(draft: Referral) -> MedicalInfo:
    return MedicalInfo(
        priority=draft.priority or "", request_date=draft.request_date, service_date=draft.service_date,
        place_of_service=draft.place_of_service or "",
        services=[ServiceLine(s.cpt, s.units, json.loads(s.answers) if s.answers else {}) for s in draft.services],
        icd_codes=[d.code for d in draft.diagnoses], clinical_indications=draft.clinical_indications or "")


def submit(draft: Referral, today: date) -> list[str]:
    """Send the draft to Utilization Management. Returns the problems (nothing changes then)."""
    problems = submission_errors(draft, today)
    if problems:
        return problems
    draft.queue = ensure_queue(*UM_QUEUE)
    draft.status = ReferralStatus.PENDING
    draft.submitted_at = utcnow_naive()
    draft.sections_done = 6
    db.session.flush()
    draft.code = f"RF{draft.id:08d}"
    return []


def void(referral: Referral) -> str | None:
    if referral.status != ReferralStatus.PENDING:
        return "Only a Pending referral can be voided."
    referral.status = ReferralStatus.VOID
    return None


# --- Utilization Management ----------------------------------------------------------------------

def um_worklist() -> list[Referral]:
    """Pending referrals, urgent first, then oldest first."""
    pending = db.session.scalars(select(Referral).where(Referral.status == ReferralStatus.PENDING)
                                 .order_by(Referral.submitted_at, Referral.id))
    return sorted(pending, key=lambda r: (r.priority != "urgent",))


def recently_decided(limit: int = 20) -> list[Referral]:
    return list(db.session.scalars(select(Referral).where(Referral.decided_at.is_not(None))
                                   .order_by(Referral.decided_at.desc()).limit(limit)))


DECISION_MAIL_SUBJECT = "A referral decision is ready"


def decide_service(referral: Referral, service: ReferralService, agent: User, *, decision: str,
                   approved_units: int | None, reason: str, today: date, valid_days: int,
                   notify_link: str | None = None) -> dict[str, str]:
    """Approve, modify the units of, or deny one service; the referral's status follows when every
    service has a decision (all approved: Approved; all denied: Denied; otherwise Modified).
    With `notify_link`, the referral's author gets a notice then (the link only: no PHI in mail)."""
    if referral.status != ReferralStatus.PENDING or service.referral_id != referral.id:
        return {"decision": "This referral is no longer pending."}
    reason = reason.strip()
    if decision == "approved":
        service.decision, service.approved_units = ServiceDecision.APPROVED, service.units
    elif decision == "modified":
        if approved_units is None or not 1 <= approved_units < (service.units or 0):
            return {"approved_units": f"Approved Units must be from 1 to {max((service.units or 1) - 1, 1)} (fewer than requested)."}
        if not reason:
            return {"reason": "Give the Decision Description: why fewer units."}
        service.decision, service.approved_units = ServiceDecision.MODIFIED, approved_units
    elif decision == "denied":
        if not reason:
            return {"reason": "Give the reason for the denial in the Decision Description."}
        service.decision, service.approved_units = ServiceDecision.DENIED, 0
    else:
        return {"decision": "Choose a decision."}
    service.decision_reason = reason or None
    decisions = {s.decision for s in referral.services}
    if ServiceDecision.PENDING not in decisions:
        if decisions == {ServiceDecision.APPROVED}:
            referral.status = ReferralStatus.APPROVED
        elif decisions == {ServiceDecision.DENIED}:
            referral.status = ReferralStatus.DENIED
        else:
            referral.status = ReferralStatus.MODIFIED
        referral.decided_at, referral.decided_by_id = utcnow_naive(), agent.id
        referral.valid_until = (today + timedelta(days=valid_days)
                                if referral.status != ReferralStatus.DENIED else None)
        if notify_link and referral.created_by.is_active:
            queue_mail(referral.created_by.email, DECISION_MAIL_SUBJECT,
                       f"{DECISION_MAIL_SUBJECT}.\n\nSign in to see it:\n{notify_link}\n")
    return {}


# --- directory and demo data --------------------------------------------------------------------

def load_network_providers(text: str) -> int:
    """Add or update the referral directory from CSV text (data/demo/network_providers.csv shape).
    `portal_npi` links a row to the portal provider with that NPI (its Provider Profile)."""
    rows = list(csv.DictReader(text.splitlines()))
    existing = {p.provider_code: p for p in db.session.scalars(select(NetworkProvider))}
    portal = {p.npi: p.id for p in db.session.scalars(select(Provider))}
    for row in rows:
        values = dict(
            npi=row["npi"], name=row["name"], specialties=row["specialties"], address_line1=row["address"],
            city=row["city"], state=row["state"], postal_code=row["zip"], phone=row["phone"] or None,
            fax=row["fax"] or None, contracted=row["contracted"] == "1",
            accepting_new_patients=row["accepting_new_patients"] == "1", panel_closed=row["panel_closed"] == "1",
            min_age=int(row["min_age"]), max_age=int(row["max_age"]), genders=row["genders"],
            provider_id=portal.get(row["portal_npi"]) if row["portal_npi"] else None)
        provider = existing.get(row["provider_code"])
        if provider is None:
            db.session.add(NetworkProvider(provider_code=row["provider_code"], **values))
        else:
            for key, value in values.items():
                setattr(provider, key, value)
    return len(rows)


def network_profile(provider: Provider) -> NetworkProvider | None:
    return db.session.scalar(select(NetworkProvider).where(NetworkProvider.provider_id == provider.id))


# (staff email, member ID, referred-to provider code, priority, CPT, units, ICD, days ago, outcome)
DEMO_REFERRALS = [
    ("staff@sunrise.example", "C10000001", "CT-300411", "routine", "93306", 1, "R00.2", 2, "pending"),
    ("staff@sunrise.example", "C10000005", "CT-300418", "urgent", "45378", 1, "K63.5", 1, "pending"),
    ("staff@sunrise.example", "C10000002", "CT-300415", "routine", "99204", 1, "M25.561", 40, "approved"),
    ("staff@sunrise.example", "C10000005", "CT-300416", "routine", "97110", 24, "M54.50", 30, "modified"),
    ("staff@sunrise.example", "C10000001", "CT-300419", "routine", "95810", 1, "G47.33", 25, "denied"),
    ("staff@sunrise.example", "C10000002", "CT-300412", "routine", "99204", 1, "R07.9", 20, "void"),
    ("staff@harbor.example", None, "CT-300414", "routine", "93306", 1, "R00.2", 10, "approved"),
    ("staff@harbor.example", None, "CT-300420", "urgent", "90791", 1, "F41.1", 3, "pending"),
]
DEMO_ANSWERS = {"97110": {"onset": "2026-09-15", "prior_visits": "0", "goals": "Walk a mile without pain"},
                "90834": {"phq9": "14", "risk": "None reported"}}


def _demo_member(user: User, member_id: str | None, referral_type: str, day: date) -> Member | None:
    members = [db.session.scalar(select(Member).where(Member.member_id == member_id))] if member_id else \
        search_members(user, name="")  # no name words: every member the office may see
    for member in members:
        if member is not None and visible_member(user, member.id) and \
                eligibility_error(referral_type, member, day) is None:
            return member
    return None


def seed_demo_referrals(today: date, valid_days: int) -> None:
    """Directory plus referrals in every status (skipped when submitted referrals exist already)."""
    load_network_providers((DEMO_DIR / "network_providers.csv").read_text())
    db.session.flush()
    if db.session.scalar(select(Referral.id).where(Referral.status != ReferralStatus.DRAFT).limit(1)):
        return
    agent = db.session.scalar(select(User).where(User.email == "um@plan.example"))
    for email, member_id, code, priority, cpt, units, icd, days_ago, outcome in DEMO_REFERRALS:
        user = db.session.scalar(select(User).where(User.email == email))
        referral_type = next(t for t, items in rules()["services"].items() if any(s["cpt"] == cpt for s in items))
        member = _demo_member(user, member_id, referral_type, today)
        provider = db.session.scalar(select(NetworkProvider).where(NetworkProvider.provider_code == code))
        if user is None or member is None or provider is None:
            continue
        referring = active_providers(user)[0]
        day = today - timedelta(days=days_ago)
        zip_code = default_member_zip(user, member) or referring.postal_code
        referral = Referral(
            created_by_id=user.id, status=ReferralStatus.PENDING, referral_type=referral_type, member_id=member.id,
            member_zip=zip_code, referring_provider_id=referring.id, referred_provider_id=provider.id,
            distance_miles=distance_miles(zip_code, provider.postal_code), priority=priority,
            request_date=day, service_date=day + timedelta(days=7), place_of_service="11",
            clinical_indications="Symptoms persist despite primary care management; specialist evaluation requested.",
            sections_done=6, submitted_at=utcnow_naive() - timedelta(days=days_ago), queue=ensure_queue(*UM_QUEUE))
        referral.services.append(ReferralService(position=0, cpt=cpt, units=units,
                                                 answers=json.dumps(DEMO_ANSWERS[cpt]) if cpt in DEMO_ANSWERS else None))
        referral.diagnoses.append(ReferralDiagnosis(position=0, code=icd))
        db.session.add(referral)
        db.session.flush()
        referral.code = f"RF{referral.id:08d}"
        service = referral.services[0]
        if outcome == "void":
            void(referral)
        elif outcome != "pending" and agent is not None:
            decide_service(referral, service, agent, decision=outcome,
                           approved_units=max(units // 2, 1) if outcome == "modified" else None,
                           reason={"approved": "", "modified": "12 visits approved; request more with a progress note.",
                                   "denied": "Sleep study is not medically necessary without a documented trial of first-line care."}[outcome],
                           today=day + timedelta(days=2), valid_days=valid_days)
            referral.decided_at = datetime.combine(day + timedelta(days=2), time(15))
