"""Message Center rules: configured routing, required fields, deadlines, access, threads, unread."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from webapp.blueprints.attachments.services import PreparedFile, attach, files_of
from webapp.blueprints.claims.services import claim_code_question, visible_claim_by_number, \
    visible_member_by_member_id
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.mailer import queue_mail
from webapp.models import (
    AccessStatus, Claim, FaxLine, Member, Message, MessageCategory, MessageSubcategory, MessageThread,
    Provider, ProviderAccess, Queue, ReplyTemplate, StoredFile, ThreadRead, ThreadStatus, User,
    UserStatus,
)
from webapp.queues.services import ensure_queue, queue_by_slug, visible_queues
from webapp.statements import ORGANIZATION, QUEUES, prepared, viewer_kind, viewer_params

RULES_FILE = Path(__file__).resolve().parents[3] / "data" / "message_rules.json"
REQUIREMENTS = {"claim", "member", "contact", "reference"}
# Where a claim review requested as a Grievance goes (seed 003: Grievance and Appeal / Post-service).
GRIEVANCE_TARGET = ("grievance-and-appeal", "post-service")
ESCALATABLE_CATEGORY = "claims"
# Where a New Message started from a claim or from a member begins (slugs of the rules file).
CLAIM_QUESTION = ("claims", "claim-question")
MEMBER_QUESTION = ("care-plan", "care-plan-update")
MAIL_SUBJECT = "You have a new message in the Message Center"
WAITING_ON_PLAN = (ThreadStatus.OPEN, ThreadStatus.PENDING_PROVIDER)


class RulesError(ValueError):
    pass


# --- configured rules -------------------------------------------------------------------------

def load_rules(data: dict) -> dict[str, int]:
    """Create or update categories, sub-categories, queues and fax lines from the rules data.

    Sub-categories no longer in the file are deactivated (threads keep pointing at them).
    Everything is checked first; a bad file changes nothing. The caller commits (with its audit row).
    """
    problems = []
    queues = data.get("queues") or {}
    categories = data.get("categories") or []
    if not categories:
        problems.append("the file has no categories")
    for c_index, category in enumerate(categories, 1):
        if not category.get("slug") or not category.get("name"):
            problems.append(f"category {c_index}: slug and name are required")
        if not category.get("subcategories"):
            problems.append(f"category {category.get('slug')}: needs at least one sub-category")
        for sub in category.get("subcategories") or []:
            where = f"sub-category {category.get('slug')}/{sub.get('slug')}"
            if not sub.get("slug") or not sub.get("name"):
                problems.append(f"{where}: slug and name are required")
            if sub.get("queue") not in queues and queue_by_slug(sub.get("queue") or "") is None:
                problems.append(f"{where}: queue {sub.get('queue')!r} is not defined")
            unknown = set(sub.get("requires") or []) - REQUIREMENTS
            if unknown:
                problems.append(f"{where}: unknown required field(s) {', '.join(sorted(unknown))}")
            for key in ("deadline_days", "grievance_deadline_days"):
                value = sub.get(key)
                if value is not None and (not isinstance(value, int) or value <= 0):
                    problems.append(f"{where}: {key} must be a positive whole number")
    if problems:
        raise RulesError("; ".join(problems))

    for slug, name in queues.items():
        ensure_queue(slug, name)
    db.session.flush()
    kept_subs = set()
    for c_position, item in enumerate(categories):
        category = db.session.scalar(select(MessageCategory).where(MessageCategory.slug == item["slug"]))
        if category is None:
            category = MessageCategory(slug=item["slug"])
            db.session.add(category)
        category.name, category.position = item["name"], c_position
        db.session.flush()
        for s_position, sub_item in enumerate(item["subcategories"]):
            sub = db.session.scalar(select(MessageSubcategory).where(
                MessageSubcategory.category_id == category.id, MessageSubcategory.slug == sub_item["slug"]))
            if sub is None:
                sub = MessageSubcategory(category_id=category.id, slug=sub_item["slug"])
                db.session.add(sub)
            sub.name, sub.position, sub.active = sub_item["name"], s_position, True
            with db.session.no_autoflush:
                sub.queue = queue_by_slug(sub_item["queue"])
            sub.required_fields = ",".join(r for r in ("claim", "member", "contact", "reference")
                                           if r in (sub_item.get("requires") or []))
            sub.deadline_days = sub_item.get("deadline_days")
            sub.deadline_basis = sub_item.get("deadline_basis")
            sub.grievance_deadline_days = sub_item.get("grievance_deadline_days")
            sub.grievance_deadline_basis = sub_item.get("grievance_deadline_basis")
            sub.fax_only = bool(sub_item.get("fax_only"))
            db.session.flush()
            kept_subs.add(sub.id)
    for sub in db.session.scalars(select(MessageSubcategory)):
        if sub.id not in kept_subs:
            sub.active = False
    names = {line["name"] for line in data.get("fax_lines") or []}
    for line in data.get("fax_lines") or []:
        row = db.session.scalar(select(FaxLine).where(FaxLine.name == line["name"]))
        if row is None:
            row = FaxLine(name=line["name"])
            db.session.add(row)
        row.number = line["number"]
    for row in db.session.scalars(select(FaxLine)):
        if row.name not in names:
            db.session.delete(row)
    db.session.flush()
    return {"categories": len(categories), "subcategories": len(kept_subs)}


def load_rules_file(path: Path | str = RULES_FILE) -> dict[str, int]:
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise RulesError(f"not valid JSON: line {exc.lineno}: {exc.msg}") from None
    return load_rules(data)


def export_rules() -> dict:
    """The rules in the database, in the file's format (edit, then load again)."""
    categories = []
    used_queues = {}
    for category in db.session.scalars(select(MessageCategory).order_by(MessageCategory.position)):
        subs = []
        for sub in category.subcategories:
            if not sub.active:
                continue
            used_queues[sub.queue.slug] = sub.queue.name
            item = {"slug": sub.slug, "name": sub.name, "queue": sub.queue.slug,
                    "requires": requirements(sub)}
            for key in ("deadline_days", "deadline_basis", "grievance_deadline_days", "grievance_deadline_basis"):
                if getattr(sub, key) is not None:
                    item[key] = getattr(sub, key)
            if sub.fax_only:
                item["fax_only"] = True
            subs.append(item)
        if subs:
            categories.append({"slug": category.slug, "name": category.name, "subcategories": subs})
    return {"queues": used_queues, "fax_lines": [{"name": f.name, "number": f.number} for f in fax_lines()],
            "categories": categories}


