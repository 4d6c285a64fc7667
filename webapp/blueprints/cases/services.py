"""Cases: creation and its rules, numbering, who may see and act, listing, comments, agent work.

Plain functions (no request objects). Functions that change data add to the caller's transaction;
the caller commits. Refused input comes back as errors (field -> message); the access rules are the
caller's to check first, and a service asked to break one raises PermissionError.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import defer, joinedload, selectinload

from webapp.blueprints.attachments.services import PreparedFile, attach
from webapp.blueprints.cases.case_types import (
    CASE_COLUMNS,
    CHOICE,
    DATE,
    DATE_OR_RANGE,
    EMAIL,
    MONEY,
    NPI,
    TAX_ID,
    CaseType,
    FieldSpec,
    case_type_of,
)
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.identifiers import clean_digits, is_valid_npi, pad_tax_id
from webapp.mailer import queue_mail, render_mail
from webapp.models import (
    AccessStatus,
    Case,
    CaseComment,
    CaseSequence,
    CaseStatus,
    Provider,
    ProviderAccess,
    Queue,
    StoredFile,
    User,
)
from webapp.providers.services import active_providers
from webapp.queues.services import queue_by_slug
from webapp.statements import EVERYTHING, QUEUES, prepared, viewer_kind, viewer_params

PER_PAGE = 25
SEQUENCE_NAME = "case"
SORTS = {"number": Case.id, "status": Case.status, "date": Case.created_at}
NEW_COMMENT_SUBJECT = "A case has a new comment"


RATE_LIMITED = "rate_limit"  # the errors key when the user created too many cases too quickly


# --- validation of the create form ------------------------------------------------------------

DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d")
RANGE_SPLIT = re.compile(r"\s+(?:-|to|–)\s+|\s*–\s*", re.I)
# 1250.50 or 1,250.50 (commas only as thousands separators: "12,5" is refused, not read as 125)
MONEY_PATTERN = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d{1,2})?$")
IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\- ]*$")


def parse_date(raw: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _us(day: date) -> str:
    return day.strftime("%m/%d/%Y")


def _check_value(spec: FieldSpec, raw: str, *, allowed_npis: set[str], today: date):
    """(clean value, None) or (None, error message) for one non-empty field."""
    label = spec.label
    if len(raw) > spec.max_length:
        return None, f"{label} must be {spec.max_length} characters or fewer"
    if spec.kind == EMAIL:
        try:
            return validate_email(raw, check_deliverability=False).normalized, None
        except EmailNotValidError:
            return None, f"Enter {label} as an email address, like name@example.com"
    if spec.kind == NPI:
        npi = clean_digits(raw)
        if npi in allowed_npis or is_valid_npi(npi):
            return npi, None
        return None, f"Enter a valid {label}: 10 digits with a correct check digit"
    if spec.kind == TAX_ID:
        tax_id = pad_tax_id(raw)
        if tax_id.isascii() and tax_id.isdigit() and len(tax_id) == 9:
            return tax_id, None
        return None, f"Enter the {label} as 9 digits"
    if spec.kind == DATE:
        day = parse_date(raw)
        if day is None:
            return None, f"Enter {label} as a date, like {_us(today)}"
        if day > today:
            return None, f"{label} cannot be in the future"
        return _us(day), None
    if spec.kind == DATE_OR_RANGE:
        parts = [p for p in RANGE_SPLIT.split(raw.strip()) if p]
        days = [parse_date(p) for p in parts]
        if not 1 <= len(days) <= 2 or None in days:
            return None, f"Enter {label} as a date or a range, like {_us(today)} - {_us(today)}"
        if any(day > today for day in days):
            return None, f"{label} cannot be in the future"
        if len(days) == 2 and days[0] > days[1]:
            return None, f"The end of the {label} range must not be before its start"
        return " - ".join(_us(day) for day in days), None
    if spec.kind == MONEY:
        text = raw.strip().removeprefix("$").strip()
        if not MONEY_PATTERN.match(text):
            return None, f"Enter {label} as an amount with at most 2 decimals, like 125.50"
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already rules this out
            return None, f"Enter {label} as an amount"
        if amount <= 0:
            return None, f"{label} must be more than 0"
        return f"{amount:.2f}", None
    if spec.kind == CHOICE:
        if raw not in spec.choices:
            return None, f"Choose an {label}" if label[0] in "AEIOU" else f"Choose a {label}"
        return raw, None
    if spec.name in ("member_id", "patient_account_number") and not IDENTIFIER_PATTERN.match(raw):
        return None, f"{label} may hold only letters, digits, spaces and dashes"
    return raw, None


def validate_case_input(case_type: CaseType, raw: dict[str, str], *, allowed_npis: set[str],
                        today: date) -> tuple[dict[str, str], dict[str, str]]:
    """Check every field of the type. Returns (clean values, errors by field name)."""
    clean: dict[str, str] = {}
    errors: dict[str, str] = {}
    for spec in case_type.fields:
        if spec.disabled:
            continue
        value = (raw.get(spec.name) or "").strip()
        if not value:
            if spec.required:
                errors[spec.name] = (f"Choose the {spec.label}" if spec.kind == CHOICE
                                     else f"Enter the {spec.label}")
            continue
        checked, error = _check_value(spec, value, allowed_npis=allowed_npis, today=today)
        if error:
            errors[spec.name] = error
        else:
            clean[spec.name] = checked
    return clean, errors


# --- numbering --------------------------------------------------------------------------------

def next_case_number(on: date) -> str:
    """MMDDYYYY + the next value of one global sequence: unique and never reused.

    The UPDATE is the transaction's first write, so it takes the database write lock (SQLite) or
    the row lock (PostgreSQL) until the caller commits: concurrent saves queue up here.
    """
    value = db.session.execute(
        update(CaseSequence).where(CaseSequence.name == SEQUENCE_NAME)
        .values(value=CaseSequence.value + 1).returning(CaseSequence.value),
        execution_options={"synchronize_session": False},
    ).scalar()
    if value is None:  # the migration creates the row; this keeps a hand-made database working
        value = 1001
        db.session.add(CaseSequence(name=SEQUENCE_NAME, value=value))
        db.session.flush()
    return f"{on:%m%d%Y}{value:04d}"


# --- creating ---------------------------------------------------------------------------------

def creatable_providers(user: User) -> list[Provider]:
    return active_providers(user) if user.is_provider_user else []


def allowed_npis(user: User) -> set[str]:
    """NPIs of the user's active providers and of practitioners in those groups."""
    providers = creatable_providers(user)
    ids = [p.id for p in providers]
    npis = {p.npi for p in providers}
    if ids:
        npis.update(db.session.scalars(select(Provider.npi).where(Provider.group_id.in_(ids))))
    return npis


