"""What the search index knows about a Message Center thread (webapp.search's document contract)."""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.blueprints.attachments.services import files_of
from webapp.extensions import db
from webapp.models import Message, MessageSubcategory, MessageThread, Provider, ThreadStatus
from webapp.search import register_source, track_model


def load_documents(ids):
    threads = db.session.scalars(
        select(MessageThread).where(MessageThread.id.in_(list(ids))).options(
            selectinload(MessageThread.messages), selectinload(MessageThread.queue),
            selectinload(MessageThread.claim), selectinload(MessageThread.member),
            selectinload(MessageThread.provider),
            selectinload(MessageThread.subcategory).selectinload(MessageSubcategory.category))
    ).all()
    organizations = _organization_provider_ids({t.provider.tax_id for t in threads})
    message_ids = [m.id for t in threads for m in t.messages]
    file_names: dict[int, list[str]] = {}
    for stored in files_of("message", message_ids):
        file_names.setdefault(stored.owner_id, []).append(stored.original_name)
    for thread in threads:
        public = [m for m in thread.messages if not m.internal]
        internal = [m for m in thread.messages if m.internal]
        yield {
            "id": thread.id,
            "number": thread.reference,
            "title": thread.subject,
            "body": [text for m in public for text in (m.body, *file_names.get(m.id, []))],
            "internal": [text for m in internal for text in (m.body, *file_names.get(m.id, []))],
            "claim_numbers": [thread.claim.claim_number] if thread.claim else [],
            "member_ids": [thread.member.member_id] if thread.member else [],
            "account_numbers": [thread.reference_id] if thread.reference_id else [],
            # The whole organization (providers sharing the Tax ID) sees a thread, as on its page.
            "provider_ids": organizations.get(thread.provider.tax_id, [thread.provider_id]),
            "queue": thread.queue.slug if thread.queue else "",
            "status": thread.status.label,
            "type": "Message",
            "category": thread.subcategory.category.name,
            "sub_category": thread.subcategory.name,
            "is_open": thread.status != ThreadStatus.CLOSED,
            "created": thread.created_at,
            "updated": thread.last_activity_at,
        }


def _organization_provider_ids(tax_ids) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for provider_id, tax_id in db.session.execute(
            select(Provider.id, Provider.tax_id).where(Provider.tax_id.in_(list(tax_ids)))):
        grouped.setdefault(tax_id, []).append(provider_id)
    return grouped


def all_ids():
    return [(thread_id, updated) for thread_id, updated in
            db.session.execute(select(MessageThread.id, MessageThread.last_activity_at))]


def thread_url(thread_id) -> str:
    return url_for("messages.thread", thread_id=int(thread_id))


def register_with_search() -> None:
    register_source("thread", load_documents, all_ids, url_builder=thread_url, label="Message")
    track_model(MessageThread, "thread", lambda thread: thread.id)
    track_model(Message, "thread", lambda message: message.thread_id)
    # Files come with a message of their own, which marks the thread.