def requirements(sub: MessageSubcategory) -> list[str]:
    return [item for item in (sub.required_fields or "").split(",") if item]


# Built once (webapp.statements): My Messages and every New Message step read the categories.
_CATEGORIES = (select(MessageCategory).order_by(MessageCategory.position)
               .options(selectinload(MessageCategory.subcategories)))
_CATEGORY_BY_SLUG = select(MessageCategory).where(MessageCategory.slug == bindparam("slug"))
_SUBCATEGORY_BY_SLUGS = (select(MessageSubcategory).join(MessageCategory)
                         .where(MessageCategory.slug == bindparam("category_slug"),
                                MessageSubcategory.slug == bindparam("sub_slug"),
                                MessageSubcategory.active.is_(True)))


def active_categories() -> list[MessageCategory]:
    categories = db.session.scalars(_CATEGORIES).all()
    return [c for c in categories if any(s.active for s in c.subcategories)]


def category_by_slug(slug: str | None) -> MessageCategory | None:
    if not slug:
        return None
    category = db.session.scalar(_CATEGORY_BY_SLUG, {"slug": slug})
    return category if category and any(s.active for s in category.subcategories) else None


def active_subcategories(category: MessageCategory | None) -> list[MessageSubcategory]:
    return [s for s in category.subcategories if s.active] if category else []


def subcategory_by_slugs(category_slug: str | None, sub_slug: str | None) -> MessageSubcategory | None:
    if not category_slug or not sub_slug:
        return None
    return db.session.scalar(_SUBCATEGORY_BY_SLUGS, {"category_slug": category_slug, "sub_slug": sub_slug})


def fax_lines() -> list[FaxLine]:
    return list(db.session.scalars(select(FaxLine).order_by(FaxLine.id)))


def due_date(created_at: datetime, sub: MessageSubcategory, *, grievance: bool = False) -> datetime | None:
    days = (sub.grievance_deadline_days or sub.deadline_days) if grievance else sub.deadline_days
    return created_at + timedelta(days=days) if days else None


def deadline_basis(thread: MessageThread) -> str | None:
    sub = thread.subcategory
    return (sub.grievance_deadline_basis or sub.deadline_basis) if thread.is_grievance else sub.deadline_basis


# --- new messages: checks ---------------------------------------------------------------------