def provider_for_npi(user: User, npi: str) -> Provider | None:
    """The provider a case is filed for: the one with this NPI, its group, or the user's default."""
    providers = creatable_providers(user)
    if not providers:
        return None
    for provider in providers:
        if provider.npi == npi:
            return provider
    practitioner = db.session.scalar(select(Provider).where(Provider.npi == npi))
    if practitioner is not None:
        for provider in providers:
            if practitioner.group_id == provider.id:
                return provider
    return providers[0]  # active_providers lists the default first


def recent_case_count(user: User, *, since: datetime) -> int:
    return db.session.scalar(select(func.count(Case.id)).where(
        Case.created_by_id == user.id, Case.created_at >= since)) or 0


def create_case(user: User, case_type: CaseType, clean: dict[str, str], *, limit: int,
                window_minutes: int, follow_up_of: Case | None = None,
                now: datetime | None = None) -> tuple[Case | None, dict[str, str]]:
    """Add a New case routed to its type's queue: (case, {}) for the caller to commit, or
    (None, errors) for the caller to roll back, which gives a drawn case number back.

    errors[RATE_LIMITED] when the user created `limit` cases in the last `window_minutes`; the
    check runs after the number is drawn, under the write lock, so parallel saves cannot all pass.
    """
    now = now or utcnow_naive()
    provider = provider_for_npi(user, clean["npi"])
    if provider is None:
        return None, {"provider": "No provider is active in your collection, so a case cannot be created."}
    queue = queue_by_slug(case_type.queue_slug)
    if queue is None:
        return None, {"queue": f"The {case_type.label} queue does not exist."}
    number = next_case_number(now.date())
    if recent_case_count(user, since=now - timedelta(minutes=window_minutes)) >= limit:
        return None, {RATE_LIMITED: f"You have created {limit} cases in the last {window_minutes} minutes. "
                                    "Please wait a few minutes before creating another."}
    case = Case(
        number=number, case_type=case_type.slug, status=CaseStatus.NEW, provider=provider,
        queue=queue, created_by=user, created_at=now, updated_at=now,
        details={k: v for k, v in clean.items() if k not in CASE_COLUMNS},
        follow_up_of=follow_up_of, **{k: clean[k] for k in CASE_COLUMNS},
    )
    db.session.add(case)
    return case, {}


