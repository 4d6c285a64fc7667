"""Change tracking: a change to a tracked model adds a row to the change log (search_change) in the same
transaction (so the index work survives a crash), and wakes the app's index writer after commit.

A feature calls, once at registration time:

    track_model(Case, "case", lambda case: case.id)
    track_model(CaseComment, "case", lambda comment: comment.case_id)   # a comment marks its case

The getter may return one id, a list of ids, or None (nothing to mark). Deleting an instance of a
tracked model records "delete"; whether the record is really gone is decided when the work is
applied (the source no longer returns it), so deleting a comment only refreshes its case.
Bulk `update()`/`delete()` statements bypass ORM events: call `mark(session, kind, record_id)`
for those.
"""
from __future__ import annotations

import logging
from typing import Callable

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from webapp.models import SearchChange
from webapp.search.index_service import wake_writer

log = logging.getLogger(__name__)

_tracked: list[tuple[type, str, Callable]] = []
_installed = False
_MARKED = "search_marked"   # session.info: what this transaction already recorded
_WAKE = "search_wake"       # session.info: something was recorded; wake the writer after commit


def track_model(model: type, kind: str, record_id_getter: Callable) -> None:
    """Mark `kind` records for re-indexing whenever an instance of `model` is added, changed or
    deleted. Idempotent per (model, kind)."""
    _install()
    for existing_model, existing_kind, _ in _tracked:
        if existing_model is model and existing_kind == kind:
            return
    _tracked.append((model, kind, record_id_getter))


def untrack_model(model: type) -> None:
    _tracked[:] = [entry for entry in _tracked if entry[0] is not model]


def mark(session: Session, kind: str, record_id, action: str = "upsert") -> None:
    """Record index work for one record in `session`'s transaction (for changes made without ORM
    events, e.g. bulk updates). The caller commits."""
    _write(session, [(kind, str(record_id), action)])


def _ids(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None]
    return [value]


def _collect(session: Session) -> list[tuple[str, str, str]]:
    if not _tracked:
        return []
    found = []
    groups = (("upsert", session.new), ("upsert", session.dirty), ("delete", session.deleted))
    for action, instances in groups:
        for instance in instances:
            for model, kind, getter in _tracked:
                if not isinstance(instance, model):
                    continue
                if action == "upsert" and instance in session.dirty \
                        and not session.is_modified(instance, include_collections=False):
                    continue
                try:
                    ids = _ids(getter(instance))
                except Exception:  # noqa: BLE001 - a getter bug must not break the user's save
                    log.exception("search: record id getter failed for %s", model.__name__)
                    continue
                found += [(kind, str(record_id), action) for record_id in ids]
    return found


def _write(session: Session, items) -> None:
    marked = session.info.setdefault(_MARKED, set())
    rows = []
    for kind, record_id, action in items:
        if (kind, record_id, action) in marked:
            continue
        marked.add((kind, record_id, action))
        rows.append({"kind": kind, "record_id": record_id, "action": action})
    if rows:
        session.connection().execute(insert(SearchChange.__table__), rows)
        session.info[_WAKE] = True


def _after_flush(session: Session, _context) -> None:
    items = _collect(session)
    if items:
        _write(session, items)


def _after_commit(session: Session) -> None:
    session.info.pop(_MARKED, None)
    if session.info.pop(_WAKE, False):
        wake_writer()


def _after_rollback(session: Session) -> None:
    session.info.pop(_MARKED, None)
    session.info.pop(_WAKE, None)


def _install() -> None:
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))
    _installed = True