@dataclass
class Draft:
    """What a provider typed; references already resolved within the user's scope."""
    subcategory: MessageSubcategory | None
    subject: str = ""
    body: str = ""
    claim: Claim | None = None
    member: Member | None = None
    contact_name: str = ""
    contact_phone: str = ""
    reference_id: str = ""
    provider: Provider | None = None


def new_message_prefill(claim: Claim | None, member: Member | None, code: str = "") -> dict[str, str]:
    """Field values of a New Message started from a claim (or one of its denied lines' `code`) or
    from a member: the sub-category the question goes to, the reference and a subject."""
    if claim is not None:
        values = dict(zip(("category", "subcategory"), CLAIM_QUESTION), claim_number=claim.claim_number,
                      subject=f"Question about claim {claim.claim_number}")
        question = claim_code_question(claim, code)
        if question:
            values["subject"], values["body"] = question
        return values
    if member is not None:
        return dict(zip(("category", "subcategory"), MEMBER_QUESTION), member_id=member.member_id,
                    subject="Comment or question about a member")
    return {}


def provider_for_message(providers: list[Provider], chosen_id: int | None, claim: Claim | None) -> Provider | None:
    """The provider a new message is for: the claim's (its Tax ID, its NPI if active), else the one
    chosen when the user has several, else the user's only provider."""
    if claim is not None:
        same_tax = [p for p in providers if p.tax_id == claim.tax_id]
        return next((p for p in same_tax if p.npi == claim.provider_npi), same_tax[0] if same_tax else None)
    if len(providers) > 1:
        return next((p for p in providers if p.id == chosen_id), None)
    return providers[0] if providers else None


def new_message_draft(user: User, values: dict, providers: list[Provider]) -> tuple[Draft, dict[str, str]]:
    """The New Message `user` typed (`values` by field name), with its sub-category, Claim # and
    Member ID looked up within what the user may see and the provider it is for.

    Returns the draft and errors (field -> message) for references not found and for what the
    sub-category's rule requires; the form checks the fields themselves (subject, message, lengths).
    """
    def text(name: str) -> str:
        return values.get(name) or ""

    draft = Draft(subcategory=subcategory_by_slugs(values.get("category"), values.get("subcategory")),
                  subject=text("subject"), body=text("body"), contact_name=text("contact_name"),
                  contact_phone=text("contact_phone"), reference_id=text("reference_id"))
    errors = {}
    if text("claim_number"):
        draft.claim = visible_claim_by_number(user, text("claim_number"))
        if draft.claim is None:
            errors["claim_number"] = "No claim with this Claim # was found for your Tax IDs."
    if text("member_id"):
        draft.member = visible_member_by_member_id(user, text("member_id"))
        if draft.member is None:
            errors["member_id"] = "No member with this Member ID was found for your providers."
    if draft.member is None and draft.claim is not None:
        draft.member = draft.claim.member
    draft.provider = provider_for_message(providers, values.get("provider"), draft.claim)
    if draft.provider is None:
        errors["provider"] = "Choose the provider this message is for."
    return draft, {**check_draft(draft), **errors}


def expedited_by_fax(draft: Draft) -> bool:
    """Expedited appeals are not accepted through the portal: the provider faxes them instead."""
    return draft.subcategory is not None and draft.subcategory.fax_only


def check_draft(draft: Draft) -> dict[str, str]:
    """Field -> message for everything the draft's sub-category rule requires."""
    errors = {}
    sub = draft.subcategory
    if sub is None:
        errors["subcategory"] = "Choose a sub-category."
    else:
        needed = requirements(sub)
        if "claim" in needed and draft.claim is None:
            errors["claim_number"] = "Enter the Claim # this message is about."
        if "member" in needed and draft.member is None:
            errors["member_id"] = "Enter the Member ID this message is about."
        if "contact" in needed:
            if not draft.contact_name.strip():
                errors["contact_name"] = "Enter the name of the person we can speak to."
            if not draft.contact_phone.strip():
                errors["contact_phone"] = "Enter the phone number of the person we can speak to."
        if "reference" in needed and not draft.reference_id.strip():
            errors["reference_id"] = "Enter the Reference ID of the original request."
    return errors


# --- access -----------------------------------------------------------------------------------

