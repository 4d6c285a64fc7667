"""A test-only source of case/thread records: its own tables (not in the app's metadata, so the
migration check ignores them), registered and tracked exactly as the cases/messages features do."""
from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.search import (get_service, register_source, track_model, unregister_source,
                           untrack_model)


class Base(DeclarativeBase):
    pass


class FakeRecord(Base):
    __tablename__ = "test_search_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="case")
    number: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    patient: Mapped[str] = mapped_column(String(100), default="")
    member_id: Mapped[str] = mapped_column(String(20), default="")
    claim_number: Mapped[str] = mapped_column(String(20), default="")
    account_number: Mapped[str] = mapped_column(String(20), default="")
    attachment: Mapped[str] = mapped_column(String(100), default="")
    provider_id: Mapped[int] = mapped_column()
    queue: Mapped[str] = mapped_column(String(60), default="claims-inquiry")
    status: Mapped[str] = mapped_column(String(30), default="Open")
    type: Mapped[str] = mapped_column(String(30), default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    sub_category: Mapped[str] = mapped_column(String(60), default="")
    created: Mapped[datetime] = mapped_column(default=lambda: datetime(2026, 1, 5, 9, 0))
    updated: Mapped[datetime] = mapped_column(default=lambda: datetime(2026, 1, 5, 9, 0))
    notes: Mapped[list["FakeNote"]] = relationship(back_populates="record",
                                                   cascade="all, delete-orphan")


class FakeNote(Base):
    """A comment (or message body); internal=True is an agents-only internal note."""
    __tablename__ = "test_search_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("test_search_record.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(default=False)
    record: Mapped[FakeRecord] = relationship(back_populates="notes")


def to_document(record: FakeRecord) -> dict:
    public = [n.body for n in record.notes if not n.internal]
    return {
        "id": record.id, "number": record.number, "title": record.subject,
        "body": [record.description, record.patient, record.attachment, *public],
        "internal": [n.body for n in record.notes if n.internal],
        "claim_numbers": record.claim_number, "member_ids": record.member_id,
        "account_numbers": record.account_number, "provider_ids": [record.provider_id],
        "queue": record.queue, "status": record.status, "type": record.type,
        "category": record.category, "sub_category": record.sub_category,
        "is_open": record.status not in ("Closed", "Resolved"),
        "created": record.created, "updated": record.updated,
    }


def _source(kind: str):
    def load_documents(ids):
        records = db.session.scalars(select(FakeRecord).where(
            FakeRecord.id.in_(list(ids)), FakeRecord.kind == kind))
        return [to_document(r) for r in records]

    def all_ids():
        return [tuple(row) for row in db.session.execute(
            select(FakeRecord.id, FakeRecord.updated).where(FakeRecord.kind == kind))]

    def changed_since(moment):
        return list(db.session.scalars(select(FakeRecord.id).where(
            FakeRecord.kind == kind, FakeRecord.updated > moment)))

    return dict(load_documents=load_documents, all_ids=all_ids, changed_since=changed_since,
                url_builder=lambda record_id: f"/fake/{kind}/{record_id}",
                label="Case" if kind == "case" else "Message")


def _kind_id(kind):
    return lambda record: record.id if record.kind == kind else None


def _note_kind_id(kind):
    return lambda note: note.record.id if note.record is not None and note.record.kind == kind else None


@pytest.fixture
def fake_source(app):
    """Tables + sources + tracking for fake cases/threads, and an empty live index."""
    with app.app_context():
        Base.metadata.create_all(db.engine)
        get_service().index.create_empty()
    for kind in ("case", "thread"):
        register_source(kind, **_source(kind))
        track_model(FakeRecord, kind, _kind_id(kind))
        track_model(FakeNote, kind, _note_kind_id(kind))
    yield app
    for kind in ("case", "thread"):
        unregister_source(kind)
    untrack_model(FakeRecord)
    untrack_model(FakeNote)


def add_record(**values) -> FakeRecord:
    notes = values.pop("notes", [])
    record = FakeRecord(**values)
    record.notes = [FakeNote(body=body, internal=internal) for body, internal in notes]
    db.session.add(record)
    db.session.commit()
    return record


def wait_until_indexed(timeout: float = 10.0) -> None:
    """The app's writer thread applies pending work after commit; wait for it (not a timing
    assertion: the 1 s target is measured in bench/)."""
    service = get_service()
    deadline = time.monotonic() + timeout
    while service.pending_count():
        if time.monotonic() > deadline:
            raise AssertionError(f"{service.pending_count()} index changes still pending")
        time.sleep(0.02)
    db.session.rollback()  # end the read transaction