# --- access -----------------------------------------------------------------------------------

def cases_visible_to(kind: str):
    """A WHERE clause for the cases a viewer of `kind` may see (None: every case), with the
    viewer's parameters unbound (webapp.statements.viewer_params)."""
    if kind == EVERYTHING:
        return None
    if kind == QUEUES:  # agents read the queues they hold, as in threads and search
        return Case.queue_id.in_(bindparam("viewer_queue_ids", expanding=True))
    return Case.provider_id.in_(
        select(ProviderAccess.provider_id).where(ProviderAccess.user_id == bindparam("viewer_id"),
                                                 ProviderAccess.status == AccessStatus.ACTIVE))


# Built once (webapp.statements): every case page asks it.
_ACTIVE_ACCESS = select(ProviderAccess.id).where(
    ProviderAccess.user_id == bindparam("user_id"), ProviderAccess.provider_id == bindparam("provider_id"),
    ProviderAccess.status == AccessStatus.ACTIVE)


def can_view(user: User, case: Case) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.reads_all_queues:
        return True
    if user.is_support_agent:
        return any(queue.id == case.queue_id for queue in user.queues)
    return db.session.scalar(_ACTIVE_ACCESS, {"user_id": user.id, "provider_id": case.provider_id}) is not None


def can_view_case_id(user: User, case_id: int) -> bool:
    """The download rule for files owned by a case (registered with the attachments service)."""
    case = db.session.get(Case, case_id)
    return case is not None and can_view(user, case)


def works_case(user: User, case: Case) -> bool:
    """Agents act only in their own queues; admins everywhere; provider users never as agents."""
    if user.is_admin:
        return True
    if user.is_support_agent:
        return any(queue.id == case.queue_id for queue in user.queues)
    return False


# Its provider, queue and people are on every case page: loaded in the same statement, built once.
_CASE_BY_NUMBER = select(Case).where(Case.number == bindparam("number")).options(
    joinedload(Case.provider), joinedload(Case.queue), joinedload(Case.assigned_to),
    joinedload(Case.created_by))


def case_for(user: User, number: str) -> Case | None:
    """The case by its number when `user` may see it; None (a 404) otherwise."""
    case = db.session.scalar(_CASE_BY_NUMBER, {"number": (number or "").strip()})
    if case is None or not can_view(user, case):
        return None
    return case


def owner_name(case: Case) -> str:
    return case.assigned_to.full_name if case.assigned_to else case.queue.name


# --- listing ----------------------------------------------------------------------------------

@dataclass
class CasePage:
    items: list[Case]
    total: int
    page: int
    pages: int
    per_page: int

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.page * self.per_page, self.total)