def _org_provider_ids():
    """Providers sharing a Tax ID with a provider active in the viewer's collection (the organization)."""
    tax_ids = (select(Provider.tax_id).join(ProviderAccess, ProviderAccess.provider_id == Provider.id)
               .where(ProviderAccess.user_id == bindparam("viewer_id"),
                      ProviderAccess.status == AccessStatus.ACTIVE))
    return select(Provider.id).where(Provider.tax_id.in_(tax_ids))


def threads_visible_to(kind: str):
    """The threads a viewer of `kind` may see, with the viewer's parameters unbound
    (webapp.statements.viewer_params), for statements built once."""
    query = select(MessageThread)
    if kind == QUEUES:
        return query.where(MessageThread.queue_id.in_(bindparam("viewer_queue_ids", expanding=True)))
    if kind == ORGANIZATION:
        return query.where(MessageThread.provider_id.in_(_org_provider_ids()))
    return query


def visible_threads(user: User):
    """The threads `user` may see (a query to refine and run as it is)."""
    return threads_visible_to(viewer_kind(user)).params(viewer_params(user))


def visible_thread(user: User, thread_id: int) -> MessageThread | None:
    # Its provider and category are on every thread page: loaded in the same statement.
    kind = viewer_kind(user)
    statement = prepared(("messages.visible_thread", kind), lambda: threads_visible_to(kind).where(
        MessageThread.id == bindparam("thread_id")).options(
        joinedload(MessageThread.provider),
        joinedload(MessageThread.subcategory).joinedload(MessageSubcategory.category)))
    return db.session.scalar(statement, {**viewer_params(user), "thread_id": thread_id})


def can_view_message(user: User, message_id: int) -> bool:
    """The download rule for files attached to messages (registered with attachments)."""
    message = db.session.get(Message, message_id)
    if message is None or visible_thread(user, message.thread_id) is None:
        return False
    return not message.internal or user.is_agent


def visible_messages(user: User, thread: MessageThread) -> list[Message]:
    return [m for m in thread.messages if user.is_agent or not m.internal]


def files_by_message(messages: list[Message]) -> dict[int, list[StoredFile]]:
    files: dict[int, list[StoredFile]] = {}
    for stored in files_of("message", [m.id for m in messages]):
        files.setdefault(stored.owner_id, []).append(stored)
    return files


# --- threads ----------------------------------------------------------------------------------

def _add_message(thread: MessageThread, author: User, body: str, prepared: list[PreparedFile],
                 *, internal: bool = False) -> Message:
    now = utcnow_naive()
    message = Message(thread=thread, author=author, body=body, internal=internal, created_at=now)
    db.session.add(message)
    db.session.flush()
    attach(prepared, "message", message.id)
    if not internal:
        thread.last_activity_at = now
    mark_read(author, thread, now)
    return message


def start_thread(user: User, provider: Provider, draft: Draft, prepared: list[PreparedFile], *,
                 linked_from: MessageThread | None = None, grievance: bool = False) -> MessageThread:
    """Open a thread routed by its sub-category's rule (the caller has checked the draft; commits)."""
    sub = draft.subcategory
    now = utcnow_naive()
    thread = MessageThread(
        provider=provider, subcategory=sub, queue_id=sub.queue_id, subject=draft.subject.strip(),
        claim=draft.claim, member=draft.member, contact_name=draft.contact_name.strip() or None,
        contact_phone=draft.contact_phone.strip() or None, reference_id=draft.reference_id.strip() or None,
        is_grievance=grievance, status=ThreadStatus.OPEN, created_by=user, linked_from=linked_from,
        created_at=now, last_activity_at=now, due_at=due_date(now, sub, grievance=grievance))
    db.session.add(thread)
    db.session.flush()
    _add_message(thread, user, draft.body, prepared)
    return thread


def follow_up(user: User, thread: MessageThread, body: str, prepared: list[PreparedFile], *,
              reopen_days: int) -> MessageThread:
    """A provider's follow-up. A closed thread reopens within `reopen_days` of closing; after that the
    follow-up starts a new thread linked to it. Returns the thread that got the message."""
    now = utcnow_naive()
    if thread.status == ThreadStatus.CLOSED and not can_reopen(thread, reopen_days, now):
        draft = Draft(subcategory=thread.subcategory, subject=thread.subject, body=body, claim=thread.claim,
                      member=thread.member, contact_name=thread.contact_name or "",
                      contact_phone=thread.contact_phone or "", reference_id=thread.reference_id or "")
        return start_thread(user, thread.provider, draft, prepared, linked_from=thread,
                            grievance=thread.is_grievance)
    _add_message(thread, user, body, prepared)
    thread.status = ThreadStatus.OPEN
    thread.closed_at = None
    return thread


