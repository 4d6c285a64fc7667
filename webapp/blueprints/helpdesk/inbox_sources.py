"""Cases and Message Center threads as inbox sources (see inbox.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from webapp.blueprints.cases.case_types import CASE_TYPES
from webapp.blueprints.helpdesk.inbox import InboxItem, InboxSource, register_inbox_source, works_in_queue
from webapp.extensions import db
from webapp.helpdesk import targets as service_targets
from webapp.models import (Case, CaseComment, CaseStatus, ItemPresence, Message, MessageCategory,
                           MessageSubcategory, MessageThread, Queue, Role, ThreadRead, ThreadStatus, User)

AGENT_ROLES = (Role.AGENT, Role.ADMIN)
PROVIDER_ROLES = (Role.STAFF, Role.LOCAL_OFFICE_ADMIN)
CASE_STATES = {"ours": (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING_PAYER),
               "theirs": (CaseStatus.PENDING_PROVIDER,), "done": (CaseStatus.RESOLVED, CaseStatus.CLOSED)}
THREAD_STATES = {"ours": (ThreadStatus.OPEN,),
                 "theirs": (ThreadStatus.PENDING_PROVIDER, ThreadStatus.ANSWERED),
                 "done": (ThreadStatus.CLOSED,)}
DONE_LIMIT = 200  # resolved items listed: the most recent ones
# Grievances and appeals have decision deadlines in law (42 CFR 422.564/590, 438.408); every other
# message's due date is the plan's own response target.
LEGAL_DEADLINE_CATEGORY = "grievance-and-appeal"


def has_legal_deadline(thread: MessageThread) -> bool:
    return thread.is_grievance or thread.subcategory.category.slug == LEGAL_DEADLINE_CATEGORY


def _state_of(status, table) -> str:
    return next(state for state, statuses in table.items() if status in statuses)


def _assignee_ok(assignee: User | None, queue_id: int) -> bool:
    return assignee is None or works_in_queue(assignee, queue_id)


# --- cases --------------------------------------------------------------------------------------

def case_first_responses(case_ids) -> dict[int, datetime]:
    rows = db.session.execute(
        select(CaseComment.case_id, func.min(CaseComment.created_at)).join(User, User.id == CaseComment.author_id)
        .where(CaseComment.case_id.in_(list(case_ids)), CaseComment.internal.is_(False),
               User.role.in_(AGENT_ROLES)).group_by(CaseComment.case_id))
    return dict(rows.all())


def _case_provider_activity():
    """Per case: the latest moment its provider acted (created it or commented)."""
    return (select(CaseComment.case_id, func.max(CaseComment.created_at).label("at"))
            .join(User, User.id == CaseComment.author_id).where(User.role.in_(PROVIDER_ROLES))
            .group_by(CaseComment.case_id).subquery())


def _case_unread_ids(agent: User, case_ids) -> set[int]:
    activity = _case_provider_activity()
    seen = (select(ItemPresence.seen_at).where(ItemPresence.user_id == agent.id, ItemPresence.item_kind == "case",
                                               ItemPresence.item_id == Case.id).correlate(Case).scalar_subquery())
    last = func.coalesce(activity.c.at, Case.created_at)
    return set(db.session.scalars(
        select(Case.id).outerjoin(activity, activity.c.case_id == Case.id)
        .where(Case.id.in_(list(case_ids)), or_(seen.is_(None), last > seen))))


def case_items(agent: User, queue_ids: list[int], states: set[str], now: datetime) -> list[InboxItem]:
    statuses = [s for state in states for s in CASE_STATES[state]]
    query = (select(Case).where(Case.queue_id.in_(queue_ids), Case.status.in_(statuses),
                                Case.merged_into_id.is_(None))
             .options(selectinload(Case.queue), selectinload(Case.assigned_to)))
    if states == {"done"}:
        query = query.order_by(Case.updated_at.desc()).limit(DONE_LIMIT)
    cases = list(db.session.scalars(query))
    ids = [c.id for c in cases]
    first = case_first_responses(ids)
    unread = _case_unread_ids(agent, ids)
    calendars, targets = service_targets.calendars(), service_targets.targets()
    items = []
    for case in cases:
        state = _state_of(case.status, CASE_STATES)
        case_type = CASE_TYPES.get(case.case_type)
        items.append(InboxItem(
            kind="case", id=case.id, reference=case.number, subject=case.subject, queue=case.queue,
            type_label=case_type.label if case_type else case.case_type, status_label=case.status.label,
            state=state, assigned_to=case.assigned_to, created_at=case.created_at,
            target_due=None if state == "done" else service_targets.target_due(
                case.created_at, first.get(case.id), targets.get(("case", case.case_type)),
                calendars.get(case.queue_id)),
            unread=case.id in unread, endpoint="cases.view", url_args={"number": case.number}))
    return items


def claim_case(agent_id: int, case_id: int) -> bool:
    result = db.session.execute(
        update(Case).where(Case.id == case_id, Case.assigned_to_id.is_(None))
        .values(assigned_to_id=agent_id), execution_options={"synchronize_session": False})
    if result.rowcount != 1:
        return False
    case = db.session.get(Case, case_id)
    db.session.refresh(case)
    if case.status == CaseStatus.NEW:
        case.status = CaseStatus.OPEN
    return True


def assign_case(agent: User, case_id: int, assignee: User | None) -> bool:
    case = db.session.get(Case, case_id)
    if case is None or not works_in_queue(agent, case.queue_id) or not _assignee_ok(assignee, case.queue_id):
        return False
    case.assigned_to = assignee
    if assignee is not None and case.status == CaseStatus.NEW:
        case.status = CaseStatus.OPEN
    return True


def move_case(agent: User, case_id: int, queue: Queue) -> bool:
    case = db.session.get(Case, case_id)
    if case is None or not works_in_queue(agent, case.queue_id):
        return False
    if queue.id != case.queue_id:
        case.queue = queue
        if case.assigned_to is not None and not works_in_queue(case.assigned_to, queue.id):
            case.assigned_to = None
    return True


def case_unread_count(agent: User, queue_ids: list[int]) -> int:
    ids = db.session.scalars(select(Case.id).where(
        Case.queue_id.in_(queue_ids), Case.status.in_(CASE_STATES["ours"]), Case.merged_into_id.is_(None),
        or_(Case.assigned_to_id.is_(None), Case.assigned_to_id == agent.id))).all()
    return len(_case_unread_ids(agent, ids))


# --- threads ------------------------------------------------------------------------------------

def thread_first_responses(thread_ids) -> dict[int, datetime]:
    rows = db.session.execute(
        select(Message.thread_id, func.min(Message.created_at)).join(User, User.id == Message.author_id)
        .where(Message.thread_id.in_(list(thread_ids)), Message.internal.is_(False),
               User.role.in_(AGENT_ROLES)).group_by(Message.thread_id))
    return dict(rows.all())


def _thread_unread_condition(agent: User):
    read_at = (select(ThreadRead.read_at).where(ThreadRead.user_id == agent.id,
                                               ThreadRead.thread_id == MessageThread.id)
               .correlate(MessageThread).scalar_subquery())
    return or_(read_at.is_(None), MessageThread.last_activity_at > read_at)


def thread_items(agent: User, queue_ids: list[int], states: set[str], now: datetime) -> list[InboxItem]:
    statuses = [s for state in states for s in THREAD_STATES[state]]
    query = (select(MessageThread, _thread_unread_condition(agent).label("unread"))
             .where(MessageThread.queue_id.in_(queue_ids), MessageThread.status.in_(statuses),
                    MessageThread.merged_into_id.is_(None))
             .options(selectinload(MessageThread.queue), selectinload(MessageThread.assigned_to),
                      selectinload(MessageThread.subcategory).selectinload(MessageSubcategory.category)))
    if states == {"done"}:
        query = query.order_by(MessageThread.last_activity_at.desc()).limit(DONE_LIMIT)
    rows = db.session.execute(query).all()
    first = thread_first_responses([t.id for t, _ in rows])
    calendars, targets = service_targets.calendars(), service_targets.targets()
    items = []
    for thread, unread in rows:
        state = _state_of(thread.status, THREAD_STATES)
        category = thread.subcategory.category
        legal_due = target_due = None
        if state != "done":
            target_due = service_targets.target_due(
                thread.created_at, first.get(thread.id), targets.get(("thread", category.slug)),
                calendars.get(thread.queue_id))
            if has_legal_deadline(thread):
                legal_due = thread.due_at
            elif thread.due_at is not None:  # the plan's response target for the sub-category
                target_due = min(d for d in (target_due, thread.due_at) if d is not None)
        items.append(InboxItem(
            kind="thread", id=thread.id, reference=thread.reference, subject=thread.subject,
            queue=thread.queue, type_label=category.name + (" (Grievance)" if thread.is_grievance else ""),
            status_label=thread.status.label, state=state, assigned_to=thread.assigned_to,
            created_at=thread.created_at, legal_due=legal_due, target_due=target_due,
            unread=bool(unread), endpoint="messages.thread", url_args={"thread_id": thread.id}))
    return items


def claim_thread(agent_id: int, thread_id: int) -> bool:
    result = db.session.execute(
        update(MessageThread).where(MessageThread.id == thread_id, MessageThread.assigned_to_id.is_(None))
        .values(assigned_to_id=agent_id), execution_options={"synchronize_session": False})
    if result.rowcount == 1:
        thread = db.session.get(MessageThread, thread_id)
        db.session.refresh(thread)
        return True
    return False


def assign_thread(agent: User, thread_id: int, assignee: User | None) -> bool:
    thread = db.session.get(MessageThread, thread_id)
    if thread is None or not works_in_queue(agent, thread.queue_id) or not _assignee_ok(assignee, thread.queue_id):
        return False
    thread.assigned_to = assignee
    return True


def move_thread(agent: User, thread_id: int, queue: Queue) -> bool:
    thread = db.session.get(MessageThread, thread_id)
    if thread is None or not works_in_queue(agent, thread.queue_id):
        return False
    if queue.id != thread.queue_id:
        thread.queue_id = queue.id
        if thread.assigned_to is not None and not works_in_queue(thread.assigned_to, queue.id):
            thread.assigned_to = None
    return True


def thread_unread_count(agent: User, queue_ids: list[int]) -> int:
    return db.session.scalar(select(func.count(MessageThread.id)).where(
        MessageThread.queue_id.in_(queue_ids), MessageThread.status.in_(THREAD_STATES["ours"]),
        MessageThread.merged_into_id.is_(None),
        or_(MessageThread.assigned_to_id.is_(None), MessageThread.assigned_to_id == agent.id),
        _thread_unread_condition(agent))) or 0


def _thread_types():
    return [(c.name, c.name) for c in db.session.scalars(select(MessageCategory).order_by(MessageCategory.position))]


def register() -> None:
    register_inbox_source(InboxSource(
        kind="case", label="Case", items=case_items, claim=claim_case, assign=assign_case, move=move_case,
        types=lambda: [(t.label, t.label) for t in CASE_TYPES.values()], unread_count=case_unread_count))
    register_inbox_source(InboxSource(
        kind="thread", label="Message", items=thread_items, claim=claim_thread, assign=assign_thread,
        move=move_thread, types=_thread_types, unread_count=thread_unread_count))
