"""Merging a duplicate case or thread into the one that stays: its messages (and their files) or
comments and files move, the duplicate is closed and points to the survivor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from webapp.blueprints.cases.services import works_case
from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import (Case, CaseComment, CaseStatus, Message, MessageThread, StoredFile, ThreadRead,
                           ThreadStatus, User)
from webapp.search import mark


class MergeError(ValueError):
    """Shown to the agent as is."""


def _check(agent_works_both: bool, duplicate, survivor, same_organization: bool) -> None:
    if survivor is None:
        raise MergeError("No item with that number was found in your queues.")
    if duplicate.id == survivor.id:
        raise MergeError("An item cannot be merged into itself.")
    if not agent_works_both:
        raise MergeError("You can merge only items of your own queues.")
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise MergeError("One of the two was already merged into another item.")
    if not same_organization:
        raise MergeError("Both items must belong to the same provider organization.")


def merge_threads(agent: User, duplicate: MessageThread, survivor: MessageThread | None,
                  now: datetime | None = None) -> None:
    """Move the duplicate's messages to the survivor (the caller commits)."""
    def works(thread):
        return agent.is_admin or any(q.id == thread.queue_id for q in agent.queues)

    _check(survivor is not None and works(duplicate) and works(survivor), duplicate, survivor,
           survivor is not None and duplicate.provider.tax_id == survivor.provider.tax_id)
    now = now or utcnow_naive()
    db.session.execute(update(Message).where(Message.thread_id == duplicate.id)
                       .values(thread_id=survivor.id), execution_options={"synchronize_session": False})
    db.session.execute(ThreadRead.__table__.delete().where(ThreadRead.thread_id == duplicate.id))
    db.session.add(Message(thread_id=survivor.id, author_id=agent.id, created_at=now,
                           body=f"Message {duplicate.reference} was merged into this one: its messages and "
                                "files are now here."))
    duplicate.merged_into = survivor
    duplicate.status, duplicate.closed_at, duplicate.last_activity_at = ThreadStatus.CLOSED, now, now
    survivor.last_activity_at = max(survivor.last_activity_at, now)
    if survivor.status == ThreadStatus.CLOSED:
        survivor.status, survivor.closed_at = ThreadStatus.OPEN, None
    mark(db.session, "thread", duplicate.id)
    mark(db.session, "thread", survivor.id)
    db.session.flush()
    for thread in (duplicate, survivor):  # the messages moved by the UPDATE above
        db.session.expire(thread, ["messages"])


def merge_cases(agent: User, duplicate: Case, survivor: Case | None, now: datetime | None = None) -> None:
    """Move the duplicate's comments and files to the survivor (the caller commits)."""
    _check(survivor is not None and works_case(agent, duplicate) and works_case(agent, survivor),
           duplicate, survivor,
           survivor is not None and duplicate.provider.tax_id == survivor.provider.tax_id)
    now = now or utcnow_naive()
    db.session.execute(update(CaseComment).where(CaseComment.case_id == duplicate.id)
                       .values(case_id=survivor.id), execution_options={"synchronize_session": False})
    db.session.execute(update(StoredFile).where(StoredFile.owner_kind == "case",
                                                StoredFile.owner_id == duplicate.id)
                       .values(owner_id=survivor.id), execution_options={"synchronize_session": False})
    db.session.add(CaseComment(case_id=survivor.id, author_id=agent.id, created_at=now,
                               body=f"Case {duplicate.number} was merged into this case: its comments "
                                    "and files are now here."))
    duplicate.merged_into = survivor
    duplicate.status, duplicate.finished_at, duplicate.updated_at = CaseStatus.CLOSED, now, now
    survivor.updated_at = now
    mark(db.session, "case", duplicate.id)
    mark(db.session, "case", survivor.id)


def survivor_case(number: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.number == (number or "").strip()))


def survivor_thread(reference: str) -> MessageThread | None:
    """"M-000012" or "12"."""
    text = (reference or "").strip().upper().removeprefix("M-")
    if not text.isdigit() or len(text) > 18:
        return None
    return db.session.get(MessageThread, int(text))
