"""Audit trail: who viewed or changed which record, when, from where. No PHI: ids only."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import insert

from webapp.clock import utcnow_naive
from webapp.extensions import db
from webapp.models import AuditEvent


def record(action: str, *, user_id: int | None, object_type: str | None = None,
           object_id: str | int | None = None, remote_addr: str | None = None) -> AuditEvent:
    """Add an audit row to the current transaction (the caller commits)."""
    event = AuditEvent(**_row(action, user_id, object_type, object_id, remote_addr))
    db.session.add(event)
    return event


def _row(action, user_id, object_type, object_id, remote_addr) -> dict:
    return {"at": utcnow_naive(), "action": action, "user_id": user_id, "object_type": object_type,
            "object_id": None if object_id is None else str(object_id), "remote_addr": remote_addr}


# One statement built once (webapp.statements), run in the caller's transaction: every case,
# thread, claim and referral view writes a row, and the ORM's unit of work (an object to track
# and flush) cost more than the insert itself.
_INSERT = insert(AuditEvent)


def record_request(action: str, object_type: str | None = None, object_id: str | int | None = None) -> None:
    """Audit from a view: the signed-in user and the client address of this request (the caller
    commits, or rolls back, with the rest of its transaction)."""
    user_id = current_user.id if current_user.is_authenticated else None
    db.session.execute(_INSERT, [_row(action, user_id, object_type, object_id, request.remote_addr)])


def commit_view() -> None:
    """Commit a page view's audit row before the page is rendered, keeping what the request has
    loaded: a plain commit expires every loaded object, and rendering then reads the user, the
    record and its relations again (3-5 statements a page). Nothing loaded was changed by this
    transaction except what the view wrote itself, so the loaded values are still current.
    Committing first keeps SQLite's write lock off the rendering time."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