def search_cases(user: User, *, mine: bool = False, queue_id: int | None = None,
                 number: str | None = None, status: CaseStatus | None = None, sort: str = "date",
                 direction: str = "desc", page: int = 1, per_page: int = PER_PAGE) -> CasePage:
    """One page of the cases `user` may see, filtered and sorted on the server."""
    kind = viewer_kind(user)
    sort = sort if sort in SORTS else "date"
    ascending = direction == "asc"
    shape = (kind, mine, queue_id is not None, number is not None, status is not None)

    def filtered():
        query = select(Case)
        scope = cases_visible_to(kind)
        if scope is not None:
            query = query.where(scope)
        if mine:
            query = query.where(Case.created_by_id == bindparam("viewer_id"))
        if queue_id is not None:
            query = query.where(Case.queue_id == bindparam("queue_id"))
        if number is not None:
            query = query.where(Case.number == bindparam("number"))
        if status is not None:
            query = query.where(Case.status == bindparam("status", type_=Case.status.type))
        return query

    params = {**viewer_params(user), "queue_id": queue_id, "number": (number or "").strip(), "status": status}
    count = prepared(("cases.search.count", *shape), lambda: select(func.count()).select_from(filtered().subquery()))
    total = db.session.scalar(count, params) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)

    def ordered_page():
        column = SORTS[sort]
        order = column.asc() if ascending else column.desc()
        tiebreak = Case.id.asc() if ascending else Case.id.desc()
        # The table shows each case's owner (agent or queue): joined into the page's statement.
        # Not the description and the fields' JSON, which the table never shows (decoding 25 rows'
        # JSON was ~5% of the page); reading them anyway raises instead of a query per row.
        return (filtered().order_by(order, tiebreak).limit(bindparam("limit")).offset(bindparam("offset"))
                .options(joinedload(Case.assigned_to), joinedload(Case.queue),
                         defer(Case.description, raiseload=True), defer(Case.details, raiseload=True)))

    listing = prepared(("cases.search", *shape, sort, ascending), ordered_page)
    items = list(db.session.scalars(listing, {**params, "limit": per_page, "offset": (page - 1) * per_page}))
    return CasePage(items=items, total=total, page=page, pages=pages, per_page=per_page)


def queue_counts(user: User, queues: list[Queue]) -> dict[int, int]:
    """Cases not yet Resolved or Closed, per queue."""
    if not queues:
        return {}
    rows = db.session.execute(
        select(Case.queue_id, func.count(Case.id))
        .where(Case.queue_id.in_([q.id for q in queues]),
               Case.status.not_in([CaseStatus.RESOLVED, CaseStatus.CLOSED]))
        .group_by(Case.queue_id)).all()
    counts = {queue.id: 0 for queue in queues}
    counts.update({queue_id: count for queue_id, count in rows})
    return counts


# --- comments ---------------------------------------------------------------------------------

# Built once (webapp.statements): every case page lists them.
_COMMENTS_FOR_AGENTS = (select(CaseComment).where(CaseComment.case_id == bindparam("case_id"))
                        .order_by(CaseComment.created_at.desc(), CaseComment.id.desc()))
_COMMENTS = _COMMENTS_FOR_AGENTS.where(CaseComment.internal.is_(False))


def comments_for(user: User, case: Case) -> list[CaseComment]:
    """The case's comments, newest first; internal notes only for agents."""
    return list(db.session.scalars(_COMMENTS_FOR_AGENTS if user.is_agent else _COMMENTS, {"case_id": case.id}))


def provider_may_add(case: Case, *, reopen_days: int, now: datetime | None = None) -> bool:
    """Provider users may comment (and attach) unless the case finished more than `reopen_days` ago."""
    if not case.status.is_finished or case.finished_at is None:
        return True
    return (now or utcnow_naive()) - case.finished_at <= timedelta(days=reopen_days)


def may_add_to(user: User, case: Case, *, reopen_days: int, now: datetime | None = None,
               visible: bool = False) -> bool:
    """`visible`: the caller has the case from case_for, so can_view is already known true."""
    if user.is_agent:
        return works_case(user, case)
    return (visible or can_view(user, case)) and provider_may_add(case, reopen_days=reopen_days, now=now)


