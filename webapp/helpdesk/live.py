"""Live items: who else has an item open (presence), what is new since the page was drawn, and the
validator (ETag) a poll is answered with. Items are cases and Message Center threads."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import Case, CaseComment, ItemPresence, Message, MessageThread, Role, User

PRESENT_SECONDS = 45      # three missed polls and a person is no longer "here"
TOUCH_EVERY_SECONDS = 10  # fewer writes: presence is refreshed at most this often


def touch(user: User, kind: str, item_id: int, now: datetime | None = None) -> None:
    """Record that `user` has the item open now (also the agents' "read" mark for cases)."""
    now = now or utcnow_naive()
    row = db.session.get(ItemPresence, (user.id, kind, item_id))
    if row is None:
        db.session.add(ItemPresence(user_id=user.id, item_kind=kind, item_id=item_id, seen_at=now))
    elif now - row.seen_at >= timedelta(seconds=TOUCH_EVERY_SECONDS):
        row.seen_at = now


def others_here(user: User, kind: str, item_id: int, now: datetime | None = None) -> list[User]:
    """Other agents with the item open within the last PRESENT_SECONDS (shown to agents only)."""
    if not user.is_agent:
        return []
    since = (now or utcnow_naive()) - timedelta(seconds=PRESENT_SECONDS)
    return list(db.session.scalars(
        select(User).join(ItemPresence, ItemPresence.user_id == User.id)
        .where(ItemPresence.item_kind == kind, ItemPresence.item_id == item_id,
               ItemPresence.seen_at >= since, ItemPresence.user_id != user.id,
               User.role.in_((Role.AGENT, Role.ADMIN)))
        .order_by(User.first_name)))


def visible_thread_messages(user: User, thread: MessageThread, after_id: int = 0) -> list[Message]:
    query = select(Message).where(Message.thread_id == thread.id, Message.id > after_id)
    if not user.is_agent:
        query = query.where(Message.internal.is_(False))
    return list(db.session.scalars(query.order_by(Message.id)))


def visible_case_comments(user: User, case: Case, after_id: int = 0) -> list[CaseComment]:
    query = select(CaseComment).where(CaseComment.case_id == case.id, CaseComment.id > after_id)
    if not user.is_agent:
        query = query.where(CaseComment.internal.is_(False))
    return list(db.session.scalars(query.order_by(CaseComment.id)))


def last_id(rows) -> int:
    return max((row.id for row in rows), default=0)


def etag(kind: str, item_id: int, last_visible_id: int, status: str, others: list[User]) -> str:
    """Changes whenever the poll's answer would: a new entry, a new status, other people here."""
    seed = f"{kind}:{item_id}:{last_visible_id}:{status}:{','.join(str(u.id) for u in others)}"
    return hashlib.blake2s(seed.encode(), digest_size=8).hexdigest()


def newer_entries(user: User, entries, seen_id: int):
    """Entries by someone else that arrived after the one the writer last saw."""
    return [e for e in entries if e.id > seen_id and e.author_id != user.id]


def page_context(user: User, kind: str, item, entries, *, poll_url_for, page_url: str) -> dict:
    """What a thread or case page needs to draw its live part (helpdesk/_live.html)."""
    others = others_here(user, kind, item.id)
    last = last_id(entries)
    status = item.status.label
    return {"live": {"kind": kind, "tag": etag(kind, item.id, last, status, others), "others": others,
                     "poll_url": poll_url_for(last), "page_url": page_url, "last_id": last}}