def can_reopen(thread: MessageThread, reopen_days: int, now: datetime | None = None) -> bool:
    if thread.status != ThreadStatus.CLOSED or thread.closed_at is None:
        return True
    return (now or utcnow_naive()) <= thread.closed_at + timedelta(days=reopen_days)


def can_escalate(thread: MessageThread) -> bool:
    return thread.subcategory.category.slug == ESCALATABLE_CATEGORY and thread.claim_id is not None


def grievance_text(thread: MessageThread, reason: str) -> str:
    return (f"Review requested as a Grievance of message {thread.reference} ({thread.subject}). "
            f"The decision will be final.\n\n{reason}")


def request_grievance(user: User, thread: MessageThread, reason: str, contact_name: str,
                      contact_phone: str, prepared: list[PreparedFile]) -> MessageThread:
    """Open the linked Grievance and Appeal / Post-service thread carrying the claim (caller commits)."""
    sub = subcategory_by_slugs(*GRIEVANCE_TARGET)
    if sub is None:
        raise RulesError("the Grievance and Appeal / Post-service sub-category is not configured")
    draft = Draft(subcategory=sub, subject=f"Grievance: {thread.subject}"[:200],
                  body=grievance_text(thread, reason), claim=thread.claim, member=thread.member,
                  contact_name=contact_name, contact_phone=contact_phone)
    return start_thread(user, thread.provider, draft, prepared, linked_from=thread, grievance=True)


def linked_threads(user: User, thread: MessageThread) -> list[MessageThread]:
    kind = viewer_kind(user)
    statement = prepared(("messages.linked_threads", kind), lambda: threads_visible_to(kind).where(
        MessageThread.linked_from_id == bindparam("thread_id")))
    return list(db.session.scalars(statement, {**viewer_params(user), "thread_id": thread.id}))


# --- agents -----------------------------------------------------------------------------------

def provider_recipients(thread: MessageThread) -> list[str]:
    """E-mail addresses of the active users of the thread's organization."""
    org = select(Provider.id).where(Provider.tax_id == thread.provider.tax_id)
    return list(db.session.scalars(
        select(User.email).join(ProviderAccess, ProviderAccess.user_id == User.id)
        .where(ProviderAccess.provider_id.in_(org), ProviderAccess.status == AccessStatus.ACTIVE,
               User.status == UserStatus.ACTIVE).distinct().order_by(User.email)))


def agent_reply(agent: User, thread: MessageThread, body: str, prepared: list[PreparedFile], *,
                internal: bool, new_status: ThreadStatus | None, link: str) -> Message:
    """A reply (mailed to the provider's users: a notice and a link only) or an internal note."""
    message = _add_message(thread, agent, body, prepared, internal=internal)
    if not internal:
        set_status(thread, new_status or ThreadStatus.ANSWERED)
        for recipient in provider_recipients(thread):
            queue_mail(recipient, MAIL_SUBJECT, f"{MAIL_SUBJECT}.\n\nSign in to read it:\n{link}\n")
    elif new_status is not None:
        set_status(thread, new_status)
    return message


def set_status(thread: MessageThread, status: ThreadStatus) -> None:
    thread.status = status
    thread.closed_at = utcnow_naive() if status == ThreadStatus.CLOSED else None


def assign_to(thread: MessageThread, agent: User) -> None:
    thread.assigned_to = agent


def move_to_queue(agent: User, thread: MessageThread, queue: Queue) -> None:
    thread.queue_id = queue.id


def is_overdue(thread: MessageThread, now: datetime | None = None) -> bool:
    return (thread.due_at is not None and thread.status in WAITING_ON_PLAN
            and thread.due_at < (now or utcnow_naive()))


@dataclass
class QueueSummary:
    queue: Queue
    open_count: int
    overdue_count: int


def queue_summaries(agent: User) -> list[QueueSummary]:
    now = utcnow_naive()
    result = []
    for queue in visible_queues(agent):
        base = select(func.count()).select_from(MessageThread).where(
            MessageThread.queue_id == queue.id, MessageThread.status.in_(WAITING_ON_PLAN))
        result.append(QueueSummary(queue, db.session.scalar(base) or 0,
                                   db.session.scalar(base.where(MessageThread.due_at < now)) or 0))
    return result