def provider_recipients(case: Case) -> list[str]:
    """The e-mail addresses of every active user with the case's provider active in their collection."""
    users = db.session.scalars(
        select(User).join(ProviderAccess, ProviderAccess.user_id == User.id)
        .where(ProviderAccess.provider_id == case.provider_id,
               ProviderAccess.status == AccessStatus.ACTIVE)).all()
    emails = {u.email for u in users if u.is_active}
    return sorted(emails)


def add_comment(user: User, case: Case, body: str, *, internal: bool = False, reopen_days: int,
                now: datetime | None = None) -> CaseComment:
    """Add a comment the comment form accepted to a case `user` may add to (the caller checked
    may_add_to, commits, then calls deliver_pending()).

    A provider's comment reopens a recently finished case; an agent's public comment mails the
    provider's users a link (never the comment itself).
    """
    now = now or utcnow_naive()
    if not may_add_to(user, case, reopen_days=reopen_days, now=now):
        raise PermissionError("This case can no longer take comments. Open a follow-up case instead.")
    body = body.strip()
    internal = internal and user.is_agent
    comment = CaseComment(case=case, author=user, body=body, internal=internal, created_at=now)
    db.session.add(comment)
    case.updated_at = now
    if not user.is_agent:
        if case.status.is_finished or case.status == CaseStatus.PENDING_PROVIDER:
            case.status = CaseStatus.OPEN
            case.finished_at = None
    elif not internal:
        notice = render_mail("mail/case_comment.txt", case=case)
        for recipient in provider_recipients(case):
            queue_mail(recipient, NEW_COMMENT_SUBJECT, notice)
    return comment


def attach_to_case(case: Case, prepared: list[PreparedFile], *, now: datetime | None = None) -> list[StoredFile]:
    """Add checked files to the case, which counts as a change to it (the caller commits)."""
    stored = attach(prepared, "case", case.id)
    case.updated_at = now or utcnow_naive()
    return stored


# --- agents -----------------------------------------------------------------------------------

def _require_agent(user: User, case: Case) -> None:
    if not works_case(user, case):  # the page checks works_case first and answers 403
        raise PermissionError("Only agents of this case's queue can do that.")


def assign_to(user: User, case: Case, *, now: datetime | None = None) -> None:
    _require_agent(user, case)
    case.assigned_to = user
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.OPEN
    case.updated_at = now or utcnow_naive()


def change_status(user: User, case: Case, status: CaseStatus, *, now: datetime | None = None) -> None:
    _require_agent(user, case)
    now = now or utcnow_naive()
    if status.is_finished and not case.status.is_finished:
        case.finished_at = now
    elif not status.is_finished:
        case.finished_at = None
    case.status = status
    case.updated_at = now


def move_to_queue(user: User, case: Case, queue: Queue, *, now: datetime | None = None) -> None:
    _require_agent(user, case)
    if queue.id != case.queue_id:
        case.queue = queue
        if case.assigned_to is not None and queue not in case.assigned_to.queues \
                and not case.assigned_to.is_admin:
            case.assigned_to = None
    case.updated_at = now or utcnow_naive()


def all_queues() -> list[Queue]:
    return list(db.session.scalars(select(Queue).order_by(Queue.name)))


_FOLLOW_UPS = select(Case).where(Case.follow_up_of_id == bindparam("case_id")).order_by(Case.id)


def follow_ups_of(case: Case) -> list[Case]:
    return list(db.session.scalars(_FOLLOW_UPS, {"case_id": case.id}))


def field_rows(case: Case) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """The case's fields as (section title, [(label, value)]) in the catalogue's order."""
    case_type = case_type_of(case.case_type)
    if case_type is None:
        return [(None, [("Subject", case.subject), ("Description", case.description)])]
    rows = []
    for section in case_type.sections:
        values = []
        for spec in section.fields:
            if spec.disabled:
                continue
            value = getattr(case, spec.name) if spec.name in CASE_COLUMNS else case.details.get(spec.name)
            if spec.kind == MONEY and value:
                value = f"${Decimal(value):,.2f}"
            values.append((spec.label, value or ""))
        rows.append((section.title, values))
    return rows