def queue_threads(queue: Queue, *, include_done: bool = False) -> list[MessageThread]:
    query = select(MessageThread).where(MessageThread.queue_id == queue.id)
    if not include_done:
        query = query.where(MessageThread.status != ThreadStatus.CLOSED)
    return list(db.session.scalars(query.order_by(MessageThread.due_at.is_(None), MessageThread.due_at,
                                                  MessageThread.id)))


def templates_of(queue_id: int) -> list[ReplyTemplate]:
    return list(db.session.scalars(select(ReplyTemplate).where(ReplyTemplate.queue_id == queue_id)
                                   .order_by(ReplyTemplate.title)))


def queue_template(queue_id: int, template_id: int | None) -> ReplyTemplate | None:
    """A saved reply of this queue (None for another queue's)."""
    template = db.session.get(ReplyTemplate, template_id) if template_id else None
    return template if template is not None and template.queue_id == queue_id else None


def delete_template(template: ReplyTemplate) -> None:
    db.session.delete(template)


def all_queues() -> list[Queue]:
    return list(db.session.scalars(select(Queue).order_by(Queue.name)))


def queue_by_id(queue_id: int | None) -> Queue | None:
    return db.session.get(Queue, queue_id) if queue_id else None


def add_template(queue: Queue, title: str, body: str) -> ReplyTemplate:
    template = ReplyTemplate(queue=queue, title=title.strip(), body=body)
    db.session.add(template)
    return template


# --- unread -----------------------------------------------------------------------------------

def mark_read(user: User, thread: MessageThread, at: datetime | None = None) -> None:
    read = db.session.get(ThreadRead, (user.id, thread.id)) if thread.id else None
    if read is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, read_at=at or utcnow_naive()))
    elif at is not None or thread.last_activity_at is None or read.read_at < thread.last_activity_at:
        # Only news moves the mark: re-opening a thread already read writes nothing (read_at only
        # ever counts against last_activity_at), so a plain view's write is its audit row alone.
        read.read_at = at or utcnow_naive()


def unread_condition():
    """A visible thread with news the viewer (`viewer_id`) has not read."""
    read_at = (select(ThreadRead.read_at).where(ThreadRead.user_id == bindparam("viewer_id"),
                                               ThreadRead.thread_id == MessageThread.id)
               .correlate(MessageThread).scalar_subquery())
    return or_(read_at.is_(None), MessageThread.last_activity_at > read_at)


def unread_threads_visible_to(kind: str):
    """The threads a viewer of `kind` may see with news they have not read (parameters unbound)."""
    return threads_visible_to(kind).where(unread_condition())


def unread_count(user: User) -> int:
    kind = viewer_kind(user)
    statement = prepared(("messages.unread_count", kind), lambda: select(func.count()).select_from(
        unread_threads_visible_to(kind).subquery()))
    return db.session.scalar(statement, viewer_params(user)) or 0


@dataclass
class ThreadPage:
    rows: list[tuple[MessageThread, bool]]  # (thread, unread)
    page: int
    pages: int
    total: int


def my_threads(user: User, *, category: str = "", status: str = "", unread_only: bool = False, page: int = 1,
               per_page: int = 20) -> ThreadPage:
    kind = viewer_kind(user)
    status = status if status in {s.value for s in ThreadStatus} else ""
    shape = (kind, unread_only, bool(category), bool(status))

    def filtered():
        query = threads_visible_to(kind)
        if unread_only:
            query = query.where(unread_condition())
        if category:
            query = (query.join(MessageSubcategory).join(MessageCategory)
                     .where(MessageCategory.slug == bindparam("category")))
        if status:
            query = query.where(MessageThread.status == bindparam("status", type_=MessageThread.status.type))
        return query

    params = {**viewer_params(user), "category": category, "status": ThreadStatus(status) if status else None}
    count = prepared(("messages.my_threads.count", *shape),
                     lambda: select(func.count()).select_from(filtered().subquery()))
    total = db.session.scalar(count, params) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    listing = prepared(("messages.my_threads", *shape), lambda: filtered().add_columns(
        unread_condition().label("unread"))
        .order_by(MessageThread.last_activity_at.desc(), MessageThread.id.desc())
        .limit(bindparam("limit")).offset(bindparam("offset")))
    rows = db.session.execute(listing, {**params, "limit": per_page, "offset": (page - 1) * per_page}).all()
    return ThreadPage(rows=[(row[0], bool(row[1])) for row in rows], page=page, pages=pages, total=total)
